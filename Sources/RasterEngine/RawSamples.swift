/// Untyped memory holding `count` samples of one fixed-size type, as GDAL, a TIFF block or
/// the chunk's output lays them out. The one place in the engine where pixel bytes are seen
/// as typed elements, and only for the duration of a closure, so no typed pointer outlives
/// the call that lent the memory.
/// Thread safety: a view; as safe as the memory it points into (one thread's, during the call).
struct RawSamples {
    let base: UnsafeRawPointer
    let count: Int

    /// `count` samples at `base`.
    @inline(__always) init(_ base: UnsafeRawPointer, count: Int) { self.base = base; self.count = count }

    /// Lends the samples as elements of `T` (a trivial type: integers and floats of the sample's size).
    @inline(__always)
    func withElements<T, R>(_: T.Type, _ body: (UnsafeBufferPointer<T>) -> R) -> R {
        body(UnsafeBufferPointer(start: base.assumingMemoryBound(to: T.self), count: count))
    }
}

/// Writable untyped memory holding `count` samples of one fixed-size type (see `RawSamples`).
/// Thread safety: a view; as safe as the memory it points into.
struct MutableRawSamples {
    let base: UnsafeMutableRawPointer
    let count: Int

    /// `count` samples at `base`.
    @inline(__always) init(_ base: UnsafeMutableRawPointer, count: Int) { self.base = base; self.count = count }

    /// Lends the samples as writable elements of `T` (a trivial type of the sample's size).
    @inline(__always)
    func withElements<T, R>(_: T.Type, _ body: (UnsafeMutableBufferPointer<T>) -> R) -> R {
        body(UnsafeMutableBufferPointer(start: base.assumingMemoryBound(to: T.self), count: count))
    }
}
