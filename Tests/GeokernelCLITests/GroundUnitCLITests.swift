import Foundation
import GDALKit
import RasterKernels
import RasterTiling
import TestSupport
import Testing

/// `--kernel gaussian:30m` and `box:90m` on real files: a UTM file (10 m pixels) and an EPSG:4326
/// file at 60° N (non-square pixels on the ground), against pixel sizes the test measures itself
/// with PROJ (an azimuthal equidistant projection centred on the raster's centre, where one
/// pixel's step is its length on the ellipsoid); and the refusals.
@Suite(.serialized) struct GroundUnitCLITests {
    let folder = TemporaryFolder()
    var dir: URL { folder.url }
    let wgs84 =
        #"GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],"#
        + #"UNIT["degree",0.0174532925199433],AUTHORITY["EPSG","4326"]]"#

    func json(_ args: [String]) throws -> [String: Any] { try CLI.report(args) }

    /// Metres from the raster's centre to one pixel's step along x and along y, measured by PROJ.
    func measuredMetresPerPixel(_ geoTransform: GeoTransform, width: Int,
                                height: Int) throws -> (x: Double, y: Double) {
        let gt = geoTransform.coefficients
        let cx = gt[0] + gt[1] * Double(width) / 2
        let cy = gt[3] + gt[5] * Double(height) / 2
        let ct = try CoordinateTransform(
            from: "EPSG:4326", to: "+proj=aeqd +lat_0=\(cy) +lon_0=\(cx) +datum=WGS84 +units=m")
        var xs = [cx, cx + gt[1], cx]
        var ys = [cy, cy, cy + gt[5]]
        #expect(ct.transform(x: &xs, y: &ys).allSatisfy { $0 })
        return (hypot(xs[1] - xs[0], ys[1] - ys[0]), hypot(xs[2] - xs[0], ys[2] - ys[0]))
    }

    @Test func gaussianInMetresOnAUTMFileIsTheGaussianInPixels() throws {
        let w = 90
        let h = 70
        let input = dir.appendingPathComponent("utm.tif").path
        let v = Fixture.values(width: w, height: h, seed: 21, type: .float32)
        try Fixture.write(
            input, width: w, height: h, type: .float32, bands: [v], geoTransform: [500000, 10, 0, 5_000_000, 0, -10])
        let out = dir.appendingPathComponent("utm_out.tif").path
        let report = try json(["apply", input, out, "--kernel", "gaussian:30m", "--json"])
        let kernel = report["kernel"] as? [String: Any] ?? [:]
        #expect(kernel["spec"] as? String == "gaussian:30m")
        #expect(kernel["width"] as? Int == 19 && kernel["height"] as? Int == 19)
        let ground = kernel["ground"] as? [String: Any] ?? [:]
        #expect(ground["parameter"] as? String == "sigma")
        #expect(ground["pixels_x"] as? Double == 3 && ground["pixels_y"] as? Double == 3)
        #expect(ground["metres_per_pixel_x"] as? Double == 10 && ground["metres_per_pixel_y"] as? Double == 10)
        // The pixels are gaussian:3's, bit for bit.
        let same = dir.appendingPathComponent("utm_px.tif").path
        #expect(try CLI.run(["apply", input, same, "--kernel", "gaussian:3", "-q"]).status == 0)
        #expect(Fixture.mismatches(try Fixture.read(out)[0], try Fixture.read(same)[0]).isEmpty)
        // box:90m on 10 m pixels is box:9; plan says so too.
        let plan = try json(["plan", input, "--kernel", "box:0.09km", "--json"])
        let size = plan["kernelGroundSize"] as? [String: Any] ?? [:]
        #expect(plan["kernelWidth"] as? Int == 9 && plan["kernelHeight"] as? Int == 9)
        #expect(size["pixelsX"] as? Double == 9 && size["spec"] as? String == "box:0.09km")
        let text = try CLI.run(["plan", input, "--kernel", "box:90m"])
        #expect(text.stdout.contains("9x9 kernel"), "\(text.stdout)")
        #expect(text.stdout.contains("separable (box:90m: size 9 x 9 px at 10 x 10 m per pixel)"), "\(text.stdout)")
    }

