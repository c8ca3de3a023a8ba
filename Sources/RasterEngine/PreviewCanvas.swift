import BlockOutput
import GDALKit
import QuickLook
import RasterTiling

/// A quick look filled while `apply` runs: a fixed grid of samples (`SampleGrid`) that the
/// workers feed from what they already hold, so the preview costs no read of its own — the
/// input and composited output of every convolved tile, the pixels of every pass-through tile
/// they copy, and each chunk's selection. Cells of blocks the run never reads (a copied input's
/// untouched blocks, chunks done before a `--resume`) stay unknown until `fill` samples them.
///
/// Thread safety: `@unchecked Sendable` is sound because the sample arrays are private, fixed
/// in size, and read or written only inside `lock.withLock` (a pthread mutex). Every `record`
/// gathers its samples on the calling thread first, then stores them under the lock, once per
/// chunk, tile and band: a few thousand locks a run.
final class PreviewCanvas: @unchecked Sendable {
    /// The grid sampled.
    let grid: SampleGrid
    /// 1-based input bands shown, and per shown band its nodata (as the band's mask compares it).
    let bands: [Int]
    private let noData: [Double?]
    /// The output's type and per band the value NaN becomes, so recorded output values are the stored ones.
    private let outputType: RasterDataType
    private let nanValues: [Double]
    private let lock = Guarded(0)
    /// Per shown band `k`, cell `c` at `k × count + c`: input and output values.
    private var input: [Double], output: [Double]
    /// Per cell: validity of input and output, selection, and how many shown bands are recorded.
    private var inputValid: [UInt8], outputValid: [UInt8], selected: [UInt8], recorded: [UInt8]

    /// A canvas for a raster, showing `bands`.
    init(grid: SampleGrid, bands: [Int], noData: [Double?], outputType: RasterDataType, nanValues: [Double]) {
        self.grid = grid
        self.bands = bands
        self.noData = noData
        self.outputType = outputType
        self.nanValues = nanValues
        let n = grid.count
        input = [Double](repeating: 0, count: n * bands.count)
        output = input
        inputValid = [UInt8](repeating: 1, count: n)
        outputValid = inputValid
        selected = [UInt8](repeating: 0, count: n)
        recorded = selected
    }

    // MARK: - Feeding (worker threads)

    /// Records the chunk's selection: `selection` over `chunk` (1 = selected), `nil` with
    /// `nothing` false meaning every pixel is selected.
    func record(chunk: Window, selection: Plane<UInt8>?, nothing: Bool) {
        let (rows, cols) = grid.cells(in: chunk)
        guard !rows.isEmpty, !cols.isEmpty else { return }
        var values: [UInt8] = []
        values.reserveCapacity(rows.count * cols.count)
        for j in rows {
            let y = grid.rows[j] - chunk.y
            for i in cols {
                values.append(nothing ? 0 : selection.map { $0[grid.columns[i] - chunk.x, y] } ?? 1)
            }
        }
        lock.withLock { _ in Self.put(values, rows, cols, width: grid.width, into: &selected) }
    }

