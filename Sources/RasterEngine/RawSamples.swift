import BlockOutput
import RasterTiling

/// Untyped memory holding `count` samples of `byteSize` bytes each, as GDAL, a TIFF block or
/// the chunk's output lays them out (a plain byte buffer is samples of one byte). The one place
/// in the engine where pixel bytes are seen as typed elements, and only for the duration of a
/// closure, so no typed pointer outlives the call that lent the memory; parts are taken by
/// sample index, never by pointer arithmetic outside this file.
/// Thread safety: a view; as safe as the memory it points into (one thread's, during the call).
struct RawSamples {
    fileprivate let base: UnsafeRawPointer
    /// Samples viewed, and the bytes of one.
    let count: Int, byteSize: Int

    /// `count` samples of `byteSize` bytes at `base`, which the caller keeps valid.
    @inline(__always)
    init(_ base: UnsafeRawPointer, count: Int, byteSize: Int) {
        self.base = base
        self.count = count
        self.byteSize = byteSize
    }

    /// The same memory seen as samples of `byteSize` bytes (as many as fit).
    func samples(ofSize byteSize: Int) -> RawSamples {
        RawSamples(base, count: count * self.byteSize / byteSize, byteSize: byteSize)
    }

    /// The first sample's address, for a C function that takes a pointer (during that call).
    var baseAddress: UnsafeRawPointer { base }
    /// The viewed bytes, as a GDAL or file call takes them (for the duration of that call).
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count * byteSize) }
    /// Bytes viewed.
    var byteCount: Int { count * byteSize }

    /// `count` samples from sample `from`.
    @inline(__always)
    func part(_ from: Int, count: Int) -> RawSamples {
        precondition(from >= 0 && count >= 0 && from + count <= self.count, "samples part out of range")
        return RawSamples(base + from * byteSize, count: count, byteSize: byteSize)
    }

    /// The samples from sample `n` on.
    @inline(__always)
    func dropFirst(_ n: Int) -> RawSamples { part(n, count: count - n) }

    /// Lends the samples as elements of `T` (a trivial type of `byteSize` bytes).
    @inline(__always)
    func withElements<T, R>(_: T.Type, _ body: (PlaneRow<T>) -> R) -> R {
        assert(MemoryLayout<T>.size == byteSize, "samples seen as a type of another size")
        return body(PlaneRow(start: base.assumingMemoryBound(to: T.self), count: count))
    }
}

/// Writable untyped memory holding `count` samples of `byteSize` bytes (see `RawSamples`).
/// Thread safety: a view; as safe as the memory it points into.
struct MutableRawSamples {
    fileprivate let base: UnsafeMutableRawPointer
    /// Samples viewed, and the bytes of one.
    let count: Int, byteSize: Int

    /// `count` samples of `byteSize` bytes at `base`, which the caller keeps valid.
    @inline(__always)
    init(_ base: UnsafeMutableRawPointer, count: Int, byteSize: Int) {
        self.base = base
        self.count = count
        self.byteSize = byteSize
    }

    /// A buffer of the write queue, as bytes.
    init(_ buffer: BlockWriteQueue.Buffer) { self.init(buffer.pointer, count: buffer.count, byteSize: 1) }

    /// The elements of a typed row, as raw samples of their size (for a GDAL read into them).
    init<T>(_ row: MutablePlaneRow<T>) {
        self.init(row.baseAddress, count: row.count, byteSize: MemoryLayout<T>.stride)
    }

    /// The writable form of samples lent writable: the parts below are taken on the read-only
    /// form's geometry, so the bounds checks are written once.
    @inline(__always)
    fileprivate init(_ samples: RawSamples) {
        self.init(UnsafeMutableRawPointer(mutating: samples.base), count: samples.count, byteSize: samples.byteSize)
    }

    /// The same memory seen as samples of `byteSize` bytes (as many as fit).
    func samples(ofSize byteSize: Int) -> MutableRawSamples { MutableRawSamples(readOnly.samples(ofSize: byteSize)) }

    /// The first sample's address, for a C function that takes a pointer (during that call).
    var baseAddress: UnsafeMutableRawPointer { base }
    /// The viewed bytes, as a GDAL or file call takes them (for the duration of that call).
    var bytes: UnsafeMutableRawBufferPointer { UnsafeMutableRawBufferPointer(mutating: readOnly.bytes) }
    /// Bytes viewed.
    var byteCount: Int { count * byteSize }
    /// The same samples, read-only.
    @inline(__always) var readOnly: RawSamples { RawSamples(base, count: count, byteSize: byteSize) }

    /// `count` samples from sample `from`.
    @inline(__always)
    func part(_ from: Int, count: Int) -> MutableRawSamples { MutableRawSamples(readOnly.part(from, count: count)) }

    /// The samples from sample `n` on.
    @inline(__always)
    func dropFirst(_ n: Int) -> MutableRawSamples { MutableRawSamples(readOnly.dropFirst(n)) }

    /// Copies `source`'s bytes (at most `byteCount`) to the first bytes here.
    @inline(__always)
    func copy(from source: RawSamples) {
        precondition(source.byteCount <= byteCount, "samples copy too long")
        base.copyMemory(from: source.base, byteCount: source.byteCount)
    }

    /// Copies sample `j` of `source` (of the same size) to sample `i` (checked in debug builds only).
    @inline(__always)
    func copySample(_ i: Int, from source: RawSamples, at j: Int) {
        assert(i >= 0 && i < count && j >= 0 && j < source.count && source.byteSize == byteSize)
        (base + i * byteSize).copyMemory(from: source.base + j * byteSize, byteCount: byteSize)
    }

    /// Sets every byte to zero.
    func zero() { base.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount) }

    /// Copies `source`'s samples to every `stride` bytes of this memory from its start (one band
    /// into pixel-interleaved blocks).
    @inline(__always)
    func scatter(_ source: RawSamples, stride: Int) {
        let n = source.count, size = source.byteSize
        precondition(n == 0 || (n - 1) * stride + size <= byteCount, "scattering past the end")
        func run<T>(_: T.Type) {
            source.withElements(T.self) { s in
                for x in 0..<n { (base + x * stride).storeBytes(of: s[x], as: T.self) }
            }
        }
        switch size {
        case 1: run(UInt8.self)
        case 2: run(UInt16.self)
        case 4: run(UInt32.self)
        case 8: run(UInt64.self)
        default:
            for x in 0..<n { (base + x * stride).copyMemory(from: source.base + x * size, byteCount: size) }
        }
    }

    /// Lends the samples as writable elements of `T` (a trivial type of `byteSize` bytes).
    @inline(__always)
    func withElements<T, R>(_: T.Type, _ body: (MutablePlaneRow<T>) -> R) -> R {
        readOnly.withElements(T.self) { body(MutablePlaneRow(start: UnsafeMutablePointer(mutating: $0.baseAddress),
                                                             count: $0.count)) }
    }
}
