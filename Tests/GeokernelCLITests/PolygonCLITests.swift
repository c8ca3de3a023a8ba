import Foundation
import GDALKit
import RasterKernels
import TestSupport
import Testing

/// `--polygons`: vector polygons in another CRS select the pixels whose centre they contain
/// (or that they touch), with `--layer` and `--sql-where`, checked against a point-in-polygon
/// test written here.
@Suite(.serialized, .enabled(if: Corpus.isAvailable)) struct PolygonCLITests {
    let folder = TemporaryFolder()
    var dir: URL { folder.url }
    let input = Corpus.path("rasterio__RGB.byte.tif")   // UTM 18N
    let keep = [(-78.3, 24.2), (-77.6, 24.1), (-77.4, 24.9), (-78.0, 25.2)]
    let drop = [(-77.2, 23.8), (-76.9, 23.8), (-76.9, 24.1), (-77.2, 24.1)]

    func geojson() throws -> String {
        func ring(_ r: [(Double, Double)]) -> String {
            "[[" + (r + [r[0]]).map { "[\($0.0),\($0.1)]" }.joined(separator: ",") + "]]"
        }
        let text = """
        {"type":"FeatureCollection","name":"areas","features":[
        {"type":"Feature","properties":{"keep":1},"geometry":{"type":"Polygon","coordinates":\(ring(keep))}},
        {"type":"Feature","properties":{"keep":0},"geometry":{"type":"Polygon","coordinates":\(ring(drop))}}]}
        """
        let path = dir.appendingPathComponent("areas.geojson").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Pixels whose centre lies inside the polygons, tested in the raster's CRS (ray casting).
    func inside(_ polygons: [[(Double, Double)]]) throws -> [Bool] {
        let ds = try Dataset.open(input)
        let (w, h, gt) = (ds.width, ds.height, ds.geoTransform!.coefficients)
        let ct = try CoordinateTransform(from: "EPSG:4326", to: ds.projectionWKT)
        let rings: [[(Double, Double)]] = polygons.map { poly in
            var xs = poly.map { $0.0 }, ys = poly.map { $0.1 }
            _ = ct.transform(x: &xs, y: &ys)
            return Array(zip(xs, ys))
        }
        return (0..<(w * h)).map { i in
            let x = gt[0] + (Double(i % w) + 0.5) * gt[1], y = gt[3] + (Double(i / w) + 0.5) * gt[5]
            return rings.contains { r in
                var c = false
                var j = r.count - 1
                for k in 0..<r.count {
                    let (xi, yi) = r[k], (xj, yj) = r[j]
                    if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi { c.toggle() }
                    j = k
                }
                return c
            }
        }
    }

    @Test func polygonsInAnotherCRSWithLayerAndFilter() throws {
        let path = try geojson()
        let k = try KernelPreset.kernel("box:3")
        let both = try inside([keep, drop]), kept = try inside([keep])
        #expect(both.filter { $0 }.count > kept.filter { $0 }.count && kept.contains(true))
        try EndToEnd.check(input, in: dir, kernel: "box:3", kernelMatrix: k, extra: ["--polygons", path],
                           selected: both)
        try EndToEnd.check(input, in: dir, kernel: "box:3", kernelMatrix: k,
                           extra: ["--polygons", path, "--layer", "areas", "--sql-where", "keep = 1"], selected: kept)
        // --all-touched selects every pixel whose centre is inside, and more along the edges.
        let out = try EndToEnd.check(input, in: dir, kernel: "box:3", kernelMatrix: k,
                                     extra: ["--polygons", path, "--all-touched", "--where", "b1 >= 0", "--json",
                                             "--invert-mask"],
                                     selected: nil, checkPixels: false)
        let j = try CLI.jsonObject(out)
        let total = 791 * 718
        #expect((j["pixels_selected"] as! Int) < total - both.filter { $0 }.count,
                "all-touched covers more than the centres")
        for (args, needle) in [(["--layer", "nope"], "no layer 'nope'"), (["--sql-where", "nope = 1"], "nope"),
                               ([String](), "")] {
            guard !args.isEmpty else { continue }
            let r = try CLI.run(["apply", input, dir.appendingPathComponent("x.tif").path, "--kernel", "box:3",
                                 "--polygons", path] + args)
            #expect(r.status == 1 && r.stderr.contains(needle) && r.stderr.split(separator: "\n").count == 1,
                    "\(r.stderr)")
        }
        let orphan = try CLI.run(["apply", input, dir.appendingPathComponent("x.tif").path, "--kernel", "box:3",
                                  "--layer", "a"])
        #expect(orphan.status == 1 && orphan.stderr.contains("go with --polygons"))
    }
}
