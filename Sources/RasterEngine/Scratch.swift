import BlockOutput

/// One worker's reusable buffers, grown as needed and never shrunk, so a run allocates
/// (and page-faults) its working memory once per thread instead of once per tile.
///
/// A slot's memory is lent to one closure at a time (`lend`), for the duration of that call:
/// it cannot grow (and move) while it is lent, and lending a slot that is already out traps,
/// so no stage can be handed memory another stage still reads.
/// Thread safety: owned by one worker thread; not `Sendable`.
final class Scratch {
    private var buffers: [UnsafeMutableRawBufferPointer] = []
    private var lent: [Bool] = []

    /// The named buffers a tile needs.
    enum Slot: Int, CaseIterable {
        case chunkOutput, staging, gathered, gatheredMask, decoded, padded, valid, result, chosen, row
    }

    init() {
        buffers = Slot.allCases.map { _ in UnsafeMutableRawBufferPointer(start: nil, count: 0) }
        lent = Slot.allCases.map { _ in false }
    }

    deinit { buffers.forEach(HugePageMemory.deallocate) }

    /// Lends at least `bytes` bytes of `slot` to `body` (the contents are undefined; `bytes`
    /// 0 may lend no memory at all), for the duration of the call only.
    /// - Throws: `EngineError.outOfMemory` when the memory cannot be mapped; what `body` throws.
    /// - Precondition: `slot` is not lent already.
    func lend<R>(_ slot: Slot, bytes: Int, _ body: (UnsafeMutableRawBufferPointer) throws -> R) throws -> R {
        let i = slot.rawValue
        precondition(!lent[i], "scratch slot \(slot) is lent already")
        if buffers[i].count < bytes {
            HugePageMemory.deallocate(buffers[i])
            buffers[i] = UnsafeMutableRawBufferPointer(start: nil, count: 0)
            buffers[i] = try HugePageMemory.allocateForRun(bytes)
        }
        lent[i] = true
        defer { lent[i] = false }
        return try body(buffers[i])
    }

    /// Lends at least `count` (> 0) elements of `T` of `slot` to `body`, as `lend(_:bytes:_:)`.
    func lend<T, R>(_ slot: Slot, _: T.Type, count: Int, _ body: (UnsafeMutablePointer<T>) throws -> R) throws -> R {
        try lend(slot, bytes: count * MemoryLayout<T>.stride) { raw in
            try body(raw.baseAddress!.bindMemory(to: T.self, capacity: count))
        }
    }
}

extension HugePageMemory {
    /// `allocate`, its refusal as the engine's one-line error (`EngineError.outOfMemory`).
    static func allocateForRun(_ bytes: Int) throws(EngineError) -> UnsafeMutableRawBufferPointer {
        do { return try allocate(bytes) } catch { throw .outOfMemory(bytes: error.bytes, reason: error.reason) }
    }
}
