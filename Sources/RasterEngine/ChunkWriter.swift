import CFileSystem
import Dispatch
import Foundation
import GDALKit
import RasterTiling


/// The single owner of the output dataset. Workers hand it finished chunks, cut into the
/// output's blocks in their own staging memory; under its lock it writes each block once with
/// `GDALWriteBlock` (all bands of a block in a row, so pixel-interleaved GeoTIFF blocks are
/// encoded once).
/// Thread safety: `Sendable`; the dataset is only touched while the mutex is held, by one
/// thread at a time, which is what GDAL requires.
final class ChunkWriter: Sendable {
    private struct State: ~Copyable {
        var dataset: Dataset?
        /// Whether the output file is complete enough to write to (and to checkpoint): at
        /// once for a created file, after the copy for a copied input.
        var ready: Bool
        var stats = RunStats()
        var chunksDone = 0
        /// Chunks on disk (with `--resume`), and when the checkpoint was last saved.
        var done: Set<Int>
        var lastCheckpoint = ContinuousClock.now
        /// A descriptor on the output file, to start its writeback early, and the bytes
        /// written since the last start.
        var writeback: Int32 = -1
        var unsynced = 0
    }

    /// Bytes of blocks after which the kernel is asked to start writing them to disk, so the
    /// final fsync does not wait for the whole file (measured: 0.37 s for 1 GiB otherwise).
    static let writebackBytes = 64 << 20

    /// Where and how often to checkpoint, with `--resume`.
    struct CheckpointPolicy: Sendable {
        var path: String
        var partialPath: String
        var fingerprint: [String: String]
        var interval: Duration
    }

    private let state: Guarded<State>
    private let plan: TilePlan
    private let bandCount: Int
    private let outputType: RasterDataType
    private let path: String
    private let progress: (@Sendable (Double) -> Void)?
    private let checkpoint: CheckpointPolicy?
    private let alreadyDone: Int
    private let opener: (@Sendable () throws -> Dataset)?
    private let filePath: String
    private let writebackQueue = DispatchQueue(label: "geokernel.writeback")

    /// - Parameters:
    ///   - dataset: the output, or `nil` when `opener` opens it before the first write
    ///     (a copy of the input that is still being made).
    ///   - filePath: the file the dataset writes (the temporary beside OUTPUT).
    init(dataset: consuming sending Dataset?, opener: (@Sendable () throws -> Dataset)? = nil, path: String, filePath: String, plan: TilePlan,
         bandCount: Int, outputType: RasterDataType, done: Set<Int> = [], checkpoint: CheckpointPolicy? = nil,
         progress: (@Sendable (Double) -> Void)?) {
        let ready = dataset != nil
        state = Guarded(State(dataset: dataset, ready: ready, done: done))
        self.opener = opener
        self.filePath = filePath
        self.checkpoint = checkpoint
        alreadyDone = done.count
        self.plan = plan
        self.bandCount = bandCount
        self.outputType = outputType
        self.path = path
        self.progress = progress
    }

    /// Writes one chunk's blocks: `bytes` holds the chunk's pixels band after band, in the
    /// output type; `nil` when nothing is to be written (a pass-through chunk of a copied
    /// input). `rewrite`, when given, says which of `plan.blocks(in:)` to write. The blocks
    /// are cut out into `staging` (the caller's, `stagingBytes(for:)` long) before the lock
    /// is taken, so only GDAL's writes happen under it.
    func write(index: Int, window: Window, bytes: UnsafeRawBufferPointer?, rewrite: [Bool]? = nil,
               staging: UnsafeMutableRawPointer, stats: RunStats) throws {
        let started = ContinuousClock.now
        let blocks = plan.blocks(in: window)
        if let bytes { stage(window: window, blocks: blocks, bytes: bytes, rewrite: rewrite, into: staging) }
        try state.withLock { s in
            var written = 0
            if bytes != nil {
                if !s.ready, let opener {
                    s.dataset = try opener()
                    s.ready = true
                }
                written = try writeBlocks(&s, blocks: blocks, rewrite: rewrite, staging: staging)
                s.unsynced += written * blockBytes
                if s.unsynced >= ChunkWriter.writebackBytes {
                    if s.writeback < 0 { s.writeback = open(filePath, O_RDONLY | O_CLOEXEC) }
                    if s.writeback >= 0 {
                        // Off the lock: starting writeback does the file system's block allocation
                        // on the calling thread.
                        let fd = s.writeback
                        writebackQueue.async { _ = cfs_start_writeback(fd) }
                    }
                    s.unsynced = 0
                }
            }
            var counted = stats
            counted.blocksWritten = written
            counted.secondsWrite = Meter.seconds(ContinuousClock.now - started)
            s.stats.add(counted)
            s.chunksDone += 1
            s.done.insert(index)
            progress?(Double(s.chunksDone + alreadyDone) / Double(plan.chunkCount))
            if let checkpoint, ContinuousClock.now - s.lastCheckpoint >= checkpoint.interval {
                try save(&s, checkpoint)
            }
        }
    }

