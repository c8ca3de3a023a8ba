import BlockOutput
import RasterKernels
import RasterTiling

/// One worker's reusable buffers, grown as needed and never shrunk, so a run allocates
/// (and page-faults) its working memory once per thread instead of once per tile.
///
/// A slot's memory is lent to one closure at a time (`lend`), for the duration of that call,
/// as a view (`MutableRawSamples`, `MutablePlaneRow`, `MutablePlane`): it cannot grow (and move)
/// while it is lent, and lending a slot that is already out traps, so no stage can be handed
/// memory another stage still reads.
/// Thread safety: owned by one worker thread; not `Sendable`.
final class Scratch {
    private var buffers: [UnsafeMutableRawBufferPointer] = []
    private var lent: [Bool] = []

    /// The named buffers a tile needs (`boxFlags`: the validity and chosen flags of the box
    /// an operation runs on when it is smaller than the tile, `TileWorker.operate`).
    enum Slot: Int, CaseIterable {
        case chunkOutput, staging, gathered, gatheredMask, decoded, padded, valid, result, chosen, row, boxFlags
    }

    init() {
        buffers = Slot.allCases.map { _ in UnsafeMutableRawBufferPointer(start: nil, count: 0) }
        lent = Slot.allCases.map { _ in false }
    }

    deinit { buffers.forEach(HugePageMemory.deallocate) }

    /// Lends the memory of `slot`, at least `bytes` bytes (at least one), to `body`.
    private func lendRaw<R>(_ slot: Slot, bytes: Int, _ body: (UnsafeMutableRawPointer) throws -> R) throws -> R {
        let i = slot.rawValue
        precondition(!lent[i], "scratch slot \(slot) is lent already")
        let bytes = max(1, bytes)
        if buffers[i].count < bytes {
            HugePageMemory.deallocate(buffers[i])
            buffers[i] = UnsafeMutableRawBufferPointer(start: nil, count: 0)
            buffers[i] = try HugePageMemory.allocateForRun(bytes)
        }
        lent[i] = true
        defer { lent[i] = false }
        return try body(buffers[i].baseAddress!)
    }

    /// Lends `count` samples of `byteSize` bytes of `slot` to `body` (the contents are
    /// undefined), for the duration of the call only.
    /// - Throws: `EngineError.outOfMemory` when the memory cannot be mapped; what `body` throws.
    /// - Precondition: `slot` is not lent already.
    func lend<R>(_ slot: Slot, count: Int, byteSize: Int, _ body: (MutableRawSamples) throws -> R) throws -> R {
        try lendRaw(slot, bytes: count * byteSize) { raw in
            try body(MutableRawSamples(raw, count: count, byteSize: byteSize))
        }
    }

    /// Lends `count` elements of `T` of `slot` to `body`, as `lend(_:count:byteSize:_:)`.
    func lend<T, R>(_ slot: Slot, _: T.Type, count: Int, _ body: (MutablePlaneRow<T>) throws -> R) throws -> R {
        try lendRaw(slot, bytes: count * MemoryLayout<T>.stride) { raw in
            try body(MutablePlaneRow(start: raw.bindMemory(to: T.self, capacity: max(1, count)), count: count))
        }
    }

    /// Lends a `width × height` plane of `T` of `slot` to `body`, as `lend(_:count:byteSize:_:)`.
    func lend<T, R>(_ slot: Slot, _: T.Type, width: Int, height: Int,
                    _ body: (MutablePlane<T>) throws -> R) throws -> R {
        try lendRaw(slot, bytes: width * height * MemoryLayout<T>.stride) { raw in
            let start = raw.bindMemory(to: T.self, capacity: max(1, width * height))
            return try body(MutablePlane(start: start, width: width, height: height))
        }
    }
}

extension HugePageMemory {
    /// `allocate`, its refusal as the engine's one-line error (`EngineError.outOfMemory`).
    static func allocateForRun(_ bytes: Int) throws(EngineError) -> UnsafeMutableRawBufferPointer {
        do { return try allocate(bytes) } catch { throw .outOfMemory(bytes: error.bytes, reason: error.reason) }
    }
}
