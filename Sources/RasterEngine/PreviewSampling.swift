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
    /// every source ANDs itself in (`SelectionSource.andSamples`), then `--invert-mask`
    /// (`--grow-mask` / `--shrink-mask` are not drawn here: `apply --preview` shows the
    /// engine's own selection).
    static func selection(_ prepared: Selection, input: borrowing Dataset, grid: SampleGrid) throws -> [UInt8] {
        var sel = [UInt8](repeating: 1, count: grid.count)
        for source in prepared.sources { try source.andSamples(into: &sel, grid: grid, input: input) }
        if prepared.invert { for i in sel.indices { sel[i] ^= 1 } }
        return sel
    }

    /// Band `band` of the raster at `path` (named `shown` in errors) at the grid's pixels.
    static func readOne(_ path: String, band: Int, grid: SampleGrid, shownAs shown: String) throws -> [Double] {
        let ds = try gdal(shown, "opening") { try Dataset.open(path) }
        return try gdal(shown, "reading band \(band) decimated") {
            try ds.withBand(band) { try $0.readResampled(width: grid.width, height: grid.height, as: Double.self) }
        }
    }
}
