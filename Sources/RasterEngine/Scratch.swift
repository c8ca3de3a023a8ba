import BlockOutput

/// One worker's reusable buffers, grown as needed and never shrunk, so a run allocates
/// (and page-faults) its working memory once per thread instead of once per tile.
/// Thread safety: owned by one worker thread; not `Sendable`.
final class Scratch {
    private var buffers: [UnsafeMutableRawBufferPointer] = []

    /// The named buffers a tile needs.
    enum Slot: Int, CaseIterable {
        case chunkOutput, staging, gathered, gatheredMask, decoded, padded, valid, result, chosen, row
    }

    init() {
        buffers = Slot.allCases.map { _ in UnsafeMutableRawBufferPointer(start: nil, count: 0) }
    }

    deinit { buffers.forEach(HugePageMemory.deallocate) }

    /// At least `bytes` bytes for `slot`; the contents are undefined.
    /// - Throws: `EngineError.outOfMemory` when the memory cannot be mapped.
    func raw(_ slot: Slot, bytes: Int) throws(EngineError) -> UnsafeMutableRawPointer {
        let i = slot.rawValue
        if buffers[i].count < bytes {
            HugePageMemory.deallocate(buffers[i])
            buffers[i] = UnsafeMutableRawBufferPointer(start: nil, count: 0)
            buffers[i] = try HugePageMemory.allocateForRun(bytes)
        }
        return buffers[i].baseAddress!
    }

    /// At least `count` elements of `T` for `slot`.
    func typed<T>(_ slot: Slot, _: T.Type, count: Int) throws(EngineError) -> UnsafeMutablePointer<T> {
        try raw(slot, bytes: count * MemoryLayout<T>.stride).bindMemory(to: T.self, capacity: count)
    }
}

extension HugePageMemory {
    /// `allocate`, its refusal as the engine's one-line error (`EngineError.outOfMemory`).
    static func allocateForRun(_ bytes: Int) throws(EngineError) -> UnsafeMutableRawBufferPointer {
        do { return try allocate(bytes) } catch { throw .outOfMemory(bytes: error.bytes, reason: error.reason) }
    }
}
