import BlockOutput
import GDALKit
import RasterTiling

/// An output that starts as a byte copy of the input file (`BackgroundCopy`: a reflink, else
/// `copy_file_range`), made on its own thread while the workers compute: only blocks holding a
/// selected pixel are written, through GDAL (`GDALSink`), once the copy is complete; the other
/// blocks keep the input's encoded bytes exactly. No checkpoint is taken before the copy is done.
/// Thread safety: `Sendable`; the inner sink is made once, under the lock.
final class CopiedInputSink: OutputSink {
    private let copy: BackgroundCopy
    private let inner = Guarded<GDALSink?>(nil)
    private let path: String, filePath: String
    private let plan: TilePlan
    private let bandCount: Int, byteSize: Int

    init(copy: BackgroundCopy, path: String, filePath: String, plan: TilePlan, bandCount: Int, byteSize: Int) {
        self.copy = copy
        self.path = path
        self.filePath = filePath
        self.plan = plan
        self.bandCount = bandCount
        self.byteSize = byteSize
    }

    var wantsBlocks: Bool { false }
    var writes: BlockWrites { .gdal }
    func chunkBuffer(bytes: Int) throws -> BlockWriteQueue.Buffer? { nil }
    func giveBack(_ buffer: BlockWriteQueue.Buffer) {}

    func stagingBytes(for window: Window) -> Int {
        GDALSink.stagingBytes(for: window, plan: plan, bandCount: bandCount, byteSize: byteSize)
    }

    /// The sink writing into the finished copy: waits for the copy and opens it the first time.
    private func opened() throws -> GDALSink {
        try inner.withLock { sink in
            if let sink { return sink }
            try copy.wait()
            let ds = try gdal(path, "opening the copy of the input for update") {
                try Dataset.open(filePath, access: .update)
            }
            let made = GDALSink(dataset: ds, path: path, filePath: filePath, plan: plan, bandCount: bandCount,
                                byteSize: byteSize)
            sink = made
            return made
        }
    }

    func write(_ chunk: FinishedChunk, done: @escaping @Sendable (Int) throws -> Void) throws {
        guard chunk.bytes != nil, chunk.rewrite?.contains(true) ?? true else { return try done(0) }
        try opened().write(chunk, done: done)
    }

    func makeDurable() throws -> Bool {
        guard let sink = inner.withLock({ $0 }) else { return false }   // a copy still under way is no checkpoint
        return try sink.makeDurable()
    }

    func drain() throws {}

    /// The copy must be complete even when no block waited for it; then the file is closed.
    func close() throws {
        try copy.wait()
        try inner.withLock { $0 }?.close()
    }
}
