import Foundation
import GDALKit
import TestSupport
import Testing

/// Failures in the middle of a run: a full disk, an input that shrinks under the reader, a
/// block that fails to decode. Each ends with one line naming the file and the tile or
/// block, a non-zero exit, no OUTPUT and no temporary.
@Suite(.serialized) struct RunFailureTests {
    func noLeftovers(_ dir: URL, keeping: Set<String>) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { !keeping.contains($0) }
    }

    @Test func fullDiskIsAWriteErrorNamingTheBlock() throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = try InterruptTests.slowInput(dir)
        let out = dir.appendingPathComponent("out.tif").path
        // `ulimit -f` stands in for a full disk: writes past 1000 KiB fail with EFBIG.
        // Compressed output goes through GDAL, block after block, so the failure comes mid-run.
        let r = try CLI.run(["apply", input, out, "--kernel", "sharpen", "-co", "COMPRESS=DEFLATE"],
                            fileSizeLimitKiB: 1000)
        let text = r.stderr
        #expect(r.status == 1, "\(text)")
        #expect(text.contains("out.tif") && text.contains("writing block"), "\(text)")
        #expect(text.contains("File too large (the file-size limit, ulimit -f, is 1024000 bytes)"), "\(text)")
        #expect(text.split(separator: "\n").count == 1)
        #expect(try noLeftovers(dir, keeping: ["big.tif"]).isEmpty)
    }

    @Test func fullDiskShowsBeforeAnUncompressedOutputIsComputed() throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = try InterruptTests.slowInput(dir)
        let out = dir.appendingPathComponent("out.tif").path
        // Uncompressed blocks are written in place: their space is reserved first, so a
        // disk that cannot hold them fails at once, naming OUTPUT (not its temporary).
        let r = try CLI.run(["apply", input, out, "--kernel", "sharpen"], fileSizeLimitKiB: 1000)
        let text = r.stderr
        #expect(r.status == 1, "\(text)")
        #expect(text.contains("out.tif: reserving 16.0 MiB for the output's blocks: File too large"), "\(text)")
        #expect(!text.contains("geokernel-tmp"), "\(text)")
        #expect(text.split(separator: "\n").count == 1)
        #expect(try noLeftovers(dir, keeping: ["big.tif"]).isEmpty)
    }

    @Test func inputTruncatedDuringTheRun() throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = try InterruptTests.slowInput(dir)
        let out = dir.appendingPathComponent("out.tif").path
        // A 25x25 non-separable kernel keeps the run going long after the truncation.
        let kernel = try InterruptTests.slowKernel(dir)
        let run = try BackgroundRun(["apply", input, out, "--kernel", kernel, "--threads", "1", "--tile-size", "256"],
                                    keepingErrors: true)
        try run.wait(upTo: 30, every: 0.01, settle: 0.2) {
            try !noLeftovers(dir, keeping: ["big.tif", "slow-kernel.txt"]).isEmpty
        }
        truncate(input, 100_000)
        let (status, text) = run.finish()
        #expect(status == 1, "\(text)")
        #expect(text.contains("big.tif") && text.contains("reading tile"), "\(text)")
        #expect(text.split(separator: "\n").count == 1)
        #expect(try noLeftovers(dir, keeping: ["big.tif", "slow-kernel.txt"]).isEmpty)
    }

    @Test(.enabled(if: Corpus.isAvailable)) func blockThatFailsToDecode() throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.tif").path
        let r = try CLI.run(["apply", Corpus.path("gdal__byte_truncated.tif"), out, "--kernel", "sharpen"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("gdal__byte_truncated.tif") && r.stderr.contains("tile"), "\(r.stderr)")
        #expect(try noLeftovers(dir, keeping: []).isEmpty)
    }
}
