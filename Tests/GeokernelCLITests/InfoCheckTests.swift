import Foundation
import GDALKit
import TestSupport
import Testing
import RasterTiling

/// `geokernel info FILE --check`: every block of every band and of the mask band is decoded;
/// the first that fails is named (band, block, pixels, GDAL's message) with exit 1; `--json`
/// gives the checksums `gdalinfo -checksum` prints.
@Suite(.serialized) struct InfoCheckTests {
    let folder = TemporaryFolder()
    var dir: URL { folder.url }

    /// A 2-band tiled DEFLATE GeoTIFF with an internal per-dataset mask.
    func maskedFile(_ name: String) throws -> String {
        let path = dir.appendingPathComponent(name).path
        let w = 40
        let h = 30
        let ds = try Dataset.create(
            path, width: w, height: h, bandCount: 2, dataType: .uint16,
            options: ["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16", "COMPRESS=DEFLATE"])
        GDALRuntime.setConfigOption("GDAL_TIFF_INTERNAL_MASK", "YES")
        defer { GDALRuntime.setConfigOption("GDAL_TIFF_INTERNAL_MASK", nil) }
        try ds.withBand(1) { try $0.createMaskBand(.perDataset) }
        let rect = Window(x: 0, y: 0, width: w, height: h)
        for b in 1...2 {
            try ds.withBand(b) {
                try $0.write(
                    rect, values: Fixture.values(width: w, height: h, seed: UInt64(b), type: .uint16).map { UInt16($0) }
                )
            }
        }
        let mask: [UInt8] = (0..<(w * h)).map { i in i % w < 5 && i / w < 5 ? 0 : 255 }
        try ds.withBand(1) { band in try band.withMaskBand { try $0.write(rect, values: mask) } }
        try ds.close()
        return path
    }

    /// Where GDAL's TIFF driver says a block's bytes are (`BLOCK_OFFSET_X_Y`, `BLOCK_SIZE_X_Y`).
    func blockRanges(_ path: String, mask: Bool) throws -> [(x: Int, y: Int, end: Int)] {
        let ds = try Dataset.open(path)
        return try ds.withBand(1) { band in
            func ranges(_ b: borrowing Band) -> [(x: Int, y: Int, end: Int)] {
                let (nx, ny) = b.blockCount
                return (0..<ny).flatMap { y in
                    (0..<nx).map { x in
                        (
                            x, y,
                            Int(b.metadataItem("BLOCK_OFFSET_\(x)_\(y)", domain: "TIFF") ?? "0")!
                                + Int(b.metadataItem("BLOCK_SIZE_\(x)_\(y)", domain: "TIFF") ?? "0")!
                        )
                    }
                }
            }
            return mask ? try band.withMaskBand { ranges($0) } : ranges(band)
        }
    }

