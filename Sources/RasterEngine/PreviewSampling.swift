import GDALKit
import RasterKernels
import RasterTiling

/// Samples for a quick look read through GDAL's decimated reads (nearest neighbour, from
/// overviews when the file has them; never a full-resolution pass): the bands of a finished
/// raster, and the selection evaluated at the sample grid's pixels from the sources
/// `Selection` made ready (mask, rasterized polygons, box, `--where`).
/// Thread safety: plain functions; each uses the datasets it is lent on the calling thread.
enum PreviewSampling {
    /// The shown bands' values and validity (GDAL's mask band, and NaN) at the grid's pixels.
    static func bands(_ ds: borrowing Dataset, _ bands: [Int], grid: SampleGrid,
                      path: String) throws -> (values: [[Double]], valid: [UInt8]) {
        var valid = [UInt8](repeating: 1, count: grid.count)
        var values: [[Double]] = []
        for b in bands {
            let v: [Double] = try gdal(path, "reading band \(b) decimated to \(grid.width)x\(grid.height)") {
                try ds.withBand(b) { band in
                    if !band.maskFlags.contains(.allValid) {
                        let m: [UInt8] = try band.withMaskBand { mask in
                            try mask.readResampled(width: grid.width, height: grid.height)
                        }
                        for i in m.indices where m[i] == 0 { valid[i] = 0 }
                    }
                    return try band.readResampled(width: grid.width, height: grid.height, as: Double.self)
                }
            }
            for i in v.indices where v[i].isNaN { valid[i] = 0 }
            values.append(v)
        }
        return (values, valid)
    }

    /// The selection at the grid's pixels (1 = selected), combined as the engine combines it:
    /// every source with AND, then `--invert-mask` (`--grow-mask` / `--shrink-mask` are not
    /// drawn here: `apply --preview` shows the engine's own selection).
    static func selection(_ options: ApplyOptions, _ prepared: Selection, input: borrowing Dataset,
                          grid: SampleGrid) throws -> [UInt8] {
        var sel = [UInt8](repeating: 1, count: grid.count)
        for source in prepared.sources {
            if let mask = source as? MaskSource {
                let nd = mask.noData ?? .nan
                let v = try readOne(mask.path, band: mask.band, grid: grid, shownAs: mask.shownPath)
                for i in v.indices where !(v[i] != 0 && v[i] == v[i] && v[i] != nd) { sel[i] = 0 }
            } else if let polygons = source as? PolygonSource {
                let v = try readOne(polygons.path, band: 1, grid: grid, shownAs: polygons.vector)
                for i in v.indices where v[i] == 0 { sel[i] = 0 }
            } else if let box = source as? BBoxSource {
                try andBox(box, grid: grid, &sel)
            }
        }
        if let e = options.whereExpression {
            var values: [Int: [Double]] = [:], invalid: [Int: [UInt8]] = [:]
            for b in e.bands.union(e.nodataBands).sorted() {
                let (v, ok) = try bands(input, [b], grid: grid, path: options.input)
                values[b] = v[0]
                invalid[b] = ok.map { 1 - $0 }
            }
            let picked = e.select(count: grid.count, value: { values[$0]! }, invalid: { invalid[$0]! })
            for i in sel.indices { sel[i] &= picked[i] }
        }
        if prepared.invert { for i in sel.indices { sel[i] ^= 1 } }
        return sel
    }

    private static func readOne(_ path: String, band: Int, grid: SampleGrid, shownAs shown: String) throws -> [Double] {
        let ds = try gdal(shown, "opening") { try Dataset.open(path) }
        return try gdal(shown, "reading band \(band) decimated") {
            try ds.withBand(band) { try $0.readResampled(width: grid.width, height: grid.height, as: Double.self) }
        }
    }

    /// ANDs in `--bbox`: a sample is selected when its pixel's centre lies in the box.
    private static func andBox(_ box: BBoxSource, grid: SampleGrid, _ sel: inout [UInt8]) throws {
        let g = box.geoTransform, b = box.bounds
        var transform: CoordinateTransform? = nil
        if let crs = box.crs {
            do { transform = try CoordinateTransform(from: box.rasterWKT, to: crs) } catch {
                throw EngineError.badOption("--bbox-crs: \(error.message)")
            }
        }
        for j in 0..<grid.height {
            let py = Double(grid.rows[j]) + 0.5
            var xs = grid.columns.map { g.apply(Double($0) + 0.5, py).x }
            var ys = grid.columns.map { g.apply(Double($0) + 0.5, py).y }
            let ok = transform?.transform(x: &xs, y: &ys) ?? Array(repeating: true, count: xs.count)
            for i in 0..<grid.width where !(ok[i] && xs[i] >= b[0] && xs[i] <= b[2] && ys[i] >= b[1] && ys[i] <= b[3]) {
                sel[j * grid.width + i] = 0
            }
        }
    }
}
