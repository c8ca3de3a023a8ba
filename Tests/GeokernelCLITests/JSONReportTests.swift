import Foundation
import GDALKit
import TestSupport
import Testing
import RasterTiling

/// `--json`: one object on stdout, checked against the file actually written; on failure the
/// object says so with the same exit code the process returns.
@Suite(.serialized) struct JSONReportTests {
    let folder = TemporaryFolder()
    var dir: URL { folder.url }

    @Test func reportMatchesTheFileWritten() throws {
        let w = 300, h = 200
        let input = dir.appendingPathComponent("in.tif").path, mask = dir.appendingPathComponent("m.tif").path
        let out = dir.appendingPathComponent("out.tif").path
        try Fixture.write(input, width: w, height: h, type: .uint16,
                          bands: [Fixture.values(width: w, height: h, seed: 9, type: .uint16),
                                  Fixture.values(width: w, height: h, seed: 10, type: .uint16)],
                          options: ["TILED=YES", "BLOCKXSIZE=64", "BLOCKYSIZE=64"])
        try Fixture.write(mask, width: w, height: h, type: .byte, bands: [(0..<(w * h)).map { $0 % w < 100 ? 1 : 0 }])
        let r = try CLI.run(["apply", input, out, "--kernel", "gaussian:1", "--mask", mask, "--json", "-ot", "Float32"])
        #expect(r.status == 0, "\(r.stderr)")
        let j = try r.report()
        #expect(j["ok"] as? Bool == true && j["exit_code"] as? Int == 0)
        let ds = try Dataset.open(out)
        let rect = Window(x: 0, y: 0, width: w, height: h)
        let sums = try (1...2).map { b in try ds.withBand(b) { try $0.checksum(rect) } }
        #expect(j["checksums"] as? [Int] == sums)
        #expect(j["width"] as? Int == ds.width && j["height"] as? Int == ds.height)
        #expect(j["bands"] as? Int == ds.bandCount)
        #expect(j["output_type"] as? String == (try ds.withBand(1) { $0.dataTypeName }))
        let size = try FileManager.default.attributesOfItem(atPath: out)[.size] as! Int
        #expect(j["bytes_written"] as? Int == size)
        #expect((j["bytes_read"] as! Int) >= w * h * 2 * 2)
        #expect(j["pixels_selected"] as? Int == 100 * h)
        #expect(j["input_types"] as? [String] == ["UInt16", "UInt16"])
        // Changed pixels, counted independently: output differs from input.
        let before = try Fixture.read(input), after = try Fixture.read(out)
        let changed = (0..<2).reduce(0) { n, b in n + zip(before[b], after[b]).filter { $0 != $1 }.count }
        #expect(j["pixels_changed"] as? Int == changed)
        #expect(changed > 0 && changed <= 2 * 100 * h)
        let kernel = j["kernel"] as! [String: Any]
        #expect(kernel["width"] as? Int == 7 && kernel["separable"] as? Bool == true)
        let tiles = j["tiles"] as! [String: Int]
        #expect(tiles["total"]! == tiles["convolved"]! + tiles["skipped"]!)
        let stages = j["seconds_per_stage"] as! [String: Double]
        #expect(stages.keys.sorted() == ["compute", "read", "write"])
        #expect((j["peak_memory_bytes"] as! Int) > 1 << 20)
        #expect((j["mask_sources"] as! [String]).first?.contains("m.tif") == true)
    }

    @Test func failureReportAgreesWithTheExitCode() throws {
        let r = try CLI.run(["apply", dir.appendingPathComponent("missing.tif").path,
                             dir.appendingPathComponent("o.tif").path,
                             "--kernel", "sharpen", "--json"])
        #expect(r.status == 1)
        let j = try r.report()
        #expect(j["ok"] as? Bool == false && j["exit_code"] as? Int == Int(r.status))
        #expect((j["error"] as? String)?.contains("missing.tif") == true)
    }
}
