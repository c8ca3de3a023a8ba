import Foundation
import GDALKit
import RasterKernels
import RasterTiling
import TestSupport
import Testing

/// `--method`, `--footprint`, `--grow-mask`, `--shrink-mask` through the real binary: bad specs
/// are one-line refusals, corpus files filter as the reference says, and plan and the report
/// name the method and footprint.
@Suite(.serialized) struct MethodCLITests {
    let folder = TemporaryFolder()
    var dir: URL { folder.url }
    var out: String { dir.appendingPathComponent("out.tif").path }

    func small(type: RasterDataType = .uint16) throws -> String {
        let p = dir.appendingPathComponent("in-\(type.name).tif").path
        try Fixture.write(p, width: 9, height: 7, type: type,
                          bands: [Fixture.values(width: 9, height: 7, seed: 2, type: type)])
        return p
    }

    func refuses(_ args: [String], _ needle: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let r = try CLI.run(["apply"] + args)
        #expect(r.status == 1, "exit code \(r.status): \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.split(separator: "\n").count == 1, "one line: \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains(needle), "'\(needle)' in: \(r.stderr)", sourceLocation: sourceLocation)
        #expect(!FileManager.default.fileExists(atPath: out), sourceLocation: sourceLocation)
    }

    @Test func badSpecsAreOneLineRefusals() throws {
        let input = try small()
        try refuses([input, out, "--method", "median", "--footprint", "disk:-1"], "'-1' is not a disk radius")
        try refuses([input, out, "--method", "percentile:101", "--footprint", "square:3"], "'101' is not a percentile")
        try refuses([input, out, "--method", "median", "--footprint", "0,0;0,0"], "no non-zero entry")
        try refuses([input, out, "--method", "median"], "needs --footprint")
        try refuses([input, out, "--method", "median", "--footprint", "square:3", "--kernel", "sharpen"],
                    "--kernel goes with --method convolve")
        try refuses([input, out, "--kernel", "sharpen", "--footprint", "square:3"],
                    "--footprint goes with a footprint method")
        try refuses([input, out, "--method", "bogus", "--footprint", "square:3"], "unknown method 'bogus'")
        try refuses([input, out, "--method", "median", "--footprint", "square:3", "--grow-mask", "2", "--shrink-mask",
                     "1"],
                    "cannot be combined")
        try refuses([input, out, "--method", "median", "--footprint", "square:3", "--grow-mask", "999"],
                    "--grow-mask must be")
        try refuses([try small(type: .float32), out, "--method", "mode", "--footprint", "square:3"],
                    "needs an integer band")
        try refuses([input, out], "needs --kernel")
    }

    /// A median over a real Int16 DEM with nodata, and a mode over real Byte imagery, equal the
    /// reference on the file's own pixels.
    @Test(.enabled(if: Corpus.isAvailable), arguments: [
        ("gdalraster__storml_elev.tif", "median", "disk:2"), ("gdal__byte.tif", "mode", "square:3"),
        ("gdalraster__sr_b4_20200829.tif", "percentile:75", "rect:5x3"),
    ])
    func corpusFilesEqualTheReference(_ file: String, _ methodName: String, _ spec: String) throws {
        let input = Corpus.path(file)
        let r = try CLI.run(["apply", input, out, "--method", methodName, "--footprint", spec, "--tile-size", "32",
                             "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        let ds = try Dataset.open(input)
        let (w, h) = (ds.width, ds.height)
        let (image, noData): ([Double], Double?) = try ds.withBand(1) { b in
            (try b.read(Window(x: 0, y: 0, width: w, height: h), as: Double.self), b.noDataValue)
        }
        let valid = noData.map { nd in image.map { $0 != nd } }
        let method = try FilterMethod(parsing: methodName)
        let expected = ReferenceNeighbourhood.apply(image: image, width: w, height: h, method: method,
                                                    footprint: try Footprint(parsing: spec), edge: .reflect,
                                                    valid: valid)
        let got = try Fixture.read(out)[0]
        #expect(Fixture.mismatches(got, expected).isEmpty, "\(Fixture.mismatches(got, expected))")
        #expect(got != image, "the filter changed something")
    }

    /// A palette band holds class indices: `mode` (the majority filter of a land-cover map) takes
    /// it and keeps its colour table; a method that orders or averages the indices is refused.
    @Test(.enabled(if: Corpus.isAvailable)) func modeFiltersAPaletteBand() throws {
        let input = Corpus.path("georust__test_color_table.tif")
        let r = try CLI.run(["apply", input, out, "--method", "mode", "--footprint", "square:3", "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        let ds = try Dataset.open(input)
        let (w, h) = (ds.width, ds.height)
        let image = try ds.withBand(1) { try $0.read(Window(x: 0, y: 0, width: w, height: h), as: Double.self) }
        let expected = ReferenceNeighbourhood.apply(image: image, width: w, height: h, method: .mode,
                                                    footprint: try Footprint(parsing: "square:3"), edge: .reflect,
                                                    valid: nil)
        let got = try Fixture.read(out)[0]
        #expect(Fixture.mismatches(got, expected).isEmpty, "\(Fixture.mismatches(got, expected))")
        #expect(try Dataset.open(out).withBand(1) { $0.hasColorTable }, "the colour table is kept")
        for method in [["--method", "median", "--footprint", "square:3"], ["--kernel", "box:3"]] {
            let refused = try CLI.run(["apply", input, out, "--overwrite"] + method)
            #expect(refused.status == 1 && refused.stderr.contains("palette (colour table) band")
                    && refused.stderr.contains("--method mode"), "\(method): \(refused.stderr)")
        }
    }

    @Test func planAndReportNameTheMethod() throws {
        let input = try small()
        let plan = try CLI.run(["plan", input, "--method", "lee:4", "--footprint", "rect:7x5", "--grow-mask", "2"])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("Operation: lee:4, footprint rect:7x5 (7x5, 35 pixels); halo 3,2,3,2"),
                "\(plan.stdout)")
        let r = try CLI.run(["apply", input, out, "--method", "median", "--footprint", "disk:1", "--shrink-mask", "1",
                             "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try r.report()
        #expect(json["method"] as? String == "median")
        #expect((json["footprint"] as? [String: Any])?["pixels"] as? Int == 5)
        #expect((json["mask_sources"] as? [String])?.contains("shrunk by 1") == true)
        #expect(json["kernel"] is NSNull)
    }
}
