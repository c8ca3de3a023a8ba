import Foundation
import GDALKit
import TestSupport
import Testing
import RasterTiling

/// `-of COG`: a valid Cloud Optimized GeoTIFF (GDAL says LAYOUT=COG) with overviews of the
/// right size, the same full-resolution pixels as a GeoTIFF run, and the chosen resampling.
@Suite(.serialized, .enabled(if: Corpus.isAvailable)) struct COGOutputTests {
    let folder = TemporaryFolder()
    var dir: URL { folder.url }

    @Test func cogWithOverviews() throws {
        let input = Corpus.path("rasterio__rgb_lzw.tif")   // 791x718, 3 bands, LZW
        let cog = dir.appendingPathComponent("c.tif").path, plain = dir.appendingPathComponent("p.tif").path
        let near = dir.appendingPathComponent("n.tif").path
        for (out, extra) in [(cog, ["-of", "COG"]), (plain, []), (near, ["-of", "COG", "--overviews", "nearest"])] {
            let r = try CLI.run(["apply", input, out, "--kernel", "box:3", "-q"] + extra)
            #expect(r.status == 0, "\(r.stderr)")
        }
        let ds = try Dataset.open(cog)
        #expect(ds.metadataItem("LAYOUT", domain: "IMAGE_STRUCTURE") == "COG")
        #expect(ds.metadataItem("COMPRESSION", domain: "IMAGE_STRUCTURE") == "LZW")
        #expect(ds.geoTransform == (try Dataset.open(input)).geoTransform)
        let overviews = try ds.withBand(1) { $0.overviewCount }
        #expect(overviews == 2, "791x718 with 256 blocks: 395x359 and 197x179")
        #expect(Fixture.mismatches(try Fixture.read(cog)[0], try Fixture.read(plain)[0]).isEmpty,
                "full resolution as the GeoTIFF run")
        // The first overview is the 2x2 average (average) or one of the four pixels (nearest).
        let full = try Fixture.read(plain)[0]
        let avg = try overviewPixels(cog), nn = try overviewPixels(near)
        var averaged = 0, picked = 0
        for oy in 0..<20 { for ox in 0..<20 {
            let q = [full[(2 * oy) * 791 + 2 * ox], full[(2 * oy) * 791 + 2 * ox + 1],
                     full[(2 * oy + 1) * 791 + 2 * ox], full[(2 * oy + 1) * 791 + 2 * ox + 1]]
            if abs(avg[oy * 395 + ox] - q.reduce(0, +) / 4) <= 1 { averaged += 1 }
            if q.contains(nn[oy * 395 + ox]) { picked += 1 }
        } }
        #expect(averaged >= 390 && picked == 400, "average \(averaged)/400, nearest \(picked)/400")
        let bad = try CLI.run(["apply", input, dir.appendingPathComponent("x.tif").path, "--kernel", "box:3",
                               "--overviews", "average"])
        #expect(bad.status == 1 && bad.stderr.contains("needs -of COG"))
        let badOf = try CLI.run(["apply", input, dir.appendingPathComponent("x.tif").path, "--kernel", "box:3", "-of",
                                 "PNG"])
        #expect(badOf.status == 1 && badOf.stderr.contains("GTiff or COG"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path)
            .allSatisfy { !$0.contains("geokernel-tmp") })
    }

    /// A PACKBITS input (which the COG driver does not write) gives a DEFLATE COG with the GeoTIFF
    /// run's pixels, not a refusal of a `-co` the user never gave.
    @Test func packBitsInputBecomesADeflateCOG() throws {
        let input = Corpus.path("rasterio__rotated.tif")
        #expect(try Dataset.open(input).metadataItem("COMPRESSION", domain: "IMAGE_STRUCTURE") == "PACKBITS")
        let cog = dir.appendingPathComponent("pb-c.tif").path, plain = dir.appendingPathComponent("pb-p.tif").path
        for (out, extra) in [(cog, ["-of", "COG"]), (plain, [])] {
            let r = try CLI.run(["apply", input, out, "--kernel", "box:3", "-q"] + extra)
            #expect(r.status == 0, "\(r.stderr)")
        }
        let ds = try Dataset.open(cog)
        #expect(ds.metadataItem("LAYOUT", domain: "IMAGE_STRUCTURE") == "COG")
        #expect(ds.metadataItem("COMPRESSION", domain: "IMAGE_STRUCTURE") == "DEFLATE")
        // The intermediate GeoTIFF is uncompressed and written in place: the COG driver encodes once.
        let again = try CLI.run(["apply", input, cog, "--kernel", "box:3", "-of", "COG", "--overwrite", "--json"])
        let report = try again.report()
        #expect((report["block_writes"] as? String)?.hasPrefix("in_place") == true, "\(again.stdout)")
        #expect((report["creation_options"] as? [String])?.contains("COMPRESS=DEFLATE") == true, "\(again.stdout)")
        for b in 0..<ds.bandCount {
            #expect(Fixture.mismatches(try Fixture.read(cog)[b], try Fixture.read(plain)[b]).isEmpty, "band \(b + 1)")
        }
    }

    /// The first overview of band 1 (GDALGetOverview through a reopened dataset's RasterIO at half size).
    func overviewPixels(_ path: String) throws -> [Double] {
        // Reading the whole band into a half-size buffer makes GDAL use the first overview.
        let ds = try Dataset.open(path)
        return try ds.withBand(1) { band in
            var out = [Double](repeating: 0, count: 395 * 359)
            try out.withUnsafeMutableBytes { b in
                try band.read(Window(x: 0, y: 0, width: 790, height: 718), into: b,
                              layout: BufferLayout(dataType: .float64, width: 395, height: 359))
            }
            return out
        }
    }
}
