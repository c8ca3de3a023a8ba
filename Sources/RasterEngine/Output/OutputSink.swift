import BlockOutput
import RasterTiling

/// Where a run's finished chunks go: the output file and how its blocks reach it. One sink per
/// run, chosen by `Engine.run` (`InPlaceSink` for an uncompressed GeoTIFF the engine lays out
/// itself, `GDALSink` for everything GDAL encodes, `CopiedInputSink` when the output starts as
/// a copy of the input); workers hand it chunks from many threads. A sink owns its buffers,
/// says how it wants a chunk laid out, makes what it wrote durable for a checkpoint and
/// closes the file; it never looks at what a pixel means.
/// Thread safety: `Sendable`; every method may be called from any thread.
protocol OutputSink: AnyObject, Sendable {
    /// Whether workers lay a chunk's pixels out by blocks (`ChunkLayout.byBlocks`), else by rows.
    var wantsBlocks: Bool { get }
    /// How the blocks reach the file, for the report.
    var writes: BlockWrites { get }
    /// Whether only blocks holding a selected pixel need their pixels (`FinishedChunk.rewrite`
    /// says which): the sink writes the others itself, from the input's encoded bytes.
    var skipsUnselectedBlocks: Bool { get }
    /// One of the sink's buffers for a chunk of `bytes`, when the sink writes the worker's layout
    /// as it is (the worker computes straight into it and hands it to `write`, or back with
    /// `giveBack`); `nil` when the worker computes into its own memory.
    func chunkBuffer(bytes: Int) throws -> BlockWriteQueue.Buffer?
    /// Returns a buffer from `chunkBuffer` that was not written.
    func giveBack(_ buffer: BlockWriteQueue.Buffer)
    /// Bytes of the worker's memory `write` needs to stage `window`'s blocks (0: none).
    func stagingBytes(for window: Window) -> Int
    /// Writes a finished chunk and calls `done` with the number of (block, band) writes once
    /// its blocks are in the file: before returning, or later on a write thread.
    func write(_ chunk: FinishedChunk, done: @escaping @Sendable (Int) throws -> Void) throws
    /// Makes every block written so far durable, for a checkpoint. `false` when the file cannot
    /// be checkpointed yet (a copy of the input still under way).
    func makeDurable() throws -> Bool
    /// Waits for the writes under way, then throws the first that failed.
    func drain() throws
    /// Finishes the file (closing it reports GDAL's write errors); called once, after `drain`.
    func close() throws
}

extension OutputSink {
    var skipsUnselectedBlocks: Bool { false }
}

/// A chunk a worker finished, as it hands it to the sink; valid during `write` only.
struct FinishedChunk {
    /// The chunk's number in the plan and its pixels' window.
    let index: Int
    let window: Window
    /// The pixels in the output type, laid out as the sink wants, as bytes; `nil` when nothing
    /// is to be computed (a chunk without selected pixels on a copied input or a `RawBlockSink`).
    let bytes: RawSamples?
    /// The sink's buffer `bytes` lies in, from `chunkBuffer`: the sink keeps it.
    let owned: BlockWriteQueue.Buffer?
    /// Which of `plan.blocks(in: window)` to write; `nil` for all.
    let rewrite: [Bool]?
    /// `stagingBytes(for: window)` bytes of the worker's memory (`nil` when it asked for none).
    let staging: MutableRawSamples?
}
