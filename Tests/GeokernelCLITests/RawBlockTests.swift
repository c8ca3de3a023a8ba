import Foundation
import GDALKit
import TestSupport
import Testing

/// A DEFLATE input whose layout the output keeps: blocks without a selected pixel are the
/// input's encoded bytes, the others are encoded by the workers (`pass_through: raw_blocks`).
/// The pixels are those of the run that decodes and encodes every block through GDAL
/// (`--no-input-copy`), libtiff reads the file whole, and it is no larger than a fresh write.
@Suite(.serialized) struct RawBlockTests {
    /// 330×250 with blocks of 64: edge blocks on the right and bottom.
    static let width = 330, height = 250, block = 64

    /// One layout the raw path takes: pixel type, bands, interleave and predictor.
    struct Layout: CustomStringConvertible, Sendable {
        var type: RasterDataType, bands: Int, interleave: String, predictor: Int
        var description: String { "\(type.name) ×\(bands) \(interleave) predictor \(predictor)" }
        var options: [String] {
            ["TILED=YES", "BLOCKXSIZE=\(RawBlockTests.block)", "BLOCKYSIZE=\(RawBlockTests.block)", "COMPRESS=DEFLATE",
             "PREDICTOR=\(predictor)"] + (bands > 1 ? ["INTERLEAVE=\(interleave)"] : [])
        }
    }

    static let layouts: [Layout] = [
        Layout(type: .uint16, bands: 1, interleave: "BAND", predictor: 2),
        Layout(type: .uint16, bands: 1, interleave: "BAND", predictor: 1),
        Layout(type: .byte, bands: 3, interleave: "PIXEL", predictor: 2),
        Layout(type: .uint16, bands: 3, interleave: "BAND", predictor: 2),
        Layout(type: .float32, bands: 1, interleave: "BAND", predictor: 1),
        Layout(type: .float32, bands: 2, interleave: "PIXEL", predictor: 2),
        Layout(type: .float64, bands: 1, interleave: "BAND", predictor: 2),
        Layout(type: .int16, bands: 1, interleave: "BAND", predictor: 2),
    ]

    /// A sparse mask (two blobs, one on the bottom-right edge block) and a dense one (every block).
    static func masks(_ dir: URL) throws -> (sparse: String, dense: String) {
        let (w, h) = (width, height)
        let sparse = dir.appendingPathComponent("sparse.tif").path, dense = dir.appendingPathComponent("dense.tif").path
        var s = [Double](repeating: 0, count: w * h), d = s
        for y in 0..<h {
            for x in 0..<w {
                let blob = (x - 90) * (x - 90) + (y - 40) * (y - 40) < 15 * 15 || (x >= 300 && y >= 200)
                s[y * w + x] = blob ? 1 : 0
                d[y * w + x] = (x + y) % 5 == 0 ? 1 : 0
            }
        }
        let tiled = ["TILED=YES", "BLOCKXSIZE=64", "BLOCKYSIZE=64", "COMPRESS=DEFLATE"]
        try Fixture.write(sparse, width: w, height: h, type: .byte, bands: [s], options: tiled)
        try Fixture.write(dense, width: w, height: h, type: .byte, bands: [d], options: tiled)
        return (sparse, dense)
    }

    static func input(_ dir: URL, _ layout: Layout, options: [String]? = nil) throws -> String {
        let path = dir.appendingPathComponent("in-\(UUID().uuidString).tif").path
        let bands = (0..<layout.bands).map {
            Fixture.values(width: width, height: height, seed: UInt64(20 + $0), type: layout.type)
        }
        try Fixture.write(path, width: width, height: height, type: layout.type, bands: bands,
                          options: options ?? layout.options)
        return path
    }

    /// The encoded bytes of every stored block, in the TIFF's order.
    static func encodedBlocks(_ path: String) throws -> [[UInt8]] {
        let ds = try Dataset.open(path)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let planes = ds.metadataItem("INTERLEAVE", domain: "IMAGE_STRUCTURE") == "BAND" ? ds.bandCount : 1
        var blocks: [[UInt8]] = []
        for p in 1...planes {
            try ds.withBand(p) { band in
                let (across, down) = band.blockCount
                for by in 0..<down {
                    for bx in 0..<across {
                        let stored = band.storedBlock(x: bx, y: by)
                        let s = try #require(stored)
                        blocks.append([UInt8](data[s.offset..<(s.offset + s.size)]))
                    }
                }
            }
        }
        return blocks
    }

