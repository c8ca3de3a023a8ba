import Foundation
import GDALKit
import RasterKernels
import RasterTiling
import TestSupport
import Testing

/// The selection sources: a mask band, `--where`, `--bbox` (also in another CRS), and their
/// AND and inversion, each checked against a selection built here from its definition.
@Suite(.serialized, .enabled(if: Corpus.isAvailable)) struct SelectionCLITests {
    let folder = TemporaryFolder()
    var dir: URL { folder.url }
    let file = "rasterio__RGB.byte.tif"   // 791x718, 3 bands, UTM 18N, nodata 0
    var input: String { Corpus.path(file) }

    func facts() throws -> (w: Int, h: Int, gt: GeoTransform, wkt: String, bands: [[Double]]) {
        let ds = try Dataset.open(input)
        return (ds.width, ds.height, ds.geoTransform!, ds.projectionWKT, try Fixture.read(input))
    }

    @Test func maskBandAndInvert() throws {
        let (w, h, gt, wkt, _) = try facts()
        let b1 = (0..<(w * h)).map { Double($0 % 7 == 0 ? 1 : 0) }
        let b2 = (0..<(w * h)).map { i -> Double in
            let x = i % w, y = i / w
            return (x / 40 + y / 30) % 2 == 0 ? 255 : 0
        }
        let mask = dir.appendingPathComponent("mask3.tif").path
        try Fixture.write(mask, width: w, height: h, type: .byte, bands: [b1, b2, b1], options: ["TILED=YES"],
                          geoTransform: gt, wkt: wkt)
        let k = try KernelPreset.kernel("box:3")
        let chosen = b2.map { $0 != 0 }
        try EndToEnd.check(input, in: dir, kernel: "box:3", kernelMatrix: k, extra: ["--mask-band", "2"],
                           selected: chosen, maskPath: mask)
        try EndToEnd.check(input, in: dir, kernel: "box:3", kernelMatrix: k,
                           extra: ["--mask-band", "2", "--invert-mask"],
                           selected: chosen.map { !$0 }, maskPath: mask)
        let r = try CLI.run(["apply", input, dir.appendingPathComponent("x.tif").path, "--kernel", "box:3", "--mask",
                             mask, "--mask-band", "4"])
        #expect(r.status == 1 && r.stderr.contains("--mask-band 4") && r.stderr.contains("3 bands"), "\(r.stderr)")
    }

    @Test func maskOnAnotherGridIsWarpedOnRequest() throws {
        let (w, h, gt, wkt, _) = try facts()
        // A mask in longitude/latitude (EPSG:4326) at 0.004 degrees, a checkerboard of 0.1-degree cells.
        let lon0 = -79.0, lat0 = 25.6, res = 0.004, mw = 700, mh = 550
        let cells: [Double] = (0..<(mw * mh)).map { i in ((i % mw) / 25 + (i / mw) / 25) % 2 == 0 ? 1 : 0 }
        let mask = dir.appendingPathComponent("geo.tif").path
        try Fixture.write(mask, width: mw, height: mh, type: .byte, bands: [cells], options: ["TILED=YES"],
                          geoTransform: [lon0, res, 0, lat0, 0, -res], wkt: "EPSG:4326")
        let plain = try CLI.run(["apply", input, dir.appendingPathComponent("x.tif").path, "--kernel", "box:3",
                                 "--mask", mask])
        #expect(plain.status == 1 && plain.stderr.contains("791x718") && plain.stderr.contains("--mask-warp"),
                "\(plain.stderr)")
        // Expected: each pixel centre taken to longitude/latitude, then the mask pixel holding it.
        let ct = try CoordinateTransform(from: wkt, to: "EPSG:4326")
        var xs = (0..<(w * h)).map { gt.apply(Double($0 % w) + 0.5, Double($0 / w) + 0.5).x }
        var ys = (0..<(w * h)).map { gt.apply(Double($0 % w) + 0.5, Double($0 / w) + 0.5).y }
        let ok = ct.transform(x: &xs, y: &ys)
        let chosen = (0..<(w * h)).map { i -> Bool in
            let mx = Int(((xs[i] - lon0) / res).rounded(.down)), my = Int(((lat0 - ys[i]) / res).rounded(.down))
            return ok[i] && mx >= 0 && mx < mw && my >= 0 && my < mh && cells[my * mw + mx] != 0
        }
        #expect(chosen.contains(true) && chosen.contains(false))
        try EndToEnd.check(input, in: dir, kernel: "box:3", kernelMatrix: try KernelPreset.kernel("box:3"),
                           extra: ["--mask-warp"],
                           selected: chosen, maskPath: mask)
    }

    @Test func whereExpressions() throws {
        let (w, h, _, _, bands) = try facts()
        let k = try KernelPreset.kernel("sharpen")
        let expr = "(b1 - b3) / (b1 + b3) > 0.05 && b2 < 120 || b1 == 255"
        let chosen = (0..<(w * h)).map { i -> Bool in
            let (r, g, b) = (bands[0][i], bands[1][i], bands[2][i])
            let ratio = r + b == 0 ? Double.nan : (r - b) / (r + b)
            return (ratio > 0.05 && g < 120) || r == 255
        }
        #expect(chosen.contains(true) && chosen.contains(false))
        try EndToEnd.check(input, in: dir, kernel: "sharpen", kernelMatrix: k, extra: ["--where", expr],
                           selected: chosen)
        // nodata(bN) reads GDAL's mask; a division by zero selects nothing.
        let nd = bands[0].map { $0 == 0 }
        try EndToEnd.check(input, in: dir, kernel: "sharpen", kernelMatrix: k,
                           extra: ["--where", "!nodata(b1) && b1 < 60"],
                           selected: (0..<(w * h)).map { !nd[$0] && bands[0][$0] < 60 })
        try EndToEnd.check(input, in: dir, kernel: "sharpen", kernelMatrix: k, extra: ["--where", "b1 / (b2 - b2) > 0"],
                           selected: Array(repeating: false, count: w * h))
        for (bad, pos) in [("b1 > ", "character 6"), ("b1 >> 3", "character 5"), ("b9 > 1", "band b9"),
                           ("(b1 > 1", "character 8")] {
            let r = try CLI.run(["apply", input, dir.appendingPathComponent("x.tif").path, "--kernel", "sharpen",
                                 "--where", bad])
            #expect(r.status == 1 && r.stderr.contains(pos) && r.stderr.split(separator: "\n").count == 1,
                    "\(bad): \(r.stderr)")
        }
    }

    @Test func bboxInTheInputCRSAndInWGS84() throws {
        let (w, h, gt, wkt, _) = try facts()
        let k = try KernelPreset.kernel("laplacian")
        func centre(_ i: Int) -> (Double, Double) {
            let px = Double(i % w) + 0.5, py = Double(i / w) + 0.5
            let c = gt.apply(px, py)
            return (c.x, c.y)
        }
        let box = [150_000.0, 2_700_000, 250_000, 2_780_000]
        let inBox = (0..<(w * h)).map { i -> Bool in
            let (x, y) = centre(i)
            return x >= box[0] && x <= box[2] && y >= box[1] && y <= box[3]
        }
        let out = try EndToEnd.check(input, in: dir, kernel: "laplacian", kernelMatrix: k,
                                     extra: ["--bbox", box.map { String($0) }.joined(separator: ","), "--json"],
                                     selected: inBox)
        _ = out
        // The same idea in EPSG:4326: each pixel centre is taken to longitude/latitude here.
        let geo = [-78.2, 24.2, -77.3, 25.1]
        let ct = try CoordinateTransform(from: wkt, to: "EPSG:4326")
        var xs = (0..<(w * h)).map { centre($0).0 }, ys = (0..<(w * h)).map { centre($0).1 }
        let ok = ct.transform(x: &xs, y: &ys)
        let inGeo = (0..<(w * h)).map {
            ok[$0] && xs[$0] >= geo[0] && xs[$0] <= geo[2] && ys[$0] >= geo[1] && ys[$0] <= geo[3]
        }
        #expect(inGeo.contains(true) && inGeo.contains(false))
        try EndToEnd.check(input, in: dir, kernel: "laplacian", kernelMatrix: k,
                           extra: ["--bbox", geo.map { String($0) }.joined(separator: ","), "--bbox-crs", "EPSG:4326"],
                           selected: inGeo)
        // AND with --where, then inverted.
        let (_, _, _, _, bands) = try facts()
        let both = (0..<(w * h)).map { inGeo[$0] && bands[1][$0] > 50 }
        try EndToEnd.check(input, in: dir, kernel: "laplacian", kernelMatrix: k,
                           extra: ["--bbox", geo.map { String($0) }.joined(separator: ","), "--bbox-crs", "EPSG:4326",
                                   "--where", "b2 > 50"],
                           selected: both)
        try EndToEnd.check(input, in: dir, kernel: "laplacian", kernelMatrix: k,
                           extra: ["--bbox", geo.map { String($0) }.joined(separator: ","), "--bbox-crs", "EPSG:4326",
                                   "--where", "b2 > 50",
                                   "--invert-mask"], selected: both.map { !$0 })
        // Only the tiles that meet the box are visited.
        let r = try CLI.run(["apply", input, dir.appendingPathComponent("j.tif").path, "--kernel", "laplacian",
                             "--tile-size", "64",
                             "--bbox", "150000,2700000,160000,2710000", "--json"])
        let report = try r.report()
        let tiles = report["tiles"] as! [String: Int]
        #expect(tiles["convolved"]! <= 9 && tiles["skipped"]! > 100, "\(tiles)")
        for (args, needle) in [(["--bbox", "1,2,3"], "XMIN,YMIN,XMAX,YMAX"),
                               (["--bbox", "5,0,1,1"], "XMIN must be below"),
                               (["--bbox", "0,0,1,1", "--bbox-crs", "EPSG:999999"], "--bbox-crs"),
                               (["--bbox-crs", "EPSG:4326"], "needs --bbox")] {
            let bad = try CLI.run(["apply", input, dir.appendingPathComponent("x.tif").path, "--kernel",
                                   "laplacian"] + args)
            #expect(bad.status == 1 && bad.stderr.contains(needle), "\(args): \(bad.stderr)")
        }
    }
}