    /// Records band `band` of a convolved tile after compositing: `input` and `output` are the
    /// tile's core (as Double).
    func record(tile: Window, band: Int, input: Plane<Double>, output: Plane<Double>) {
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
                ins.append(input[x, y])
                outs.append(output[x, y])
            }
        }
        store(k, rows, cols, input: ins, output: stored(outs, band: band))
    }

    /// Records a pass-through tile's pixels of `bands` (the output is the input there):
    /// `raw` holds them in `type`, band `n` of the list from sample `n × tile.area`, rows of `tile.width`.
    func record(tile: Window, bands list: [Int], raw: RawSamples, type: RasterDataType) {
        let (rows, cols) = grid.cells(in: tile)
        guard !rows.isEmpty, !cols.isEmpty else { return }
        var line = [Double](repeating: 0, count: tile.width)
        for (n, band) in list.enumerated() {
            guard let k = bands.firstIndex(of: band) else { continue }
            var ins: [Double] = []
            ins.reserveCapacity(rows.count * cols.count)
            for j in rows {
                let y = grid.rows[j] - tile.y
                line.withMutablePlaneRow { row in
                    PixelCodec.decode(type, raw.part(n * tile.area + y * tile.width, count: tile.width), into: row)
                }
                for i in cols { ins.append(line[grid.columns[i] - tile.x]) }
            }
            store(k, rows, cols, input: ins, output: stored(ins, band: band))
        }
    }

    /// The values as the output stores them (rounded and clamped to its type), as Double.
    private func stored(_ values: [Double], band: Int) -> [Double] {
        var out = values
        var bytes = [Double](repeating: 0, count: values.count)   // 8 bytes a value: room for any type
        bytes.withMutablePlaneRow { b in
            let encoded = MutableRawSamples(b).samples(ofSize: outputType.byteSize).part(0, count: values.count)
            _ = values.withPlaneRow { v in
                PixelCodec.encode(v, as: outputType, nanValue: nanValues[band - 1], into: encoded)
            }
            out.withMutablePlaneRow { o in PixelCodec.decode(outputType, encoded.readOnly, into: o) }
        }
        return out
    }

    private func store(_ k: Int, _ rows: Range<Int>, _ cols: Range<Int>, input ins: [Double], output outs: [Double]) {
        let nd = noData[k] ?? .nan, w = grid.width, band = k * grid.count
        lock.withLock { _ in
            Self.put(ins, rows, cols, width: w, offset: band, noData: nd, into: &input, valid: &inputValid)
            Self.put(outs, rows, cols, width: w, offset: band, noData: nd, into: &output, valid: &outputValid)
            for j in rows { Self.increment(&recorded, (j * w + cols.lowerBound)..<(j * w + cols.upperBound)) }
        }
    }

    // The stores take the canvas's arrays as `inout` parameters: one exclusive access a call, where a loop
    // over `self`'s arrays paid Swift's dynamic exclusivity check at every cell (most of the feeding's cost).

    /// Stores `values` (rows of `cols.count`) at the cells `rows` × `cols` of a grid `width` wide.
    private static func put(_ values: [UInt8], _ rows: Range<Int>, _ cols: Range<Int>, width: Int,
                            into cells: inout [UInt8]) {
        var m = 0
        for j in rows {
            for c in (j * width + cols.lowerBound)..<(j * width + cols.upperBound) { cells[c] = values[m]; m += 1 }
        }
    }

    /// Stores `values` at the cells `rows` × `cols` of band plane `offset` of `plane`, and clears `valid`
    /// where a value is NaN or `noData`.
    private static func put(_ values: [Double], _ rows: Range<Int>, _ cols: Range<Int>, width: Int, offset: Int,
                            noData nd: Double, into plane: inout [Double], valid: inout [UInt8]) {
        var m = 0
        for j in rows {
            for c in (j * width + cols.lowerBound)..<(j * width + cols.upperBound) {
                let v = values[m]
                plane[offset + c] = v
                if v != v || v == nd { valid[c] = 0 }
                m += 1
            }
        }
    }

    private static func increment(_ counts: inout [UInt8], _ cells: Range<Int>) {
        for c in cells { counts[c] &+= 1 }
    }

    // MARK: - After the run

    /// The planes as recorded (a cell is known once every shown band is). Call after every
    /// worker has finished.
    func planes() -> SamplePlanes {
        lock.withLock { _ in
            let n = grid.count, bc = bands.count
            var p = SamplePlanes(width: grid.width, height: grid.height, bands: bc, withOutput: true)
            p.input = (0..<bc).map { Array(input[$0 * n ..< ($0 + 1) * n]) }
            p.output = (0..<bc).map { Array(output[$0 * n ..< ($0 + 1) * n]) }
            p.inputValid = inputValid
            p.outputValid = outputValid
            p.selected = selected
            p.known = (0..<n).map { recorded[$0] >= UInt8(bc) ? 1 : 0 }
            return p
        }
    }

    /// Number of cells not every shown band recorded (untouched blocks of a copied input, resumed chunks).
    var unknownCount: Int {
        lock.withLock { _ in (0..<grid.count).reduce(0) { $0 + (recorded[$1] >= UInt8(bands.count) ? 0 : 1) } }
    }

    /// Fills the unknown cells from decimated samples of the input and, for chunks an earlier
    /// run computed (`--resume`), of the output; without `output` the output is the input there
    /// (a copied input's untouched blocks hold the input's bytes).
    func fill(input values: [[Double]], output: [[Double]]?, valid: [UInt8]) {
        lock.withLock { _ in
            let n = grid.count
            for c in 0..<n where recorded[c] < UInt8(bands.count) {
                for k in bands.indices {
                    input[k * n + c] = values[k][c]
                    self.output[k * n + c] = (output ?? values)[k][c]
                }
                inputValid[c] = valid[c]
                outputValid[c] = valid[c]
                recorded[c] = UInt8(bands.count)
            }
        }
    }
}
