import Foundation
import GDALKit
import TestSupport
import Testing

/// Every refusal: one line on stderr, a non-zero exit code, no output and no temporary left.
@Suite(.serialized) struct BadInputTests {
    let folder = TemporaryFolder()
    var dir: URL { folder.url }
    var out: String { dir.appendingPathComponent("out.tif").path }

    func small(_ name: String = "in.tif", width: Int = 8, height: Int = 6,
               type: RasterDataType = .uint16) throws -> String {
        let p = dir.appendingPathComponent(name).path
        try Fixture.write(p, width: width, height: height, type: type,
                          bands: [Fixture.values(width: width, height: height, seed: 1, type: type)])
        return p
    }

    /// Runs apply, expects a refusal whose single line contains every `needle`.
    func refuses(_ args: [String], _ needles: [String], output: String? = nil, file: String = #filePath,
                 line: Int = #line) throws {
        let target = output ?? out
        let existedBefore = FileManager.default.fileExists(atPath: target)
        let r = try CLI.run(["apply"] + args)
        let loc = SourceLocation(fileID: #fileID, filePath: file, line: line, column: 1)
        #expect(r.status != 0, "exit code", sourceLocation: loc)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "one line: \(r.stderr)", sourceLocation: loc)
        for n in needles { #expect(r.stderr.contains(n), "'\(n)' in: \(r.stderr)", sourceLocation: loc) }
        if !existedBefore { #expect(!FileManager.default.fileExists(atPath: target), "no output", sourceLocation: loc) }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            .filter { $0.contains("geokernel-tmp") }
        #expect(leftovers.isEmpty, "temporaries: \(leftovers)", sourceLocation: loc)
    }

    @Test func missingAndUnreadableInputs() throws {
        try refuses([dir.appendingPathComponent("nope.tif").path, out, "--kernel", "sharpen"],
                    ["nope.tif", "No such file"])
        if Corpus.isAvailable {
            try refuses([Corpus.path("gdal__unknown_compression.tif"), out, "--kernel", "sharpen"], ["missing codec"])
            try refuses([Corpus.path("gdal__byte_truncated.tif"), out, "--kernel", "sharpen"],
                        ["gdal__byte_truncated.tif", "tile"])
        }
        let input = try small()
        try refuses([input, out, "--kernel", "sharpen", "--mask", dir.appendingPathComponent("nomask.tif").path],
                    ["nomask.tif"])
    }

    @Test func maskGridMismatchNamesBothSizes() throws {
        let input = try small()
        let mask = try small("mask.tif", width: 9, height: 6, type: .byte)
        try refuses([input, out, "--kernel", "sharpen", "--mask", mask], ["8x6", "9x6"])
    }

    @Test(.enabled(if: Corpus.isAvailable)) func complexAndPaletteBands() throws {
        try refuses([Corpus.path("gdal__cint16.tif"), out, "--kernel", "sharpen"], ["CInt16", "complex"])
        try refuses([Corpus.path("gdal__cfloat32.tif"), out, "--kernel", "sharpen"], ["CFloat32"])
        try refuses([Corpus.path("georust__test_color_table.tif"), out, "--kernel", "sharpen"],
                    ["palette", "class indices"])
    }

    @Test func int64IsRefusedWithTheReason() throws {
        let p = dir.appendingPathComponent("i64.tif").path
        try Fixture.write(p, width: 4, height: 4, type: .int64, bands: [Array(repeating: 5, count: 16)])
        try refuses([p, out, "--kernel", "sharpen"], ["Int64", "64-bit"])
    }

    @Test func kernelErrors() throws {
        let input = try small()
        try refuses([input, out, "--kernel", "1,2,3;4,x,6"], ["row 2", "column 2", "'x'"])
        try refuses([input, out, "--kernel", "blur"], ["unknown kernel preset 'blur'"])
        try refuses([input, out, "--kernel", "1,2,3;4,5"], ["row 2 has 2 values"])
        try refuses([input, out, "--kernel", " "], ["empty"])
        let kfile = dir.appendingPathComponent("k.txt").path
        try "# only a comment\n\n".write(toFile: kfile, atomically: true, encoding: .utf8)
        try refuses([input, out, "--kernel", kfile], ["empty"])
        try "1 2\n3 four\n".write(toFile: kfile, atomically: true, encoding: .utf8)
        try refuses([input, out, "--kernel", kfile], ["row 2", "column 2", "four"])
        try refuses([input, out, "--kernel", "box:1000"], ["1000x1000", "largest"])
        try refuses([input, out, "--kernel", "gaussian:abc"], ["gaussian"])
        try refuses([input, out, "--kernel", "missing/kernel.txt"], ["missing/kernel.txt", "no such file"])
    }

    @Test func outputSafety() throws {
        let input = try small()
        let before = try Data(contentsOf: URL(fileURLWithPath: input))
        try refuses([input, input, "--kernel", "sharpen", "--overwrite"], ["same file"], output: input)
        let viaDots = dir.appendingPathComponent("sub/../in.tif").path
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"),
                                                withIntermediateDirectories: true)
        try refuses([input, viaDots, "--kernel", "sharpen", "--overwrite"], ["same file"], output: input)
        let link = dir.appendingPathComponent("link.tif").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: input)
        try refuses([input, link, "--kernel", "sharpen", "--overwrite"], ["same file"], output: link)
        #expect(try Data(contentsOf: URL(fileURLWithPath: input)) == before, "the input is never written")

        try Data("keep me".utf8).write(to: URL(fileURLWithPath: out))
        try refuses([input, out, "--kernel", "sharpen"], ["already exists", "--overwrite"])
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "keep me")
        try FileManager.default.removeItem(atPath: out)

        try refuses([input, out, "--kernel", "sharpen", "-ot", "Float33"], ["unknown data type 'Float33'"])
        try refuses([input, out, "--kernel", "sharpen", "-ot", "CFloat32"], ["CFloat32"])
        try refuses([input, "/nonexistent-folder/out.tif", "--kernel", "sharpen"],
                    ["/nonexistent-folder", "no such folder"],
                    output: "/nonexistent-folder/out.tif")
        let ro = dir.appendingPathComponent("ro")
        try FileManager.default.createDirectory(at: ro, withIntermediateDirectories: true)
        chmod(ro.path, 0o555)
        defer { chmod(ro.path, 0o755) }
        if getuid() != 0 {   // root writes anywhere; the check is then GDAL's own
            try refuses([input, ro.appendingPathComponent("o.tif").path, "--kernel", "sharpen"], ["cannot write"],
                        output: ro.appendingPathComponent("o.tif").path)
        }
        // A folder even root cannot write in: sysfs, when it is mounted (not in a bare chroot).
        if FileManager.default.fileExists(atPath: "/sys/kernel") {
            try refuses([input, "/sys/geokernel-out.tif", "--kernel", "sharpen"],
                        ["/sys/geokernel-out.tif", "Permission denied"],
                        output: "/sys/geokernel-out.tif")
        }
        try refuses([input, out, "--kernel", "sharpen", "--bands", "2"], ["band 2 does not exist"])
        try refuses([input, out, "--kernel", "sharpen", "--bands", "1,a"], ["'a'"])
        try refuses([input, out, "--kernel", "sharpen", "--tile-size", "0"], ["--tile-size"])
        try refuses([input, out, "--kernel", "sharpen", "--threads", "100000"], ["--threads"])
        try refuses([input, out, "--kernel", "sharpen", "-co", "COMPRESS"], ["KEY=VALUE"])
        try refuses([input, out, "--kernel", "sharpen", "-co", "COMPRESS=NOPE"], ["COMPRESS"])
    }