    private var blockBytes: Int { plan.blockWidth * plan.blockHeight * outputType.byteSize }

    /// Bytes of staging a chunk like `window` needs: every band of every block, whole.
    func stagingBytes(for window: Window) -> Int { plan.blocks(in: window).count * bandCount * blockBytes }

    /// Cuts the chunk into whole blocks (edge blocks padded with zeros), band after band
    /// within a block, blocks in `plan.blocks(in:)` order.
    private func stage(window: Window, blocks: [(column: Int, row: Int, window: Window)], bytes: UnsafeRawBufferPointer,
                       rewrite: [Bool]?, into staging: UnsafeMutableRawPointer) {
        let os = outputType.byteSize
        for (k, (_, _, w)) in blocks.enumerated() where rewrite?[k] ?? true {
            for b in 1...bandCount {
                let dst = staging + (k * bandCount + b - 1) * blockBytes
                if w.width < plan.blockWidth || w.height < plan.blockHeight {
                    dst.initializeMemory(as: UInt8.self, repeating: 0, count: blockBytes)
                }
                let plane = (b - 1) * window.area * os
                for y in 0..<w.height {
                    let from = plane + ((w.y - window.y + y) * window.width + w.x - window.x) * os
                    (dst + y * plan.blockWidth * os).copyMemory(from: bytes.baseAddress! + from, byteCount: w.width * os)
                }
            }
        }
    }

    /// Writes the staged blocks `rewrite` keeps, all bands of a block in a row. Returns the
    /// number of (block, band) writes. Called under the lock.
    private func writeBlocks(_ s: inout State, blocks: [(column: Int, row: Int, window: Window)], rewrite: [Bool]?,
                             staging: UnsafeMutableRawPointer) throws -> Int {
        var written = 0
        for (k, (bx, by, w)) in blocks.enumerated() where rewrite?[k] ?? true {
            written += bandCount
            for b in 1...bandCount {
                let buf = UnsafeRawBufferPointer(start: staging + (k * bandCount + b - 1) * blockBytes, count: blockBytes)
                try gdal(path, "writing block \(w) of band \(b)") {
                    try s.dataset?.withBand(b) { band in try band.writeBlock(x: bx, y: by, from: buf) }
                }
            }
        }
        return written
    }

    /// Closes the partial output (only a close makes GDAL write its whole tile index; a
    /// flush was seen to leave the last blocks unindexed), fsyncs it, records the chunks
    /// written so far, and reopens it for update. Called under the lock.
    private func save(_ s: inout State, _ policy: CheckpointPolicy) throws {
        guard s.ready else { return }   // a copy still under way is no checkpoint
        if let ds = s.dataset.take() {
            do { try ds.close() } catch { throw EngineError.gdal(path: path, context: "closing the partial output", error) }
        }
        OutputFile.fsync(path: policy.partialPath)
        try Checkpoint(fingerprint: policy.fingerprint, chunkCount: plan.chunkCount, done: s.done).save(policy.path)
        s.dataset = try gdal(path, "reopening the partial output") { try Dataset.open(policy.partialPath, access: .update) }
        s.lastCheckpoint = ContinuousClock.now
    }

    /// Saves a checkpoint now (after an interruption or a failure), when resuming is on.
    /// - Returns: whether a checkpoint was saved.
    func checkpointNow() throws -> Bool {
        guard let checkpoint else { return false }
        return try state.withLock { s in
            guard s.ready else { return false }
            try save(&s, checkpoint)
            return true
        }
    }

    /// The counts summed over the chunks written so far.
    var stats: RunStats { state.withLock { $0.stats } }

    /// Takes the dataset back, to close it; `nil` the second time.
    func takeDataset() -> Dataset? {
        state.withLock { s in s.dataset.take() }
    }

    deinit {
        writebackQueue.sync {}   // no writeback call may outlive the descriptor
        state.withLock { s in if s.writeback >= 0 { close(s.writeback) } }
    }
}
