import GDALKit
import RasterTiling

/// `--bbox XMIN,YMIN,XMAX,YMAX [--bbox-crs CRS]`: pixels whose centre lies in the box, in the
/// input's CRS or the box's own. Chunks outside the box's pixel envelope read nothing.
/// Thread safety: `Sendable` plain values.
struct BBoxSource: SelectionSource {
    /// The box as given, in its CRS.
    let bounds: [Double]
    /// The box's CRS when given (each worker builds its own transform from the raster's).
    let crs: String?
    let rasterWKT: String
    let geoTransform: GeoTransform
    /// Pixels whose centre can lie in the box, with a one-pixel margin (empty when none can).
    let envelope: Window?

    static func prepare(_ options: ApplyOptions, input: borrowing Dataset, layout: RasterLayout) throws -> BBoxSource? {
        guard let b = options.bbox else { return nil }
        guard let gt = input.geoTransform else {
            throw EngineError.badOption("--bbox needs a georeferenced input; \(options.input) has no geotransform")
        }
        let wkt = input.projectionWKT
        var xs: [Double] = [], ys: [Double] = []
        let steps = 64   // the box's edges, densified: a reprojected box is not a rectangle
        for k in 0...steps {
            let t = Double(k) / Double(steps)
            xs += [b[0] + t * (b[2] - b[0]), b[0] + t * (b[2] - b[0]), b[0], b[2]]
            ys += [b[1], b[3], b[1] + t * (b[3] - b[1]), b[1] + t * (b[3] - b[1])]
        }
        var ok = [Bool](repeating: true, count: xs.count)
        if let crs = options.bboxCRS {
            guard !wkt.isEmpty else {
                throw EngineError.badOption("--bbox-crs needs an input with a CRS; \(options.input) has none")
            }
            do {
                let ct = try CoordinateTransform(from: crs, to: wkt)
                ok = ct.transform(x: &xs, y: &ys)
            } catch {
                throw EngineError.badOption("--bbox-crs: \(error.message)")
            }
        }
        guard let toPixels = gt.inverted() else {
            throw EngineError.badOption("--bbox: the input's geotransform cannot be inverted")
        }
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        for i in xs.indices where ok[i] {
            let (px, py) = toPixels.apply(xs[i], ys[i])
            minX = min(minX, px); maxX = max(maxX, px); minY = min(minY, py); maxY = max(maxY, py)
        }
        var envelope: Window? = nil
        let raster = Window(width: layout.width, height: layout.height)
        if minX.isFinite && maxX.isFinite && minY.isFinite && maxY.isFinite {
            func clamp(_ v: Double, _ n: Int) -> Int { Int(max(-1, min(Double(n), v))) }
            let x0 = clamp(minX.rounded(.down), raster.width) - 1, y0 = clamp(minY.rounded(.down), raster.height) - 1
            let x1 = clamp(maxX.rounded(.up), raster.width) + 1, y1 = clamp(maxY.rounded(.up), raster.height) + 1
            envelope = Window(x: x0, y: y0, width: x1 - x0, height: y1 - y0).intersection(raster)
        }
        return BBoxSource(bounds: b, crs: options.bboxCRS, rasterWKT: wkt, geoTransform: gt,
                          envelope: envelope ?? Window(x: 0, y: 0, width: 0, height: 0))
    }

    var summary: String {
        "bbox \(bounds.map { String($0) }.joined(separator: ","))" + (crs.map { " (\($0))" } ?? "")
    }

    /// A sample is selected when its pixel's centre lies in the box.
    func andSamples(into selection: inout [UInt8], grid: SampleGrid, input: borrowing Dataset) throws {
        let g = geoTransform, b = bounds
        let transform = try BBoxReader.transform(self)
        for j in 0..<grid.height {
            let py = Double(grid.rows[j]) + 0.5
            var xs = grid.columns.map { g.apply(Double($0) + 0.5, py).x }
            var ys = grid.columns.map { g.apply(Double($0) + 0.5, py).y }
            let ok = transform?.transform(x: &xs, y: &ys) ?? Array(repeating: true, count: xs.count)
            for i in 0..<grid.width where !(ok[i] && xs[i] >= b[0] && xs[i] <= b[2] && ys[i] >= b[1] && ys[i] <= b[3]) {
                selection[j * grid.width + i] = 0
            }
        }
    }

    func makeReader(meter: Meter) throws -> any SelectionReader { try BBoxReader(self) }
}

/// Tests pixel centres against the box, through this worker's own transform to the box's CRS.
/// Thread safety: owned by one worker thread.
final class BBoxReader: SelectionReader {
    private let box: BBoxSource
    private let transform: CoordinateTransform?

    init(_ box: BBoxSource) throws {
        self.box = box
        transform = try BBoxReader.transform(box)
    }

    /// The transform from the raster's CRS to the box's, `nil` when the box is in the raster's.
    static func transform(_ box: BBoxSource) throws -> CoordinateTransform? {
        guard let crs = box.crs else { return nil }
        do { return try CoordinateTransform(from: box.rasterWKT, to: crs) } catch {
            throw EngineError.badOption("--bbox-crs: \(error.message)")
        }
    }

    func and(into sel: MutablePlane<UInt8>, window chunk: Window) throws {
        let g = box.geoTransform, b = box.bounds
        var xs = [Double](repeating: 0, count: chunk.width), ys = xs
        for y in 0..<chunk.height {
            let py = Double(chunk.y + y) + 0.5
            for x in 0..<chunk.width {
                (xs[x], ys[x]) = g.apply(Double(chunk.x + x) + 0.5, py)
            }
            var ok = [Bool](repeating: true, count: chunk.width)
            if box.crs != nil { ok = transform?.transform(x: &xs, y: &ys) ?? ok }
            let row = sel.row(y)
            for x in 0..<chunk.width {
                let inside = ok[x] && xs[x] >= b[0] && xs[x] <= b[2] && ys[x] >= b[1] && ys[x] <= b[3]
                row[x] &= inside ? 1 : 0
            }
        }
    }
}
