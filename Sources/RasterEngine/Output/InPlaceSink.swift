import BlockOutput
import RasterTiling

/// An uncompressed GeoTIFF whose blocks the engine writes itself, in place (`BlockFile`), on the
/// write threads of a `BlockWriteQueue`: the worker computes a one-plane chunk straight into a
/// queue buffer laid out by blocks, or its pixel-interleaved bands are interleaved into one; a
/// chunk counts as done once its blocks are on disk; a checkpoint is an fsync.
/// Thread safety: `Sendable`; write threads `pwrite` disjoint byte ranges of one descriptor.
final class InPlaceSink: OutputSink {
    /// Writes under way at once: two keep the disk busy. The queue holds one buffer per worker beyond them.
    static let writeLanes = 2

    private let file: BlockFile
    private let queue: BlockWriteQueue
    private let plan: TilePlan
    private let bandCount: Int
    private let byteSize: Int

    init(file: BlockFile, plan: TilePlan, bandCount: Int, byteSize: Int, workers: Int) {
        self.file = file
        self.plan = plan
        self.bandCount = bandCount
        self.byteSize = byteSize
        queue = BlockWriteQueue(lanes: InPlaceSink.writeLanes, buffers: InPlaceSink.writeLanes + max(1, workers))
    }

    var wantsBlocks: Bool { true }
    var writes: BlockWrites { file.direct ? .inPlaceDirect : .inPlace }

    /// A queue buffer when the file stores a chunk laid out by blocks as it is (one band, or
    /// one plane per band).
    func chunkBuffer(bytes: Int) throws -> BlockWriteQueue.Buffer? {
        guard bandCount == 1 || file.index.separatePlanes else { return nil }
        return try queue.buffer(bytes: bytes)
    }

    func giveBack(_ buffer: BlockWriteQueue.Buffer) { queue.giveBack(buffer) }

    func stagingBytes(for window: Window) -> Int { 0 }

    func write(_ chunk: FinishedChunk, done: @escaping @Sendable (Int) throws -> Void) throws {
        precondition(chunk.rewrite == nil, "a copied input is written through GDAL")
        guard let bytes = chunk.bytes else { return try done(0) }
        let blocks = plan.blocks(in: chunk.window)
        let blockBytes = plan.blockWidth * plan.blockHeight * byteSize
        let buffer = try chunk.owned ?? queue.buffer(bytes: blocks.count * bandCount * blockBytes)
        do { try queue.check() } catch {
            queue.giveBack(buffer)
            throw error
        }
        if chunk.owned == nil {
            interleave(blocks.count, bytes, into: MutableRawSamples(buffer), blockBytes: blockBytes)
        }
        let written = blocks.count * bandCount
        queue.submit(buffer) { [file, bandCount] buffer in
            let planes = file.index.separatePlanes ? bandCount : 1
            for p in 0..<planes {
                let numbers = blocks.map { file.index.blockNumber(column: $0.column, row: $0.row, band: p + 1) }
                let plane = blocks.count * file.index.blockBytes
                let bytes = MutableRawSamples(buffer).part(p * plane, count: plane)
                try file.write(blocks: numbers, from: bytes.baseAddress)
            }
            try done(written)
        }
    }

    /// Interleaves a chunk laid out by blocks (every block of band 1, then of band 2…) into the
    /// blocks of a file that stores a pixel's bands together.
    private func interleave(_ blockCount: Int, _ bytes: RawSamples, into staging: MutableRawSamples,
                            blockBytes: Int) {
        let os = byteSize, bands = bandCount
        let pixels = plan.blockWidth * plan.blockHeight
        for k in 0..<blockCount {
            let dst = staging.part(k * bands * blockBytes, count: bands * blockBytes)
            for b in 0..<bands {
                let src = bytes.part((b * blockCount + k) * blockBytes, count: blockBytes).samples(ofSize: os)
                dst.dropFirst(b * os).scatter(src.part(0, count: pixels), stride: os * bands)
            }
        }
    }

    func makeDurable() throws -> Bool {
        try file.sync()   // blocks written in place: the sync makes every finished chunk durable
        return true
    }

    func drain() throws { try queue.drain() }

    func close() throws { try queue.drain() }
}