    func gdalinfoChecksums(_ path: String) throws -> [Int]? {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/gdalinfo") else { return nil }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/gdalinfo")
        p.arguments = ["-checksum", path]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return text.split(separator: "\n").compactMap { line in
            line.trimmingCharacters(in: .whitespaces).hasPrefix("Checksum=") ? Int(line.split(separator: "=")[1]) : nil
        }
    }

    @Test func aGoodFileExitsZeroWithGdalinfosChecksums() throws {
        let path = try maskedFile("good.tif")
        let text = try CLI.run(["info", path, "--check"])
        #expect(text.status == 0, "\(text.stderr)")
        // 3x2 blocks, for each of 2 bands and the mask.
        #expect(
            text.stdout.contains("Check: 18 blocks read (mask blocks included), every block decodes"), "\(text.stdout)")
        let r = try CLI.run(["info", path, "--check", "--json"])
        #expect(r.status == 0)
        let object = try r.report()
        let check = object["check"] as? [String: Any] ?? [:]
        let sums = check["checksums"] as? [Int] ?? []
        #expect(check["blocksRead"] as? Int == 18 && check["maskRead"] as? Bool == true)
        #expect(sums.count == 2)
        if let expected = try gdalinfoChecksums(path) {
            #expect(sums == expected, "gdalinfo -checksum says \(expected)")
        } else {
            print("gdalinfo is not installed (Scripts/setup.sh installs gdal-bin): checksums not compared")
        }
        // Without --check, info reads no pixel and reports no check.
        let plain = try CLI.run(["info", path, "--json"])
        #expect(!plain.stdout.contains("\"check\""))
    }

    /// Cut a file inside a block: the check names the first block (band order, then rows) whose
    /// bytes pass the end of the file, with GDAL's message.
    @Test func aTruncatedFileNamesTheFailingBlock() throws {
        let path = dir.appendingPathComponent("cut.tif").path
        let w = 100
        let h = 60
        try Fixture.write(
            path, width: w, height: h, type: .uint16,
            bands: [Fixture.values(width: w, height: h, seed: 4, type: .uint16)],
            options: ["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16", "COMPRESS=DEFLATE"])
        let ranges = try blockRanges(path, mask: false)
        let victim = ranges[16]  // block (2, 2): 7 blocks a row
        let cut = victim.end - 20
        #expect(truncate(path, off_t(cut)) == 0)
        let first = try #require(ranges.first { $0.end > cut })
        let x0 = first.x * 16
        let y0 = first.y * 16
        let window = "\(min(16, w - x0))x\(min(16, h - y0))+\(x0)+\(y0)"
        let r = try CLI.run(["info", path, "--check"])
        #expect(r.status == 1)
        #expect(
            r.stderr.hasPrefix(
                "geokernel: error: \(path): band 1, block (\(first.x), \(first.y)) at pixels \(window) "
                    + "fails to decode: "
            ),
            "\(r.stderr)")
        #expect(r.stderr.contains("[GDALReadBlock]") && r.stderr.split(separator: "\n").count == 1)
        #expect(r.stdout.isEmpty, "no partial output")
        let j = try CLI.run(["info", path, "--check", "--json"])
        #expect(j.status == 1)
        let object = try j.report()
        let failed = object["failed_block"] as? [String: Any] ?? [:]
        #expect(object["ok"] as? Bool == false && object["exit_code"] as? Int == 1)
        #expect(
            failed["blockX"] as? Int == first.x && failed["blockY"] as? Int == first.y && failed["band"] as? Int == 1)
        #expect(failed["mask"] as? Bool == false && failed["pixels"] as? String == window)
        // Opening still works, so plain info does not notice; only --check does.
        #expect(try CLI.run(["info", path]).status == 0)
    }

    @Test func aTruncatedMaskIsNamedToo() throws {
        let path = try maskedFile("cutmask.tif")
        let bands = try blockRanges(path, mask: false)
        let mask = try blockRanges(path, mask: true)
        let cut = mask[4].end - 3
        try #require(bands.allSatisfy { $0.end <= cut }, "the mask's blocks come after the bands' in GDAL's layout")
        #expect(truncate(path, off_t(cut)) == 0)
        let first = try #require(mask.first { $0.end > cut })
        let r = try CLI.run(["info", path, "--check"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("the mask of band 1, block (\(first.x), \(first.y)) at pixels "), "\(r.stderr)")
    }

    @Test func theCorpusTruncatedFileAndAnUnreadableOne() throws {
        let garbage = dir.appendingPathComponent("garbage.tif").path
        try Data("not a tiff".utf8).write(to: URL(fileURLWithPath: garbage))
        let g = try CLI.run(["info", garbage, "--check"])
        #expect(
            g.status == 1 && g.stderr.hasPrefix("geokernel: error: ") && g.stderr.contains("garbage.tif"), "\(g.stderr)"
        )
        guard Corpus.isAvailable else {
            print("skipped the corpus file: no ../shared/corpus")
            return
        }
        let r = try CLI.run(["info", Corpus.path("gdal__byte_truncated.tif"), "--check"])
        #expect(
            r.status == 1 && r.stderr.contains("band 1, block (") && r.stderr.contains("fails to decode"), "\(r.stderr)"
        )
    }
}
