import Foundation
import GDALKit
import TestSupport
import Testing

/// The fault campaign of `--resume`: for each selection and output option, a run with it is
/// killed with SIGKILL after its first checkpoint; resuming with that one option changed is
/// refused (one line naming it, the partial output and its checkpoint untouched), and resuming
/// with the same command ends with exactly the pixels of a run never interrupted, in a file
/// libtiff reads back whole.
@Suite(.serialized) struct ResumeFaultTests {
    /// The rasters, kernel and vector files every case uses, in one folder.
    struct Scene {
        let dir: URL
        let input, kernel, mask, otherMask, polygons, otherPolygons, layers: String
        /// A box in the input's CRS, the same one in longitude/latitude, and a thin box over
        /// the first column of chunks (few enough selected chunks for the input to be copied).
        let box, otherBox, lonLatBox, thinBox: String

        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
    }

    static let size = 512
    /// One thread, 128-pixel chunks: 16 chunks, each slow enough (a 61×61 kernel that is not
    /// rank-1) that the run is still going when the test sees the first checkpoint.
    static func common(_ s: Scene) -> [String] { ["--kernel", s.kernel, "--threads", "1", "--tile-size", "128"] }

    static func scene() throws -> Scene {
        let dir = Fixture.folder()
        func p(_ n: String) -> String { dir.appendingPathComponent(n).path }
        let n = size
        try Fixture.write(p("in.tif"), width: n, height: n, type: .float32,
                          bands: [Fixture.values(width: n, height: n, seed: 5, type: .float32)],
                          options: ["TILED=YES", "BLOCKXSIZE=128", "BLOCKYSIZE=128"])
        let rows = (0..<61).map { i in
            (0..<61).map { j in "\((i * 7 + j * 3 + i * j) % 11 - 5)" }.joined(separator: " ")
        }
        try (rows.joined(separator: "\n") + "\n").write(toFile: p("k61.txt"), atomically: true, encoding: .utf8)
        let pixels = (0..<(n * n)).map { ($0 % n, $0 / n) }
        let stripes = pixels.map { Double(($0.0 / 40 + $0.1 / 56) % 2) }
        let rings = pixels.map { Double(($0.0 * $0.1 / 97) % 3 == 0 ? 1 : 0) }
        let maskOptions = ["TILED=YES", "BLOCKXSIZE=128", "BLOCKYSIZE=128", "COMPRESS=DEFLATE"]
        try Fixture.write(p("mask.tif"), width: n, height: n, type: .byte, bands: [stripes, rings],
                          options: maskOptions)
        try Fixture.write(p("mask2.tif"), width: n, height: n, type: .byte, bands: [rings, stripes],
                          options: maskOptions)
        // The raster spans x 300000…315360, y 4984640…5000000 (EPSG:32633, 30 m pixels).
        func feature(_ keep: Int, _ ring: [(Double, Double)]) -> String {
            let coords = (ring + [ring[0]]).map { "[\($0.0),\($0.1)]" }.joined(separator: ",")
            return #"{"type":"Feature","properties":{"keep":\#(keep)},"#
                + #""geometry":{"type":"Polygon","coordinates":[[\#(coords)]]}}"#
        }
        func collection(_ features: [String]) -> String {
            #"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:32633"}},"features":["#
                + features.joined(separator: ",") + "]}"
        }
        let a = feature(1, [(302000, 4987000), (309000, 4987000), (309000, 4996000), (302000, 4996000)])
        let b = feature(0, [(310000, 4986000), (315000, 4986000), (312000, 4999000)])
        let c = feature(1, [(301000, 4990000), (314000, 4990000), (314000, 4993000)])
        try collection([a, b]).write(toFile: p("areas.geojson"), atomically: true, encoding: .utf8)
        try collection([c]).write(toFile: p("other.geojson"), atomically: true, encoding: .utf8)
        try collection([a]).write(toFile: p("a.geojson"), atomically: true, encoding: .utf8)
        try collection([b, c]).write(toFile: p("b.geojson"), atomically: true, encoding: .utf8)
        try """
        <OGRVRTDataSource>
          <OGRVRTLayer name="a"><SrcDataSource relativeToVRT="1">a.geojson</SrcDataSource></OGRVRTLayer>
          <OGRVRTLayer name="b"><SrcDataSource relativeToVRT="1">b.geojson</SrcDataSource></OGRVRTLayer>
        </OGRVRTDataSource>
        """.write(toFile: p("layers.vrt"), atomically: true, encoding: .utf8)
        var xs = [303000.0, 311000], ys = [4987000.0, 4997000]
        _ = try CoordinateTransform(from: "EPSG:32633", to: "EPSG:4326").transform(x: &xs, y: &ys)
        return Scene(dir: dir, input: p("in.tif"), kernel: p("k61.txt"), mask: p("mask.tif"), otherMask: p("mask2.tif"),
                     polygons: p("areas.geojson"), otherPolygons: p("other.geojson"), layers: p("layers.vrt"),
                     box: "303000,4987000,311000,4997000", otherBox: "304000,4987000,311000,4997000",
                     lonLatBox: "\(xs.min()!),\(ys.min()!),\(xs.max()!),\(ys.max()!)",
                     // Two of the four chunk columns: the input is still copied (half of the chunks), and
                     // eight slow chunks leave the test time to see a checkpoint on a loaded machine.
                     thinBox: "300000,4984640,307000,5000000")
    }

