import Foundation
import GDALKit
import RasterKernels
import RasterTiling
import TestSupport
import Testing

/// A sparse selection on a GeoTIFF whose layout the output keeps: the output starts as a
/// copy of the input, only blocks with selected pixels are written, and the result is the
/// reference's, pixel for pixel, with the untouched blocks' encoded bytes unchanged.
@Suite(.serialized) struct InputCopyTests {
    static let width = 320, height = 256, block = 64

    /// Two UInt16 bands tiled 64 with `options`, and a Byte mask selecting two blobs that
    /// touch 4 of the 20 blocks.
    static func fixture(_ dir: URL, options: [String]) throws -> (input: String, mask: String, selected: [Bool]) {
        let input = dir.appendingPathComponent("in.tif").path, mask = dir.appendingPathComponent("mask.tif").path
        let (w, h) = (width, height)
        let tiled = ["TILED=YES", "BLOCKXSIZE=\(block)", "BLOCKYSIZE=\(block)"]
        try Fixture.write(input, width: w, height: h, type: .uint16,
                          bands: [Fixture.values(width: w, height: h, seed: 11, type: .uint16),
                                  Fixture.values(width: w, height: h, seed: 12, type: .uint16)],
                          options: tiled + options)
        var selected = [Bool](repeating: false, count: w * h)
        for y in 0..<h {
            for x in 0..<w {
                let a = (x - 90) * (x - 90) + (y - 40) * (y - 40) < 15 * 15      // blocks (1,0)
                let b = x >= 250 && x < 300 && y >= 150 && y < 200              // blocks (3,2), (4,2), (3,3), (4,3)
                selected[y * w + x] = a || b
            }
        }
        try Fixture.write(mask, width: w, height: h, type: .byte, bands: [selected.map { $0 ? 1 : 0 }],
                          options: tiled + ["COMPRESS=DEFLATE"])
        return (input, mask, selected)
    }

    /// Each block's encoded bytes, read at the offsets the TIFF directory gives.
    static func encodedBlocks(_ path: String) throws -> [[UInt8]] {
        let ds = try Dataset.open(path)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var blocks: [[UInt8]] = []
        for b in 1...ds.bandCount {
            try ds.withBand(b) { band in
                for by in 0..<(height / block) {
                    for bx in 0..<(width / block) {
                        let offset = Int(band.metadataItem("BLOCK_OFFSET_\(bx)_\(by)", domain: "TIFF") ?? "") ?? -1
                        let size = Int(band.metadataItem("BLOCK_SIZE_\(bx)_\(by)", domain: "TIFF") ?? "") ?? -1
                        #expect(offset > 0 && size > 0)
                        blocks.append([UInt8](data[offset..<(offset + size)]))
                    }
                }
            }
        }
        return blocks
    }

    /// (DEFLATE takes the raw-block path instead: RawBlockTests.)
    @Test(arguments: [["COMPRESS=ZSTD", "PREDICTOR=2"], ["COMPRESS=LZW"], []])
    func onlySelectedBlocksAreWritten(_ compression: [String]) throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (input, mask, selected) = try InputCopyTests.fixture(dir, options: compression)
        let before = try Data(contentsOf: URL(fileURLWithPath: input))
        let out = dir.appendingPathComponent("out.tif").path, full = dir.appendingPathComponent("full.tif").path
        let common = ["--kernel", "gaussian:1.5", "--mask", mask, "--tile-size", "64", "--json"]

        let r = try CLI.run(["apply", input, out] + common)
        #expect(r.status == 0, "\(r.stderr)")
        let copied = try r.report()
        #expect(copied["pass_through"] as? String == "input_copied", "\(copied["pass_through_detail"] ?? "")")
        #expect(copied["blocks_written"] as? Int == 5 * 2, "5 blocks hold selected pixels, 2 bands each")
        #expect(try Data(contentsOf: URL(fileURLWithPath: input)) == before, "the input is untouched")
        let plan = try CLI.run(["plan", input, "--kernel", "gaussian:1.5", "--mask", mask, "--tile-size", "64"])
        #expect(plan.stdout.contains("Pass-through: input file copied, selected blocks rewritten"), "\(plan.stdout)")

        // The same pixels as the reference and as a run that rewrites every block.
        let r2 = try CLI.run(["apply", input, full, "--no-input-copy"] + common)
        #expect(r2.status == 0, "\(r2.stderr)")
        let rewritten = try r2.report()
        #expect(rewritten["pass_through_detail"] as? String == "every block rewritten (--no-input-copy)")
        #expect(rewritten["blocks_written"] as? Int == 20 * 2)
        let got = try Fixture.read(out), all = try Fixture.read(full), source = try Fixture.read(input)
        let kernel = try KernelPreset.kernel("gaussian:1.5")
        for b in 0..<2 {
            let expected = Fixture.expected(source[b], width: InputCopyTests.width, height: InputCopyTests.height,
                                            kernel: kernel,
                                            edge: .reflect, noData: nil, selected: selected, inputType: .uint16,
                                            outputType: .uint16)
            #expect(Fixture.mismatches(got[b], expected).isEmpty, "band \(b + 1)")
            #expect(Fixture.mismatches(all[b], got[b]).isEmpty)
        }
        let src = try Dataset.open(input), dst = try Dataset.open(out)
        #expect(dst.geoTransform == src.geoTransform)
        #expect(SpatialReference.isSame(dst.projectionWKT, src.projectionWKT))
        func structure(_ d: borrowing Dataset) -> [String] {
            d.metadata(domain: "IMAGE_STRUCTURE").map { "\($0)" }.sorted()
        }
        #expect(structure(dst) == structure(src))

