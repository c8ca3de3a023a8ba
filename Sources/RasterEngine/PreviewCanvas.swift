import GDALKit
import QuickLook
import RasterTiling

/// A quick look filled while `apply` runs: a fixed grid of samples (`SampleGrid`) that the
/// workers feed from what they already hold, so the preview costs no read of its own — the
/// input and composited output of every convolved tile, the pixels of every pass-through tile
/// they copy, and each chunk's selection. Cells of blocks the run never reads (a copied input's
/// untouched blocks, chunks done before a `--resume`) stay unknown until `fill` samples them.
///
/// Thread safety: `Sendable`. Every `record` gathers its samples on the calling thread, then
/// stores them under one lock (`Guarded`), once per tile and band: a few hundred locks a run.
final class PreviewCanvas: Sendable {
    /// The grid sampled.
    let grid: SampleGrid
    /// 1-based input bands shown, and per shown band its nodata (as the band's mask compares it).
    let bands: [Int]
    private let noData: [Double?]
    /// The output's type and per band the value NaN becomes, so recorded output values are the stored ones.
    private let outputType: RasterDataType
    private let nanValues: [Double]
    private let state: Guarded<SamplePlanes>
    /// Per shown band, 1 where the input's sample is recorded.
    private let filled: Guarded<[[UInt8]]>

    /// A canvas for a raster, showing `bands`.
    init(grid: SampleGrid, bands: [Int], noData: [Double?], outputType: RasterDataType, nanValues: [Double]) {
        self.grid = grid
        self.bands = bands
        self.noData = noData
        self.outputType = outputType
        self.nanValues = nanValues
        var planes = SamplePlanes(width: grid.width, height: grid.height, bands: bands.count, withOutput: true)
        planes.known = Array(repeating: 0, count: grid.count)
        state = Guarded(planes)
        filled = Guarded(Array(repeating: Array(repeating: 0, count: grid.count), count: bands.count))
    }

    // MARK: - Feeding (worker threads)

    /// Records the chunk's selection: `selection` row-major over `chunk` (1 = selected),
    /// `nil` with `nothing` false meaning every pixel is selected.
    func record(chunk: Window, selection: UnsafePointer<UInt8>?, nothing: Bool) {
        let (rows, cols) = grid.cells(in: chunk)
        guard !rows.isEmpty, !cols.isEmpty else { return }
        var values: [UInt8] = []
        values.reserveCapacity(rows.count * cols.count)
        for j in rows {
            let y = grid.rows[j] - chunk.y
            for i in cols {
                values.append(nothing ? 0 : selection.map { $0[y * chunk.width + grid.columns[i] - chunk.x] } ?? 1)
            }
        }
        state.withLock { p in
            var k = 0
            for j in rows { for i in cols { p.selected[j * grid.width + i] = values[k]; k += 1 } }
        }
    }

    /// Records band `band` of a convolved tile after compositing: `input` and `output` point
    /// at the tile's top-left pixel (as Double), rows `inputStride` and `outputStride` apart.
    func record(tile: Window, band: Int, input: UnsafePointer<Double>, inputStride: Int,
                output: UnsafePointer<Double>, outputStride: Int) {
        guard let k = bands.firstIndex(of: band) else { return }
        let (rows, cols) = grid.cells(in: tile)
        guard !rows.isEmpty, !cols.isEmpty else { return }
        var ins: [Double] = [], outs: [Double] = []
        ins.reserveCapacity(rows.count * cols.count)
        outs.reserveCapacity(rows.count * cols.count)
        for j in rows {
            let y = grid.rows[j] - tile.y
            for i in cols {
                let x = grid.columns[i] - tile.x
                ins.append(input[y * inputStride + x])
                outs.append(output[y * outputStride + x])
            }
        }
        store(k, rows, cols, input: ins, output: stored(outs, band: band))
    }

    /// Records a pass-through tile's pixels of `bands` (the output is the input there):
    /// `raw` holds them in `type`, band `n` of the list at `raw + n × tile.area × size`.
    func record(tile: Window, bands list: [Int], raw: UnsafeRawPointer, type: RasterDataType) {
        let (rows, cols) = grid.cells(in: tile)
        guard !rows.isEmpty, !cols.isEmpty else { return }
        let size = type.byteSize
        for (n, band) in list.enumerated() {
            guard let k = bands.firstIndex(of: band) else { continue }
            var ins = [Double](repeating: 0, count: rows.count * cols.count)
            var m = 0
            for j in rows {
                let y = grid.rows[j] - tile.y
                for i in cols {
                    let x = grid.columns[i] - tile.x
                    PixelCodec.decode(type, raw + (n * tile.area + y * tile.width + x) * size, count: 1, into: &ins[m])
                    m += 1
                }
            }
            store(k, rows, cols, input: ins, output: stored(ins, band: band))
        }
    }

    /// The values as the output stores them (rounded and clamped to its type), as Double.
    private func stored(_ values: [Double], band: Int) -> [Double] {
        var out = values
        let bytes = UnsafeMutableRawPointer.allocate(byteCount: max(1, values.count * 8), alignment: 8)
        defer { bytes.deallocate() }
        values.withUnsafeBufferPointer { v in
            _ = PixelCodec.encode(v.baseAddress!, count: v.count, as: outputType, nanValue: nanValues[band - 1], into: bytes)
        }
        out.withUnsafeMutableBufferPointer { PixelCodec.decode(outputType, bytes, count: $0.count, into: $0.baseAddress!) }
        return out
    }

    private func store(_ k: Int, _ rows: Range<Int>, _ cols: Range<Int>, input: [Double], output: [Double]) {
        let nd = noData[k]
        let complete: [Int] = filled.withLock { f in
            var done: [Int] = []
            for j in rows {
                for i in cols {
                    let c = j * grid.width + i
                    f[k][c] = 1
                    if f.allSatisfy({ $0[c] != 0 }) { done.append(c) }
                }
            }
            return done
        }
        state.withLock { p in
            var m = 0
            for j in rows {
                for i in cols {
                    let c = j * grid.width + i
                    p.input[k][c] = input[m]
                    p.output![k][c] = output[m]
                    let v = input[m], o = output[m]
                    if v.isNaN || v == nd { p.inputValid[c] = 0 }
                    if o.isNaN || o == nd { p.outputValid[c] = 0 }
                    m += 1
                }
            }
            for c in complete { p.known[c] = 1 }
        }
    }

    // MARK: - After the run

    /// The planes as recorded. Call after every worker has finished.
    func planes() -> SamplePlanes { state.withLock { $0 } }

    /// Number of cells no tile recorded (untouched blocks of a copied input, resumed chunks).
    var unknownCount: Int { state.withLock { p in p.known.reduce(0) { $0 + (1 - Int($1)) } } }

    /// Fills the unknown cells from decimated samples of the input and, for chunks an earlier
    /// run computed (`--resume`), of the output; without `output` the output is the input there
    /// (a copied input's untouched blocks hold the input's bytes).
    func fill(input: [[Double]], output: [[Double]]?, valid: [UInt8]) {
        state.withLock { p in
            for c in 0..<p.count where p.known[c] == 0 {
                for k in bands.indices {
                    p.input[k][c] = input[k][c]
                    p.output![k][c] = (output ?? input)[k][c]
                }
                p.inputValid[c] = valid[c]
                p.outputValid[c] = valid[c]
                p.known[c] = 1
            }
        }
    }
}