    /// At 60° N a degree of longitude is about half a degree of latitude: square degree pixels
    /// get a sigma per axis, each the length over that axis's metres per pixel.
    @Test func gaussianInMetresOnAGeographicFileHasASigmaPerAxis() throws {
        let w = 60
        let h = 50
        let gt: GeoTransform = [10.0, 0.0002, 0, 60.005, 0, -0.0002]
        let input = dir.appendingPathComponent("geo.tif").path
        let v = Fixture.values(width: w, height: h, seed: 22, type: .float64)
        try Fixture.write(input, width: w, height: h, type: .float64, bands: [v], geoTransform: gt, wkt: wgs84)
        let (mx, my) = try measuredMetresPerPixel(gt, width: w, height: h)
        let out = dir.appendingPathComponent("geo_out.tif").path
        let report = try json(["apply", input, out, "--kernel", "gaussian:40m", "--json"])
        let kernel = report["kernel"] as? [String: Any] ?? [:]
        let ground = kernel["ground"] as? [String: Any] ?? [:]
        let sx = try #require(ground["pixels_x"] as? Double)
        let sy = try #require(ground["pixels_y"] as? Double)
        #expect(abs(sx - 40 / mx) < 1e-6 * sx, "sigma x \(sx), measured \(40 / mx)")
        #expect(abs(sy - 40 / my) < 1e-6 * sy, "sigma y \(sy), measured \(40 / my)")
        #expect(abs((ground["metres_per_pixel_x"] as? Double ?? 0) - mx) < 1e-6 * mx)
        #expect(sx > 1.9 * sy, "x pixels are about half as long on the ground at 60° N")
        let rx = Int((3 * (40 / mx)).rounded(.up))
        let ry = Int((3 * (40 / my)).rounded(.up))
        #expect(kernel["width"] as? Int == 2 * rx + 1 && kernel["height"] as? Int == 2 * ry + 1)
        // The pixels: the reference convolution with a Gaussian the test builds from the measured sigmas.
        func line(_ s: Double, _ r: Int) -> [Double] {
            let g = (-r...r).map { exp(-Double($0 * $0) / (2 * s * s)) }
            let t = g.reduce(0, +)
            return g.map { $0 / t }
        }
        let gx = line(40 / mx, rx)
        let gy = line(40 / my, ry)
        let k = try Kernel(width: gx.count, height: gy.count, values: gy.flatMap { a in gx.map { a * $0 } })
        let expected = Fixture.expected(
            v, width: w, height: h, kernel: k, edge: .reflect, noData: nil, selected: nil,
            inputType: .float64, outputType: .float64)
        let got = try Fixture.read(out)[0]
        let worst = zip(got, expected).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 1
        #expect(worst < 1e-6, "largest relative difference \(worst) (the sigmas agree to 1e-6)")
        // box:100m: the odd sizes nearest to 100 m over each axis's pixel.
        let plan = try json(["plan", input, "--kernel", "box:100m", "--json"])
        func odd(_ p: Double) -> Int { 2 * Int(((p - 1) / 2 + 0.5).rounded(.down)) + 1 }
        #expect(plan["kernelWidth"] as? Int == odd(100 / mx) && plan["kernelHeight"] as? Int == odd(100 / my))
    }