        // Blocks without a selected pixel keep their encoded bytes; the selected ones changed.
        let a = try InputCopyTests.encodedBlocks(input), c = try InputCopyTests.encodedBlocks(out)
        let touched: Set<Int> = [1, 13, 14, 18, 19]   // (bx, by) = (1,0), (3,2), (4,2), (3,3), (4,3)
        for i in a.indices {
            let k = i % 20
            if touched.contains(k) {
                #expect(a[i] != c[i], "block \(k) of band \(i / 20 + 1) was rewritten")
            } else {
                #expect(a[i] == c[i], "block \(k) of band \(i / 20 + 1) is the input's, byte for byte")
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path)
            .allSatisfy { !$0.contains("geokernel-tmp") })
    }

    /// Whenever the output would differ in layout from the input, or most chunks are
    /// selected, every block is rewritten, and the report says why.
    @Test func otherwiseEveryBlockIsRewritten() throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (input, mask, _) = try InputCopyTests.fixture(dir, options: ["COMPRESS=LZW"])
        let dense = dir.appendingPathComponent("dense.tif").path
        let w = InputCopyTests.width, h = InputCopyTests.height
        try Fixture.write(dense, width: w, height: h, type: .byte, bands: [(0..<(w * h)).map { Double(($0 / 7) % 2) }],
                          options: ["TILED=YES", "BLOCKXSIZE=64", "BLOCKYSIZE=64"])
        let cases: [([String], String)] = [
            (["--mask", dense], "the selection reaches about 100 % of the chunks"),
            ([], "the selection reaches about 100 % of the chunks"),
            (["--mask", mask, "-co", "COMPRESS=ZSTD"], "-co was given"),
            (["--mask", mask, "-ot", "Float32"], "the output type differs from the input's"),
            (["--mask", mask, "-of", "COG"], "the output format is COG"),
            (["--mask", mask, "--no-input-copy"], "--no-input-copy"),
        ]
        for (extra, reason) in cases where !reason.isEmpty {
            let out = dir.appendingPathComponent("\(UUID().uuidString).tif").path
            let r = try CLI.run(["apply", input, out, "--kernel", "box:3", "--tile-size", "64", "--json"] + extra)
            #expect(r.status == 0, "\(extra): \(r.stderr)")
            let report = try r.report()
            #expect(report["pass_through"] as? String == "rewritten", "\(extra)")
            #expect(report["pass_through_detail"] as? String == "every block rewritten (\(reason))", "\(extra)")
        }
        // A stripped input is re-tiled, so it is never copied.
        let strips = dir.appendingPathComponent("strips.tif").path
        try Fixture.write(strips, width: w, height: h, type: .uint16,
                          bands: [Fixture.values(width: w, height: h, seed: 1, type: .uint16)],
                          options: [])
        let r = try CLI.run(["apply", strips, dir.appendingPathComponent("s.tif").path, "--kernel", "box:3", "--mask",
                             mask, "--json"])
        #expect(try r.report()["pass_through_detail"] as? String == "every block rewritten (the input is not tiled)")
    }

    /// Interrupted after the copy, a resumable run continues to the uninterrupted result.
    @Test func resumedCopyEqualsTheUninterruptedRun() throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = try InterruptTests.slowInput(dir)
        let mask = dir.appendingPathComponent("m.tif").path
        let n = 2048
        // A band of selected rows through a third of the chunks.
        try Fixture.write(mask, width: n, height: n, type: .byte,
                          bands: [(0..<(n * n)).map { ($0 / n) % 6 == 0 && ($0 % n) < 700 ? 1 : 0 }],
                          options: ["TILED=YES", "COMPRESS=DEFLATE"])
        let out = dir.appendingPathComponent("out.tif").path
        let args = ["--kernel", "box:15", "--threads", "1", "--tile-size", "256", "--mask", mask]
        _ = try ResumeTests.startAndKill(["apply", input, out] + args, out: out, signal: SIGKILL)
        let r = try CLI.run(["apply", input, out, "--resume", "--json"] + args)
        #expect(r.status == 0, "\(r.stderr)")
        let report = try r.report()
        #expect(report["pass_through"] as? String == "input_copied")
        #expect((report["chunks_resumed"] as? Int ?? 0) > 0)
        let reference = dir.appendingPathComponent("ref.tif").path
        #expect(try CLI.run(["apply", input, reference, "-q", "--no-input-copy"] + args).status == 0)
        #expect(Fixture.mismatches(try Fixture.read(out)[0], try Fixture.read(reference)[0]).isEmpty)
    }

    /// A copy that cannot be written (a full disk, here `ulimit -f`) is a one-line error
    /// naming the output, and leaves nothing behind.
    @Test func copyOntoAFullDiskLeavesNothing() throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = try InterruptTests.slowInput(dir)   // 16 MiB
        let mask = dir.appendingPathComponent("m.tif").path
        try Fixture.write(mask, width: 2048, height: 2048, type: .byte,
                          bands: [[Double](repeating: 0, count: 2048 * 2048)],
                          options: ["TILED=YES", "COMPRESS=DEFLATE"])
        let out = dir.appendingPathComponent("out.tif").path
        let r = try CLI.run(["apply", input, out, "--kernel", "sharpen", "--mask", mask], fileSizeLimitKiB: 4000)
        let text = r.stderr
        #expect(r.status == 1, "\(text)")
        #expect(text.contains("out.tif") && text.contains("copying"), "\(text)")
        #expect(text.split(separator: "\n").count == 1)
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            .filter { !["big.tif", "m.tif"].contains($0) }
        #expect(left.isEmpty, "left behind: \(left)")
    }
}
