import BlockOutput
import GDALKit
import RasterTiling

/// A DEFLATE GeoTIFF laid out as the input is (same compression, predictor, block size, type,
/// bands and interleave), whose blocks the workers append themselves (`AppendedBlockFile`):
/// a block holding no selected pixel is the input's encoded bytes, read with `pread` and
/// neither decoded nor encoded; a block holding one is cut from the chunk, given the TIFF
/// predictor and DEFLATE-encoded by the worker that computed it (`Deflate`, GDAL's codec), so
/// encoding runs on every worker at once. A chunk's blocks go to the end of the file in one
/// write; the tile index is written at close. Every block is written once: the file is as
/// compact as a fresh write. No checkpoint: `--resume` runs take the GDAL path.
/// Thread safety: `Sendable`; `write` runs on many workers at once, each in its own staging.
final class RawBlockSink: OutputSink {
    /// GDAL's GTiff default DEFLATE level (`ZLEVEL`), which the engine's profile keeps.
    static let level = 6

    private let file: AppendedBlockFile
    private let input: InputBlocks
    private let plan: TilePlan
    private let bandCount: Int, byteSize: Int
    private let predictor: Int
    /// The output block (0, 0) is the input's block at this column and row.
    private let origin: (column: Int, row: Int)

    init(file: AppendedBlockFile, input: InputBlocks, plan: TilePlan, bandCount: Int, byteSize: Int,
         origin: (column: Int, row: Int) = (0, 0)) {
        self.file = file
        self.input = input
        self.plan = plan
        self.bandCount = bandCount
        self.byteSize = byteSize
        predictor = file.index.predictor
        self.origin = origin
    }

    var wantsBlocks: Bool { false }
    var skipsUnselectedBlocks: Bool { true }
    var writes: BlockWrites { .appended }
    func chunkBuffer(bytes: Int) throws -> BlockWriteQueue.Buffer? { nil }
    func giveBack(_ buffer: BlockWriteQueue.Buffer) {}

    private var planes: Int { file.index.separatePlanes ? bandCount : 1 }
    /// Bytes of one stored block, uncompressed (all bands when pixels are interleaved).
    private var planeBytes: Int { file.index.blockBytes }

    /// One block staged uncompressed, then room for every block of `window` encoded.
    func stagingBytes(for window: Window) -> Int {
        var bytes = planeBytes
        for b in plan.blocks(in: window) {
            for p in 1...planes {
                bytes += max(input.size(inputNumber(b.column, b.row, p)), Deflate.bound(planeBytes))
            }
        }
        return bytes
    }

    private func inputNumber(_ column: Int, _ row: Int, _ plane: Int) -> Int {
        ((plane - 1) * input.blocksDown + row + origin.row) * input.blocksAcross + column + origin.column
    }

    func write(_ chunk: FinishedChunk, done: @escaping @Sendable (Int) throws -> Void) throws {
        guard let staging = chunk.staging else { preconditionFailure("the sink asked for staging") }
        let blocks = plan.blocks(in: chunk.window)
        let block = staging.part(0, count: planeBytes), encoded = staging.dropFirst(planeBytes)
        var entries: [(number: Int, size: Int)] = []
        entries.reserveCapacity(blocks.count * planes)
        var at = 0, written = 0
        for (k, b) in blocks.enumerated() {
            let encode = chunk.bytes != nil && (chunk.rewrite?[k] ?? true)
            for p in 1...planes {
                let number = file.index.blockNumber(column: b.column, row: b.row, band: p)
                let size: Int
                if let bytes = chunk.bytes, encode {
                    stage(b.window, plane: p, of: chunk.window, bytes: bytes, into: block)
                    RawBlockSink.difference(block, predictor: predictor, width: plan.blockWidth,
                                            rows: plan.blockHeight, samples: planes == 1 ? bandCount : 1,
                                            byteSize: byteSize)
                    let room = max(input.size(inputNumber(b.column, b.row, p)), Deflate.bound(planeBytes))
                    let target = encoded.part(at, count: room)
                    guard let n = Deflate.compress(block.readOnly.bytes, level: RawBlockSink.level,
                                                   into: target.bytes) else {
                        throw EngineError.badOption("\(file.path): DEFLATE failed on block \(b.window)")
                    }
                    size = n
                    written += planes == 1 ? bandCount : 1
                } else {
                    let source = inputNumber(b.column, b.row, p)
                    size = input.size(source)
                    try input.read(source, into: encoded.part(at, count: size))
                }
                entries.append((number, size))
                at += size
            }
        }
        do { try file.append(encoded.part(0, count: at).baseAddress, blocks: entries) } catch {
            throw WriteFailure.error(error, path: file.path, writing: file.path, context: "appending blocks")
        }
        try done(written)
    }

    /// Cuts plane `plane` of block `block` (all bands, interleaved, when the file stores one
    /// plane) out of the chunk's rows (band after band), padding an edge block with zeros.
    private func stage(_ block: Window, plane: Int, of window: Window, bytes: RawSamples,
                       into staging: MutableRawSamples) {
        let os = byteSize, bw = plan.blockWidth
        if block.width < bw || block.height < plan.blockHeight { staging.zero() }
        let bands = planes == 1 ? Array(1...bandCount) : [plane]
        let pixel = os * bands.count
        let samples = bytes.samples(ofSize: os)
        for (j, b) in bands.enumerated() {
            let source = samples.part((b - 1) * window.area, count: window.area)
            for y in 0..<block.height {
                let from = source.part((block.y - window.y + y) * window.width + block.x - window.x,
                                       count: block.width)
                let to = staging.dropFirst(y * bw * pixel + j * os)
                if bands.count == 1 { to.copy(from: from) } else { to.scatter(from, stride: pixel) }
            }
        }
    }

    /// Applies TIFF predictor 2 (horizontal differencing, each sample from the same sample of
    /// the pixel to its left, wrapping) to a block of `rows` rows of `width` pixels of
    /// `samples` samples of `byteSize` bytes, in place; predictor 1 leaves it as it is.
    static func difference(_ block: MutableRawSamples, predictor: Int, width: Int, rows: Int, samples: Int,
                           byteSize: Int) {
        guard predictor == 2 else { return }
        let raw = block.samples(ofSize: byteSize).part(0, count: width * rows * samples)
        switch byteSize {
        case 1: raw.withElements(UInt8.self) { difference($0, width: width, rows: rows, samples: samples) }
        case 2: raw.withElements(UInt16.self) { difference($0, width: width, rows: rows, samples: samples) }
        case 4: raw.withElements(UInt32.self) { difference($0, width: width, rows: rows, samples: samples) }
        default: raw.withElements(UInt64.self) { difference($0, width: width, rows: rows, samples: samples) }
        }
    }

    private static func difference<T: FixedWidthInteger>(_ p: MutablePlaneRow<T>, width: Int, rows: Int,
                                                         samples: Int) {
        let n = width * samples
        for y in 0..<rows {
            let row = y * n
            var i = n - 1
            while i >= samples {
                p[row + i] &-= p[row + i - samples]
                i -= 1
            }
        }
    }

    func makeDurable() throws -> Bool { false }   // --resume runs never take this sink

    func drain() throws {}

    func close() throws {
        do { try file.finish() } catch {
            throw WriteFailure.error(error, path: file.path, writing: file.path, context: "writing the tile index")
        }
    }
}