    @Test func overwriteReplacesAndSucceeds() throws {
        let input = try small()
        try Data("old".utf8).write(to: URL(fileURLWithPath: out))
        let r = try CLI.run(["apply", input, out, "--kernel", "sharpen", "--overwrite", "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Dataset.open(out).width == 8)
    }
}

@Suite struct InfoCLITests {
    @Test(.enabled(if: Corpus.isAvailable)) func infoPrintsTheFacts() throws {
        let r = try CLI.run(["info", Corpus.path("rasterio__RGB.byte.tif")])
        #expect(r.status == 0)
        for n in ["791 x 718", "3 bands", "Byte", "block 791x3", "EPSG:32618", "nodata 0.0", "mask NODATA"] {
            #expect(r.stdout.contains(n), "\(n)")
        }
        let j = try CLI.run(["info", "--json", Corpus.path("rasterio__cogeo.tif")])
        let obj = try j.report()
        #expect(obj["width"] as? Int == 1024)
        let bands = obj["bands"] as! [[String: Any]]
        #expect(bands[0]["maskFlags"] as? String == "PER_DATASET")
        #expect(obj["epsg"] as? Int == 3857)
    }

    @Test(.enabled(if: Corpus.isAvailable)) func infoFailsWithGDALsMessage() throws {
        let r = try CLI.run(["info", Corpus.path("gdal__unknown_compression.tif")])
        #expect(r.status != 0)
        #expect(r.stderr.contains("missing codec"))
        #expect(r.stderr.split(separator: "\n").count == 1)
    }
}