    @Test func refusals() throws {
        let plain = dir.appendingPathComponent("plain.tif").path
        let ds = try Dataset.create(plain, width: 20, height: 20, bandCount: 1, dataType: .byte, options: [])
        try ds.close()
        let out = dir.appendingPathComponent("never.tif").path
        let noGeo = try CLI.run(["apply", plain, out, "--kernel", "gaussian:30m"])
        #expect(noGeo.status == 1)
        #expect(
            noGeo.stderr == "geokernel: error: gaussian:30m needs a georeferenced input; \(plain) has no geotransform\n"
        )
        #expect(!FileManager.default.fileExists(atPath: out))
        // A geotransform without a CRS: its unit is unknown.
        let noCRS = dir.appendingPathComponent("nocrs.tif").path
        let d2 = try Dataset.create(noCRS, width: 20, height: 20, bandCount: 1, dataType: .byte, options: [])
        try d2.setGeoTransform([0, 10, 0, 0, 0, -10])
        try d2.close()
        let r2 = try CLI.run(["plan", noCRS, "--kernel", "box:30m"])
        #expect(
            r2.status == 1 && r2.stderr.contains("box:30m needs the input's CRS") && r2.stderr.contains("no CRS"),
            "\(r2.stderr)")
        // Pixels need no georeferencing.
        #expect(try CLI.run(["plan", plain, "--kernel", "box:3px"]).status == 0)
        let utm = dir.appendingPathComponent("u.tif").path
        try Fixture.write(
            utm, width: 20, height: 20, type: .byte,
            bands: [Fixture.values(width: 20, height: 20, seed: 1, type: .byte)])
        for (spec, needle) in [
            ("gaussian:30mm", "'30mm' is not a length"), ("box:-30m", "not a positive length"),
            ("gaussian:10km", "the largest accepted is 511x511"), ("box:30 m", "is not a length"),
        ] {
            let r = try CLI.run(["apply", utm, out, "--kernel", spec])
            #expect(
                r.status == 1 && r.stderr.contains(needle) && r.stderr.split(separator: "\n").count == 1,
                "\(spec): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out))
        }
        let json = try CLI.run(["apply", plain, out, "--kernel", "box:90m", "--json"])
        #expect(
            json.status == 1 && json.stdout.contains("\"ok\":false")
                && json.stdout.contains("needs a georeferenced input"))
    }

    /// `--footprint disk:20m` and `square:30m` on 10 m pixels are `disk:2` and `square:3`, bit for
    /// bit; on degree pixels at 60° N a disk in metres is an ellipse in pixels, its half-widths the
    /// radius over each axis's measured metres per pixel.
    @Test func footprintsInMetres() throws {
        let (w, h) = (40, 30)
        let utm = dir.appendingPathComponent("fp_utm.tif").path
        try Fixture.write(utm, width: w, height: h, type: .uint16,
                          bands: [Fixture.values(width: w, height: h, seed: 5, type: .uint16)],
                          geoTransform: [500000, 10, 0, 5_000_000, 0, -10])
        for (ground, pixels) in [("disk:20m", "disk:2"), ("square:30m", "square:3"), ("rect:0.05kmx30m", "rect:5x3")] {
            let a = dir.appendingPathComponent("fp_a.tif").path, b = dir.appendingPathComponent("fp_b.tif").path
            let report = try json(["apply", utm, a, "--method", "median", "--footprint", ground, "--json",
                                   "--overwrite"])
            #expect((report["footprint"] as? [String: Any])?["spec"] as? String == ground)
            #expect(try CLI.run(["apply", utm, b, "--method", "median", "--footprint", pixels, "-q",
                                 "--overwrite"]).status == 0)
            #expect(Fixture.mismatches(try Fixture.read(a)[0], try Fixture.read(b)[0]).isEmpty, "\(ground) = \(pixels)")
        }
        let gt: GeoTransform = [10.0, 0.0002, 0, 60.005, 0, -0.0002]
        let geo = dir.appendingPathComponent("fp_geo.tif").path
        try Fixture.write(geo, width: w, height: h, type: .float32,
                          bands: [Fixture.values(width: w, height: h, seed: 6, type: .float32)], geoTransform: gt,
                          wkt: wgs84)
        let (mx, my) = try measuredMetresPerPixel(gt, width: w, height: h)
        let report = try json(["apply", geo, dir.appendingPathComponent("fp_geo_out.tif").path, "--method", "mean",
                               "--footprint", "disk:100m", "--json"])
        let fp = report["footprint"] as? [String: Any] ?? [:]
        #expect(fp["width"] as? Int == 2 * Int((100 / mx).rounded(.down)) + 1, "\(fp) at \(mx) m")
        #expect(fp["height"] as? Int == 2 * Int((100 / my).rounded(.down)) + 1, "\(fp) at \(my) m")
        let plain = dir.appendingPathComponent("fp_plain.tif").path
        let ds = try Dataset.create(plain, width: 20, height: 20, bandCount: 1, dataType: .byte, options: [])
        try ds.close()
        let r = try CLI.run(["apply", plain, dir.appendingPathComponent("fp_x.tif").path, "--method", "median",
                             "--footprint", "disk:50m"])
        #expect(r.status == 1 && r.stderr.contains("disk:50m needs a georeferenced input"), "\(r.stderr)")
    }
}