    /// The options of one case: the command's, the same command with that one option changed,
    /// and what the refusal must name.
    static func arguments(_ option: String, _ s: Scene) -> (same: [String], changed: [String]) {
        switch option {
        case "--where": return (["--where", "b1 > 30000"], ["--where", "b1 < 30000"])
        case "--mask": return (["--mask", s.mask], ["--mask", s.otherMask])
        case "--mask-band": return (["--mask", s.mask, "--mask-band", "2"], ["--mask", s.mask])
        case "--mask-warp": return (["--mask", s.mask, "--mask-warp"], ["--mask", s.mask])
        case "--invert-mask": return (["--mask", s.mask, "--invert-mask"], ["--mask", s.mask])
        case "--bbox": return (["--bbox", s.box], ["--bbox", s.otherBox])
        case "--bbox-crs":
            return (["--bbox", s.lonLatBox, "--bbox-crs", "EPSG:4326"],
                    ["--bbox", s.lonLatBox, "--bbox-crs", "EPSG:4258"])
        case "--polygons": return (["--polygons", s.polygons], ["--polygons", s.otherPolygons])
        case "--layer": return (["--polygons", s.layers, "--layer", "a"], ["--polygons", s.layers, "--layer", "b"])
        case "--sql-where":
            return (["--polygons", s.polygons, "--sql-where", "keep = 1"],
                    ["--polygons", s.polygons, "--sql-where", "keep = 0"])
        case "--all-touched": return (["--polygons", s.polygons, "--all-touched"], ["--polygons", s.polygons])
        case "-of": return (["-of", "COG"], ["-of", "GTiff"])
        case "--overviews": return (["-of", "COG", "--overviews", "nearest"], ["-of", "COG"])
        case "-co": return (["-co", "COMPRESS=DEFLATE"], ["-co", "COMPRESS=LZW"])
        case "-ot": return (["-ot", "Float64"], ["-ot", "Int32"])
        case "--edge": return (["--edge", "nearest"], ["--edge", "wrap"])
        case "--cval": return (["--edge", "constant", "--cval", "7"], ["--edge", "constant", "--cval", "-7"])
        case "--nodata-policy": return (["--nodata-policy", "ignore"], [])
        case "--no-input-copy": return (["--bbox", s.thinBox], ["--bbox", s.thinBox, "--no-input-copy"])
        default: Issue.record("no case for \(option)"); return ([], [])
        }
    }

