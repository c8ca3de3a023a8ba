import BlockOutput

/// The block cache's pixel buffers: carved from huge-page mappings (`HugePageMemory`) of
/// several blocks each, so that filling the cache is a few dozen page faults rather than
/// thousands, and reused once given back (a block is 128 KiB for a 256² UInt16 tile, which
/// malloc would serve with mmap and munmap, page-faulting every time). The pool owns every
/// mapping; a buffer (a view of `bufferBytes` bytes) is valid until the pool goes, and the
/// cache (which owns the pool) hands a buffer to one block at a time.
/// Thread safety: not thread-safe; the cache touches it only with its mutex held.
final class BlockPool {
    /// Bytes of one buffer (a block of every band), rounded up to a cache line.
    let bufferBytes: Int
    private var spare: [UnsafeMutableRawPointer] = []
    private var slabs: [UnsafeMutableRawBufferPointer] = []
    private var slabUsed = 0

    /// A pool of buffers of at least `bytes` bytes each.
    init(bytes: Int) { bufferBytes = (bytes + 63) & ~63 }

    deinit { slabs.forEach(HugePageMemory.deallocate) }

    /// A buffer: a spare one, or a new one carved from the last mapping (a new mapping when it is full).
    /// - Throws: `EngineError.outOfMemory` when the memory cannot be mapped.
    func take() throws(EngineError) -> MutableRawSamples {
        if let buffer = spare.popLast() { return MutableRawSamples(buffer, count: bufferBytes, byteSize: 1) }
        if slabs.isEmpty || slabUsed + bufferBytes > slabs[slabs.count - 1].count {
            slabs.append(try HugePageMemory.allocateForRun(max(bufferBytes, HugePageMemory.hugePage)))
            slabUsed = 0
        }
        defer { slabUsed += bufferBytes }
        return MutableRawSamples(slabs[slabs.count - 1].baseAddress! + slabUsed, count: bufferBytes, byteSize: 1)
    }

    /// Takes back a buffer `take` gave, for the next block.
    func giveBack(_ buffer: MutableRawSamples) { spare.append(buffer.baseAddress) }
}
