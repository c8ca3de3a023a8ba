import BlockOutput
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import RasterTiling

/// What a run has written: the counts, the progress, the chunks on disk, and the `--resume`
/// checkpoints. Workers finish a chunk through `write`, which hands it to the run's
/// `OutputSink` and records it once the sink says its blocks are in the file.
/// Thread safety: `Sendable`; its state is touched only under its lock. A checkpoint asks
/// the sink to make its file durable while the lock is held (the sink's own lock nests
/// inside it, never the other way round).
final class ChunkLedger: Sendable {
    private struct State {
        var stats = RunStats()
        var chunksDone = 0
        /// Chunks on disk (with `--resume`), and when the checkpoint was last saved.
        var done: Set<Int>
        var lastCheckpoint = ContinuousClock.now
    }

    /// Where and how often to checkpoint, with `--resume`.
    struct CheckpointPolicy: Sendable {
        var path: String
        /// The partial output the checkpoint describes (its size is recorded).
        var partialPath: String
        var fingerprint: RunFingerprint
        var interval: Duration
    }

    private let state: Guarded<State>
    private let sink: any OutputSink
    private let chunkCount: Int
    private let alreadyDone: Int
    private let checkpoint: CheckpointPolicy?
    private let progress: (@Sendable (Double) -> Void)?

    /// - Parameters:
    ///   - done: chunks a resumed run found on disk.
    ///   - progress: called with the fraction done, under the lock (keep it short).
    init(sink: any OutputSink, chunkCount: Int, done: Set<Int> = [], checkpoint: CheckpointPolicy? = nil,
         progress: (@Sendable (Double) -> Void)?) {
        state = Guarded(State(done: done))
        self.sink = sink
        self.chunkCount = chunkCount
        alreadyDone = done.count
        self.checkpoint = checkpoint
        self.progress = progress
    }

    /// Hands a finished chunk to the sink; it counts as done (progress, checkpoints) once the
    /// sink has its blocks in the file.
    func write(_ chunk: FinishedChunk, stats: RunStats) throws {
        let started = ContinuousClock.now
        let index = chunk.index
        try sink.write(chunk) { [self] written in
            var counted = stats
            counted.blocksWritten = written
            counted.secondsWrite = Meter.seconds(ContinuousClock.now - started)
            try state.withLock { s in try record(&s, index: index, counted) }
        }
    }

    /// Counts a finished chunk, reports progress and checkpoints when it is time. Called under the lock.
    private func record(_ s: inout State, index: Int, _ stats: RunStats) throws {
        s.stats.add(stats)
        s.chunksDone += 1
        s.done.insert(index)
        progress?(Double(s.chunksDone + alreadyDone) / Double(chunkCount))
        if let checkpoint, ContinuousClock.now - s.lastCheckpoint >= checkpoint.interval {
            _ = try save(&s, checkpoint)
        }
    }

    /// Makes the sink's file durable, then records the chunks written so far. Called under the lock.
    private func save(_ s: inout State, _ policy: CheckpointPolicy) throws -> Bool {
        guard try sink.makeDurable() else { return false }
        var st = stat()
        let bytes = stat(policy.partialPath, &st) == 0 ? Int(st.st_size) : 0
        try Checkpoint(fingerprint: policy.fingerprint, chunkCount: chunkCount, done: s.done, partialBytes: bytes)
            .save(policy.path)
        s.lastCheckpoint = ContinuousClock.now
        return true
    }

    /// Saves a checkpoint now (after an interruption or a failure), when resuming is on.
    /// - Returns: whether a checkpoint was saved.
    func checkpointNow() throws -> Bool {
        guard let checkpoint else { return false }
        return try state.withLock { s in try save(&s, checkpoint) }
    }

    /// Whether every chunk of the plan is on disk (written now or by the run resumed).
    var allChunksDone: Bool { state.withLock { $0.done.count == chunkCount } }

    /// The counts summed over the chunks written so far.
    var stats: RunStats { state.withLock { $0.stats } }
}
