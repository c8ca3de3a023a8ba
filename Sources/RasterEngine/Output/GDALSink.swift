import BlockOutput
import CFileSystem
import Dispatch
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
import GDALKit
import RasterTiling

/// A GeoTIFF GDAL writes (compressed output, COG's intermediate file, a layout the engine does
/// not write itself): the worker cuts its chunk into whole blocks in its own staging memory,
/// then, under the sink's lock, each block is written once with `GDALWriteBlock`, all bands of
/// a block in a row (a pixel-interleaved block is encoded once; with `NUM_THREADS` GDAL's pool
/// encodes while the workers go on). Every 64 MiB the kernel is asked to start writing the file
/// back, so the final fsync has little left to wait for. A checkpoint closes the file (only a
/// close makes GDAL write its whole tile index), fsyncs and reopens it.
/// Thread safety: `Sendable`; the dataset is touched only under the lock, by one thread at a
/// time, as GDAL requires.
final class GDALSink: OutputSink {
    private struct State: ~Copyable {
        var dataset: Dataset?
        /// A descriptor on the file, to start its writeback early, and the bytes written since.
        var writeback: Int32 = -1
        var unsynced = 0
    }

    /// Bytes of blocks after which writeback is started (the final fsync of 1 GiB took 0.37 s otherwise).
    static let writebackBytes = 64 << 20

    private let state: Guarded<State>
    private let plan: TilePlan
    private let bandCount: Int
    private let byteSize: Int
    /// OUTPUT as messages name it, and the file written (the temporary beside it).
    private let path: String, filePath: String
    private let writebackQueue = DispatchQueue(label: "geokernel.writeback")

    init(dataset: consuming sending Dataset, path: String, filePath: String, plan: TilePlan, bandCount: Int,
         byteSize: Int) {
        state = Guarded(State(dataset: dataset))
        self.path = path
        self.filePath = filePath
        self.plan = plan
        self.bandCount = bandCount
        self.byteSize = byteSize
    }

    deinit {
        writebackQueue.sync {}   // no writeback call may outlive the descriptor
        #if canImport(Glibc)
        state.withLock { s in if s.writeback >= 0 { Glibc.close(s.writeback) } }
        #else
        state.withLock { s in if s.writeback >= 0 { Darwin.close(s.writeback) } }
        #endif
    }

    var wantsBlocks: Bool { false }
    var writes: BlockWrites { .gdal }

    func chunkBuffer(bytes: Int) throws -> BlockWriteQueue.Buffer? { nil }
    func giveBack(_ buffer: BlockWriteQueue.Buffer) {}

    private var blockBytes: Int { plan.blockWidth * plan.blockHeight * byteSize }

    /// Every band of every block of `window`, whole.
    func stagingBytes(for window: Window) -> Int {
        GDALSink.stagingBytes(for: window, plan: plan, bandCount: bandCount, byteSize: byteSize)
    }

    /// The staging a GDAL sink over `plan` needs for `window`: every band of every block, whole.
    static func stagingBytes(for window: Window, plan: TilePlan, bandCount: Int, byteSize: Int) -> Int {
        plan.blocks(in: window).count * bandCount * plan.blockWidth * plan.blockHeight * byteSize
    }

    func write(_ chunk: FinishedChunk, done: @escaping @Sendable (Int) throws -> Void) throws {
        guard let bytes = chunk.bytes, let staging = chunk.staging else { return try done(0) }
        let blocks = plan.blocks(in: chunk.window)
        stage(chunk.window, blocks: blocks, bytes: bytes, rewrite: chunk.rewrite, into: staging)
        let written = try state.withLock { s in
            let n = try writeBlocks(&s, blocks: blocks, rewrite: chunk.rewrite, staging: staging)
            startWriteback(&s, after: n * blockBytes)
            return n
        }
        try done(written)
    }

    /// Cuts the chunk into whole blocks (edge blocks padded with zeros), band after band within a
    /// block, blocks in `plan.blocks(in:)` order; only those `rewrite` keeps.
    private func stage(_ window: Window, blocks: [(column: Int, row: Int, window: Window)],
                       bytes: RawSamples,
                       rewrite: [Bool]?, into staging: MutableRawSamples) {
        let os = byteSize
        for (k, (_, _, w)) in blocks.enumerated() where rewrite?[k] ?? true {
            for b in 1...bandCount {
                let dst = staging.part((k * bandCount + b - 1) * blockBytes, count: blockBytes)
                if w.width < plan.blockWidth || w.height < plan.blockHeight { dst.zero() }
                let plane = (b - 1) * window.area * os
                for y in 0..<w.height {
                    let from = plane + ((w.y - window.y + y) * window.width + w.x - window.x) * os
                    dst.dropFirst(y * plan.blockWidth * os).copy(from: bytes.part(from, count: w.width * os))
                }
            }
        }
    }

    /// Writes the staged blocks `rewrite` keeps, all bands of a block in a row. Returns the
    /// number of (block, band) writes. Called under the lock.
    private func writeBlocks(_ s: inout State, blocks: [(column: Int, row: Int, window: Window)], rewrite: [Bool]?,
                             staging: MutableRawSamples) throws -> Int {
        var written = 0
        for (k, (bx, by, w)) in blocks.enumerated() where rewrite?[k] ?? true {
            written += bandCount
            for b in 1...bandCount {
                let buf = staging.readOnly.part((k * bandCount + b - 1) * blockBytes, count: blockBytes).bytes
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

    /// Asks the kernel to start writing the file back once 64 MiB were written since the last
    /// time, off the lock (it does the file system's block allocation on the calling thread).
    private func startWriteback(_ s: inout State, after bytes: Int) {
        s.unsynced += bytes
        guard s.unsynced >= GDALSink.writebackBytes else { return }
        if s.writeback < 0 { s.writeback = open(filePath, O_RDONLY | O_CLOEXEC) }
        if s.writeback >= 0 {
            let fd = s.writeback
            writebackQueue.async { _ = cfs_start_writeback(fd) }
        }
        s.unsynced = 0
    }

    func makeDurable() throws -> Bool {
        try state.withLock { s in
            if let ds = s.dataset.take() {
                do { try ds.close() } catch {
                    throw WriteFailure.error(error, path: path, writing: filePath,
                                             context: "closing the partial output")
                }
            }
            try OutputFile.fsync(path: filePath)
            s.dataset = try gdal(path, "reopening the partial output") { try Dataset.open(filePath, access: .update) }
        }
        return true
    }

    func drain() throws {}

    func close() throws {
        guard let ds = state.withLock({ $0.dataset.take() }) else { return }
        do {
            try ds.close()
        } catch {
            throw WriteFailure.error(error, path: path, writing: filePath, context: "closing")
        }
    }
}
