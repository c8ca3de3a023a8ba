import CFileSystem
import Dispatch
import Foundation
import GDALKit
import RasterTiling


/// The single owner of the output. Workers hand it finished chunks. Through GDAL, the worker
/// cuts its chunk into blocks in its own staging memory and the writer writes each block once
/// with `GDALWriteBlock` under its lock (all bands of a block in a row, so pixel-interleaved
/// GeoTIFF blocks are encoded once); with a `BlockFile` (uncompressed GeoTIFF), the chunk goes
/// to the `BlockWriteQueue`, whose threads write it in place, and the lock only keeps the
/// counts and checkpoints.
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

    /// Writes under way at once to a block file: two keep the disk busy. The write queue
    /// holds one staging buffer per worker beyond them.
    static let writeLanes = 2

    /// Where and how often to checkpoint, with `--resume`.
    struct CheckpointPolicy: Sendable {
        var path: String
        var partialPath: String
        var fingerprint: RunFingerprint
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
    private let blockFile: BlockFile?
    /// With a block file, the threads that write its blocks.
    private let queue: BlockWriteQueue?
    private let filePath: String
    private let writebackQueue = DispatchQueue(label: "geokernel.writeback")

    /// - Parameters:
    ///   - dataset: the output, or `nil` when `opener` opens it before the first write
    ///     (a copy of the input that is still being made).
    ///   - blockFile: the output's blocks, written in place by the workers (instead of `dataset`).
    ///   - filePath: the file the dataset writes (the temporary beside OUTPUT).
    init(dataset: consuming sending Dataset?, opener: (@Sendable () throws -> Dataset)? = nil, blockFile: BlockFile? = nil,
         path: String, filePath: String, plan: TilePlan,
         bandCount: Int, outputType: RasterDataType, done: Set<Int> = [], checkpoint: CheckpointPolicy? = nil,
         progress: (@Sendable (Double) -> Void)?) {
        let ready = dataset != nil || blockFile != nil
        state = Guarded(State(dataset: dataset, ready: ready, done: done))
        self.opener = opener
        self.blockFile = blockFile
        queue = blockFile.map { _ in BlockWriteQueue(lanes: ChunkWriter.writeLanes, buffers: ChunkWriter.writeLanes + max(1, ProcessInfo.processInfo.activeProcessorCount)) }
        self.filePath = filePath
        self.checkpoint = checkpoint
        alreadyDone = done.count
        self.plan = plan
        self.bandCount = bandCount
        self.outputType = outputType
        self.path = path
        self.progress = progress
    }

    /// Writes one chunk's blocks: `bytes` holds the chunk's pixels in the output type, laid
    /// out as `ChunkLayout` says (by rows through GDAL, by blocks for a block file); `nil`
    /// when nothing is to be written (a pass-through chunk of a copied input). `rewrite`,
    /// when given, says which of `plan.blocks(in:)` to write. Through GDAL, the blocks are
    /// cut out into `staging` (the caller's, `stagingBytes(for:)` long) before the lock is
    /// taken, so only GDAL's writes happen under it. With a block file, `owned` (the buffer
    /// `bytes` lies in, from `chunkBuffer`) is written as it is, or the bands are interleaved
    /// into a buffer of the write queue's; either is written on the queue's threads, and the
    /// chunk counts as done once its blocks are on disk.
    func write(index: Int, window: Window, bytes: UnsafeRawBufferPointer?, owned: BlockWriteQueue.Buffer? = nil,
               rewrite: [Bool]? = nil, staging: UnsafeMutableRawPointer?, stats: RunStats) throws {
        let started = ContinuousClock.now
        let blocks = plan.blocks(in: window)
        if let bytes, let blockFile, let queue {
            precondition(rewrite == nil, "a copied input is written through GDAL")
            // `owned` is already laid out as the file stores it; otherwise the bands are interleaved.
            let buffer = try owned ?? queue.buffer(bytes: stagingBytes(for: window))
            do { try queue.check() } catch {
                queue.giveBack(buffer)
                throw error
            }
            if owned == nil { interleave(window: window, blocks: blocks, bytes: bytes, into: buffer.pointer) }
            let written = blocks.count * bandCount
            queue.submit(buffer) { [self] (buffer) throws(EngineError) in
                do {
                    try writeInPlace(blockFile, blocks: blocks, staging: buffer.pointer)
                    try state.withLock { s in try record(&s, index: index, stats: stats, written: written, started: started) }
                } catch {
                    throw EngineError(wrapping: error, path: path, context: "writing")
                }
            }
            return
        }
        if let bytes, let staging { stage(window: window, blocks: blocks, bytes: bytes, rewrite: rewrite, into: staging) }
        try state.withLock { s in
            var written = 0
            if let staging, bytes != nil {
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
            try record(&s, index: index, stats: stats, written: written, started: started)
        }
    }

    /// Counts a finished chunk, reports progress and checkpoints when it is time. Called under the lock.
    private func record(_ s: inout State, index: Int, stats: RunStats, written: Int, started: ContinuousClock.Instant) throws {
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

    /// Whether blocks are written in place (a block file): chunks then come laid out by
    /// blocks (`ChunkLayout.byBlocks`) and `write` needs no staging memory from the caller.
    var writesInPlace: Bool { blockFile != nil }

    /// A buffer of the write queue for a chunk's pixels, when the file stores a chunk laid
    /// out by blocks as it is (one band, or one plane per band): the worker computes into it
    /// and hands it to `write(owned:)`, or back with `giveBack`. `nil` otherwise.
    func chunkBuffer(bytes: Int) throws(EngineError) -> BlockWriteQueue.Buffer? {
        guard let blockFile, let queue, bandCount == 1 || blockFile.index.separatePlanes else { return nil }
        return try queue.buffer(bytes: bytes)
    }

    /// Returns a buffer from `chunkBuffer` that was not handed to `write`.
    func giveBack(_ buffer: BlockWriteQueue.Buffer) { queue?.giveBack(buffer) }

    /// Waits for the writes under way (with a block file), then throws the first that failed.
    func drain() throws(EngineError) { try queue?.drain() }

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

    /// Interleaves a chunk laid out by blocks (`ChunkLayout.byBlocks`: every block of band 1,
    /// then of band 2…) into the blocks of a file that stores a pixel's bands together.
    private func interleave(window: Window, blocks: [(column: Int, row: Int, window: Window)],
                            bytes: UnsafeRawBufferPointer, into staging: UnsafeMutableRawPointer) {
        let os = outputType.byteSize, bands = bandCount
        let pixels = plan.blockWidth * plan.blockHeight
        for k in blocks.indices {
            let dst = staging + k * bands * blockBytes
            for b in 0..<bands {
                let src = bytes.baseAddress! + (b * blocks.count + k) * blockBytes
                ChunkWriter.interleave(src, dst + b * os, count: pixels, elementSize: os, stride: os * bands)
            }
        }
    }

    /// Copies `count` elements of `elementSize` bytes from `src` to every `stride` bytes of `dst`.
    @inline(__always)
    private static func interleave(_ src: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer, count: Int, elementSize: Int, stride: Int) {
        func run<T>(_: T.Type) {
            let s = src.assumingMemoryBound(to: T.self)
            for x in 0..<count { (dst + x * stride).storeBytes(of: s[x], as: T.self) }
        }
        switch elementSize {
        case 1: run(UInt8.self)
        case 2: run(UInt16.self)
        case 4: run(UInt32.self)
        case 8: run(UInt64.self)
        default: for x in 0..<count { (dst + x * stride).copyMemory(from: src + x * elementSize, byteCount: elementSize) }
        }
    }

    /// Writes the staged blocks in place, plane by plane (one with interleaved pixels), in as
    /// few writes as the file's layout allows (one per chunk in a file the engine laid out).
    /// Runs on a write thread, outside the lock.
    private func writeInPlace(_ file: BlockFile, blocks: [(column: Int, row: Int, window: Window)],
                              staging: UnsafeMutableRawPointer) throws {
        let planes = file.index.separatePlanes ? bandCount : 1
        for p in 0..<planes {
            let numbers = blocks.map { file.index.blockNumber(column: $0.column, row: $0.row, band: p + 1) }
            try file.write(blocks: numbers, from: staging + p * blocks.count * file.index.blockBytes)
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
                do {
                    try s.dataset?.withBand(b) { band in try band.writeBlock(x: bx, y: by, from: buf) }
                } catch {
                    throw WriteFailure.error(error, path: path, writing: filePath,
                                             context: "writing block \(w) of band \(b)")
                }
            }
        }
        return written
    }

    /// Closes the partial output (only a close makes GDAL write its whole tile index; a
    /// flush was seen to leave the last blocks unindexed), fsyncs it, records the chunks
    /// written so far, and reopens it for update; a block file is only synced. Called under the lock.
    private func save(_ s: inout State, _ policy: CheckpointPolicy) throws {
        guard s.ready else { return }   // a copy still under way is no checkpoint
        if let blockFile {
            try blockFile.sync()   // blocks written in place: the sync makes every finished chunk durable
        } else {
            if let ds = s.dataset.take() {
                do { try ds.close() } catch {
                    throw WriteFailure.error(error, path: path, writing: filePath,
                                             context: "closing the partial output")
                }
            }
            try OutputFile.fsync(path: policy.partialPath)
        }
        var st = stat()
        let bytes = stat(policy.partialPath, &st) == 0 ? Int(st.st_size) : 0
        try Checkpoint(fingerprint: policy.fingerprint, chunkCount: plan.chunkCount, done: s.done,
                       partialBytes: bytes).save(policy.path)
        if blockFile == nil {
            s.dataset = try gdal(path, "reopening the partial output") { try Dataset.open(policy.partialPath, access: .update) }
        }
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

    /// Whether every chunk of the plan is on disk (written now or by the run resumed).
    var allChunksDone: Bool { state.withLock { $0.done.count == plan.chunkCount } }

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
