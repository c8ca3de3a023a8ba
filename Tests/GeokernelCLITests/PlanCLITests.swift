import Foundation
import GDALKit
import TestSupport
import Testing

/// `geokernel plan`: a dry run that agrees with the real run, writes nothing, and decides BigTIFF.
@Suite(.serialized) struct PlanCLITests {
    let folder = TemporaryFolder()
    var dir: URL { folder.url }

    func json(_ args: [String]) throws -> [String: Any] { try CLI.report(args) }

    @Test func planAgreesWithTheRunAndWritesNothing() throws {
        let w = 700, h = 500
        let input = dir.appendingPathComponent("in.tif").path, mask = dir.appendingPathComponent("m.tif").path
        try Fixture.write(input, width: w, height: h, type: .uint16,
                          bands: [Fixture.values(width: w, height: h, seed: 5, type: .uint16)],
                          options: ["TILED=YES"])
        let sel: [Double] = (0..<(w * h)).map { i in (i % w > 520 && i / w < 90) ? 1 : 0 }
        try Fixture.write(mask, width: w, height: h, type: .byte, bands: [sel], options: ["TILED=YES"])
        let before = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        let common = ["--mask", mask, "--kernel", "box:5", "--tile-size", "128"]
        let plan = try json(["plan", input, "--json"] + common)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == before, "plan writes nothing")
        let run = try json(["apply", input, dir.appendingPathComponent("o.tif").path, "--json"] + common)
        let tiles = run["tiles"] as! [String: Int]
        #expect(plan["tilesTotal"] as? Int == tiles["total"])
        #expect(plan["tilesVisited"] as? Int == tiles["convolved"])
        #expect(plan["tilesSkipped"] as? Int == tiles["skipped"])
        #expect(plan["pixelsSelected"] as? Int == run["pixels_selected"] as? Int)
        #expect(plan["bytesToWrite"] as? Int == w * h * 2)
        #expect((plan["memoryBound"] as! Int) < 512 << 20)
        // plan refuses the bounds apply refuses (it used to crash on --tile-size 0).
        for (args, needle) in [(["--tile-size", "0"], "--tile-size"), (["--threads", "0"], "--threads"),
                               (["-ot", "CInt16"], "CInt16")] {
            let bad = try CLI.run(["plan", input] + args)
            #expect(bad.status == 1 && bad.stderr.contains(needle) && bad.stderr.split(separator: "\n").count == 1,
                    "\(args): \(bad.stderr)")
        }
        // With -of COG, -co are the COG driver's (BLOCKSIZE is not a GeoTIFF option), as in apply.
        let cogPlan = try json(["plan", input, "--json", "-of", "COG", "-co", "BLOCKSIZE=512"])
        #expect((cogPlan["creationOptions"] as? [String])?.contains("BLOCKSIZE=512") == true)
        let text = try CLI.run(["plan", input] + common)
        #expect(text.stdout.contains("Tiles:") && text.stdout.contains("Memory:"))
        // How blocks would be written, as the run then reports it: a copied input through
        // GDAL, otherwise uncompressed blocks in place.
        #expect(plan["blockWrites"] as? String == "through GDAL, one writer")
        #expect(run["block_writes"] as? String == "gdal")
        let fresh = common + ["--no-input-copy"]
        #expect(try json(["plan", input, "--json"] + fresh)["blockWrites"] as? String
                == "in place, by 2 write threads, O_DIRECT (page cache when the file system refuses it)")
        #expect(try json(["apply", input, dir.appendingPathComponent("o2.tif").path,
                          "--json"] + fresh)["block_writes"] as? String == "in_place_direct")
        let deflate = try json(["plan", input, "--json", "-co", "COMPRESS=DEFLATE"] + common)
        #expect(deflate["blockWrites"] as? String == "through GDAL, one writer")
        let byte16 = try json(["plan", input, "--json", "-ot", "Byte", "-co", "BLOCKXSIZE=16", "-co",
                               "BLOCKYSIZE=16"] + fresh)
        #expect(byte16["blockWrites"] as? String == "in place, by 2 write threads, through the page cache")
    }

    @Test func bigTIFFIsChosenWhenTheOutputCouldPass4GiB() throws {
        let big = dir.appendingPathComponent("big.tif").path, small = dir.appendingPathComponent("small.tif").path
        // 70000 x 70000 Byte: 4.9 GB uncompressed, a few KiB on disk (sparse).
        // Georeferenced so that a small --bbox keeps the dry run to one chunk of reading.
        for (path, size) in [(big, 70_000), (small, 60_000)] {
            let ds = try Dataset.create(path, width: size, height: size, bandCount: 1, dataType: .byte,
                                        options: ["TILED=YES", "SPARSE_OK=TRUE", "BIGTIFF=YES"])
            try ds.setGeoTransform([0, 1, 0, 0, 0, -1])
            try ds.close()
        }
        #expect(try json(["plan", big, "--json", "--bbox", "0,-1,1,0"])["bigTIFF"] as? Bool == true)
        // Compressed output too (GDAL's IF_NEEDED would say no), and -co still overrides.
        #expect(try json(["plan", big, "--json", "-co", "COMPRESS=DEFLATE", "--bbox",
                          "0,-1,1,0"])["bigTIFF"] as? Bool == true)
        #expect(try json(["plan", big, "--json", "-co", "BIGTIFF=NO", "--bbox",
                          "0,-1,1,0"])["bigTIFF"] as? Bool == false)
        #expect(try json(["plan", small, "--json", "--bbox", "0,-1,1,0"])["bigTIFF"] as? Bool == false,
                "3.6 GB stays classic")
        #expect(try json(["plan", small, "--json", "-ot", "UInt16", "--bbox", "0,-1,1,0"])["bigTIFF"] as? Bool == true)
    }
}