    @Test(arguments: layouts)
    func rawBlocksEqualTheRewritingPath(_ layout: Layout) throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (sparse, dense) = try RawBlockTests.masks(dir)
        let input = try RawBlockTests.input(dir, layout)
        for (name, mask) in [("sparse", sparse), ("dense", dense)] {
            let out = dir.appendingPathComponent("out-\(name).tif").path
            let ref = dir.appendingPathComponent("ref-\(name).tif").path
            let common = ["--kernel", "gaussian:1.5", "--mask", mask, "--tile-size", "64", "--json"]
            let r = try CLI.run(["apply", input, out] + common)
            #expect(r.status == 0, "\(layout) \(name): \(r.stderr)")
            let report = try r.report()
            #expect(report["pass_through"] as? String == "raw_blocks",
                    "\(layout) \(name): \(report["pass_through_detail"] ?? "")")
            #expect(report["block_writes"] as? String == "appended", "\(layout) \(name)")
            let r2 = try CLI.run(["apply", input, ref, "--no-input-copy"] + common)
            #expect(r2.status == 0, "\(r2.stderr)")
            #expect(try r2.report()["block_writes"] as? String == "gdal")
            let got = try Fixture.read(out), expected = try Fixture.read(ref)
            for b in got.indices {
                #expect(Fixture.mismatches(got[b], expected[b]).isEmpty, "\(layout) \(name) band \(b + 1)")
            }
            #expect(report["checksums"] as? [Int] == (try r2.report()["checksums"] as? [Int]))
            #expect(try LibTIFF.problems(readingWhole: out) == nil, "\(layout) \(name)")
            // As compact as a fresh write of the same pixels.
            let fresh = dir.appendingPathComponent("\(name)-fresh.tif").path
            let copy = try Dataset.open(out).createCopy(to: fresh, options: layout.options)
            try copy.close()
            let size = try FileManager.default.attributesOfItem(atPath: out)[.size] as! Int
            let freshSize = try FileManager.default.attributesOfItem(atPath: fresh)[.size] as! Int
            #expect(Double(size) <= 1.02 * Double(freshSize), "\(layout) \(name): \(size) vs \(freshSize) bytes")
            let src = try Dataset.open(input), dst = try Dataset.open(out)
            #expect(dst.geoTransform == src.geoTransform)
            #expect(dst.metadata(domain: "IMAGE_STRUCTURE").map { "\($0)" }.sorted()
                    == src.metadata(domain: "IMAGE_STRUCTURE").map { "\($0)" }.sorted())
        }
    }

    /// Blocks without a selected pixel keep the input's encoded bytes; with the sparse mask
    /// only the blocks the blobs reach are encoded again.
    @Test func unselectedBlocksAreTheInputsBytes() throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (sparse, _) = try RawBlockTests.masks(dir)
        let layout = RawBlockTests.layouts[3]   // three UInt16 bands, each its own plane
        let input = try RawBlockTests.input(dir, layout)
        let out = dir.appendingPathComponent("out.tif").path
        let r = try CLI.run(["apply", input, out, "--kernel", "gaussian:1.5", "--mask", sparse, "--tile-size", "64",
                             "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let touched: Set<Int> = [1, 3 * 6 + 4, 3 * 6 + 5]   // (1,0), (4,3) and the corner block (5,3); 6 across
        #expect(try r.report()["blocks_written"] as? Int == touched.count * 3)
        let a = try RawBlockTests.encodedBlocks(input), c = try RawBlockTests.encodedBlocks(out)
        #expect(a.count == 24 * 3 && c.count == a.count)
        for i in a.indices {
            let same = a[i] == c[i]
            #expect(same != touched.contains(i % 24),
                    "block \(i % 24) of band \(i / 24 + 1): the input's bytes unless selected")
        }
    }

    /// A COG input, and a GeoTIFF with internal overviews, take the raw path too: it reads the
    /// full-resolution blocks where GDAL says they are (a COG's are after its overviews) into a
    /// new file, so overviews and layout matter only to the whole-file copy.
    @Test func inputsWithOverviewsTakeTheRawPath() throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (sparse, dense) = try RawBlockTests.masks(dir)
        let plain = try RawBlockTests.input(dir, RawBlockTests.layouts[0])
        let cog = dir.appendingPathComponent("cog.tif").path
        try Dataset.open(plain).createCopy(to: cog, driver: "COG",
                                           options: ["BLOCKSIZE=64", "COMPRESS=DEFLATE", "PREDICTOR=YES"]).close()
        let withOverviews = try RawBlockTests.input(dir, RawBlockTests.layouts[0])
        let addo = Process()
        addo.executableURL = URL(fileURLWithPath: "/usr/bin/gdaladdo")
        addo.arguments = ["-q", "-r", "average", withOverviews, "2", "4"]
        try addo.run()
        addo.waitUntilExit()
        #expect(addo.terminationStatus == 0, "gdaladdo")
        for input in [cog, withOverviews] {
            let ds = try Dataset.open(input)
            #expect(try ds.withBand(1) { $0.overviewCount } > 0, "\(input) has overviews")
            #expect((ds.metadataItem("LAYOUT", domain: "IMAGE_STRUCTURE") == "COG") == (input == cog))
            for mask in [sparse, dense] {
                let out = dir.appendingPathComponent("\(UUID().uuidString).tif").path
                let ref = dir.appendingPathComponent("\(UUID().uuidString).tif").path
                let common = ["--kernel", "gaussian:1.5", "--mask", mask, "--tile-size", "64"]
                let r = try CLI.run(["apply", input, out, "--json"] + common)
                #expect(r.status == 0, "\(input): \(r.stderr)")
                let report = try r.report()
                #expect(report["pass_through"] as? String == "raw_blocks",
                        "\(input): \(report["pass_through_detail"] ?? "")")
                #expect(try CLI.run(["apply", input, ref, "-q", "--no-input-copy"] + common).status == 0)
                #expect(Fixture.mismatches(try Fixture.read(out)[0], try Fixture.read(ref)[0]).isEmpty, "\(input)")
                #expect(try LibTIFF.problems(readingWhole: out) == nil, "\(input)")
                #expect(try Dataset.open(out).withBand(1) { $0.overviewCount } == 0, "as the rewriting path")
            }
        }
    }

    /// Layouts the workers do not encode, or runs that must checkpoint, take today's paths and
    /// say why; the pixels are the same.
    @Test func otherLayoutsFallBack() throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (sparse, dense) = try RawBlockTests.masks(dir)
        let base = RawBlockTests.layouts[0]
        let tiled = ["TILED=YES", "BLOCKXSIZE=64", "BLOCKYSIZE=64"]
        let copied = "input file copied, selected blocks rewritten"
        let everyBlock = "every block rewritten (the selection reaches about 100 % of the chunks)"
        let cases: [(options: [String], extra: [String], passThrough: String, detail: String)] = [
            (tiled + ["COMPRESS=LZW"], ["--mask", sparse], "input_copied", copied),
            (tiled + ["COMPRESS=LZW"], ["--mask", dense], "rewritten", everyBlock),
            (tiled + ["COMPRESS=ZSTD", "PREDICTOR=2"], ["--mask", dense], "rewritten", everyBlock),
            (tiled + ["COMPRESS=DEFLATE", "ENDIANNESS=BIG"], ["--mask", dense], "rewritten", everyBlock),
            (base.options, ["--mask", sparse, "--resume"], "input_copied", copied),
            (base.options, ["--mask", dense, "--resume"], "rewritten", everyBlock),
            (base.options, ["--mask", sparse, "-co", "ZLEVEL=9"], "rewritten", "every block rewritten (-co was given)"),
        ]
        for c in cases {
            let input = try RawBlockTests.input(dir, base, options: c.options)
            let out = dir.appendingPathComponent("\(UUID().uuidString).tif").path
            let ref = dir.appendingPathComponent("\(UUID().uuidString).tif").path
            let common = ["--kernel", "box:3", "--tile-size", "64"]
            let r = try CLI.run(["apply", input, out, "--json"] + common + c.extra)
            #expect(r.status == 0, "\(c.options) \(c.extra): \(r.stderr)")
            let report = try r.report()
            #expect(report["pass_through"] as? String == c.passThrough, "\(c.options) \(c.extra)")
            #expect(report["pass_through_detail"] as? String == c.detail, "\(c.options) \(c.extra)")
            let mask = c.extra[1]
            #expect(try CLI.run(["apply", input, ref, "-q", "--no-input-copy", "--mask", mask] + common).status == 0)
            #expect(Fixture.mismatches(try Fixture.read(out)[0], try Fixture.read(ref)[0]).isEmpty,
                    "\(c.options) \(c.extra)")
        }
        // plan says how blocks will be written, and why not raw when they are not.
        let input = try RawBlockTests.input(dir, base)
        let plan = try CLI.run(["plan", input, "--kernel", "box:3", "--mask", dense])
        let words = "Pass-through: unselected blocks copied encoded, selected blocks encoded by the workers"
        #expect(plan.stdout.contains(words),
                "\(plan.stdout)")
        #expect(plan.stdout.contains("appended by the workers"), "\(plan.stdout)")
    }
}