    static func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    @Test(arguments: ["--where", "--mask", "--mask-band", "--mask-warp", "--invert-mask", "--bbox", "--bbox-crs",
                      "--polygons", "--layer", "--sql-where", "--all-touched", "-of", "--overviews", "-co", "-ot",
                      "--edge", "--cval", "--nodata-policy", "--no-input-copy"])
    func killedRunResumesOnlyWithTheSameCommand(_ option: String) throws {
        let s = try Self.scene()
        defer { try? FileManager.default.removeItem(at: s.dir) }
        let (same, changed) = Self.arguments(option, s)
        let out = s.path("out.tif"), partial = out + ".geokernel-partial.tif", checkpoint = partial + ".json"
        _ = try ResumeTests.startAndKill(["apply", s.input, out] + Self.common(s) + same, out: out, signal: SIGKILL)
        let fm = FileManager.default
        try #require(fm.fileExists(atPath: partial) && fm.fileExists(atPath: checkpoint),
                     "the killed run left its partial output and checkpoint")
        #expect(!FileManager.default.fileExists(atPath: out))
        let kept = (Self.bytes(partial), Self.bytes(checkpoint))
        // `plan` builds the same fingerprint as the run it describes.
        let plan = try CLI.run(["plan", s.input, "--json"] + Self.common(s) + same)
        let planned = try plan.report()
        let saved = try JSONSerialization.jsonObject(with: kept.1 ?? Data()) as? [String: Any] ?? [:]
        #expect(planned["fingerprintDigest"] as? String == saved["digest"] as? String && saved["digest"] != nil,
                "plan's fingerprint is the checkpoint's: \(plan.stderr)")

        // (b) That one option changed: refused, nothing written.
        let refused = try CLI.run(["apply", s.input, out, "--resume", "-q"] + Self.common(s) + changed)
        #expect(refused.status == 1, "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("cannot resume \(out): its checkpoint was made with"), "\(refused.stderr)")
        #expect(refused.stderr.contains(option), "the refusal names \(option): \(refused.stderr)")
        #expect(Self.bytes(partial) == kept.0 && Self.bytes(checkpoint) == kept.1, "partial and checkpoint untouched")
        #expect(!FileManager.default.fileExists(atPath: out))

        // (a) The same command: continues, and ends with the uninterrupted run's pixels.
        let resumed = try CLI.run(["apply", s.input, out, "--resume", "--json"] + Self.common(s) + same)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let report = try resumed.report()
        let done = report["chunks_resumed"] as? Int ?? 0, chunks = report["chunks"] as? Int ?? 0
        #expect(done > 0 && done < chunks, "resumed \(done) of \(chunks) chunks")
        #expect(!FileManager.default.fileExists(atPath: partial) && !FileManager.default.fileExists(atPath: checkpoint))
        let reference = s.path("reference.tif")
        let r = try CLI.run(["apply", s.input, reference, "-q"] + Self.common(s) + same)
        #expect(r.status == 0, "\(r.stderr)")
        let got = try Fixture.read(out), want = try Fixture.read(reference)
        #expect(got.count == want.count)
        for (g, w) in zip(got, want) {
            #expect(Fixture.mismatches(g, w).isEmpty, "\(option): \(Fixture.mismatches(g, w))")
        }
        #expect(try LibTIFF.problems(readingWhole: out) == nil)
    }

    /// A file the run reads that changed since the checkpoint (the input, the mask, the kernel
    /// file, the polygons) is named, with what it was and what it is.
    @Test(arguments: ["in.tif", "mask.tif", "k61.txt", "areas.geojson"])
    func aChangedFileIsRefused(_ name: String) throws {
        let s = try Self.scene()
        defer { try? FileManager.default.removeItem(at: s.dir) }
        let out = s.path("out.tif"), partial = out + ".geokernel-partial.tif"
        let args = ["apply", s.input, out] + Self.common(s) + ["--mask", s.mask, "--polygons", s.polygons]
        _ = try ResumeTests.startAndKill(args, out: out, signal: SIGKILL)
        try #require(FileManager.default.fileExists(atPath: partial))
        let kept = Self.bytes(partial)
        var t = [timespec(tv_sec: 1_000_000_000, tv_nsec: 5), timespec(tv_sec: 1_000_000_000, tv_nsec: 5)]
        #expect(utimensat(AT_FDCWD, s.path(name), &t, 0) == 0)
        let r = try CLI.run(args + ["--resume", "-q"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("cannot resume") && r.stderr.contains(name)
                && r.stderr.contains("changed since its checkpoint"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(Self.bytes(partial) == kept)
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
