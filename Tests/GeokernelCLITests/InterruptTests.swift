import Foundation
import GDALKit
import TestSupport
import Testing

/// A real run killed mid-way: SIGINT and SIGTERM end it quickly with 130 / 143, leave no
/// output and remove the temporary; SIGKILL leaves at most the clearly named temporary.
@Suite(.serialized) struct InterruptTests {
    /// A raster big enough that a debug build of the engine takes several seconds on it.
    static func slowInput(_ dir: URL) throws -> String {
        let p = dir.appendingPathComponent("big.tif").path
        let w = 2048, h = 2048
        try Fixture.write(p, width: w, height: h, type: .float32,
                          bands: [Fixture.values(width: w, height: h, seed: 3, type: .float32)],
                          options: ["TILED=YES"])
        return p
    }

    /// A 25x25 kernel that is not rank-1 (625 taps a pixel, no two-pass shortcut): slow enough
    /// that a run on `slowInput` is still going when the test signals it.
    static func slowKernel(_ dir: URL) throws -> String {
        let p = dir.appendingPathComponent("slow-kernel.txt").path
        let rows = (0..<25).map { i in
            (0..<25).map { j in "\((i * 7 + j * 3 + i * j) % 11 - 5)" }.joined(separator: " ")
        }
        try (rows.joined(separator: "\n") + "\n").write(toFile: p, atomically: true, encoding: .utf8)
        return p
    }

    func interrupt(with sig: Int32) throws -> (status: Int32, seconds: Double, dir: URL, out: String) {
        let dir = Fixture.folder()
        let input = try InterruptTests.slowInput(dir)
        let kernel = try InterruptTests.slowKernel(dir)
        let out = dir.appendingPathComponent("out.tif").path
        let run = try BackgroundRun(["apply", input, out, "--kernel", kernel, "--threads", "1", "--tile-size", "256",
                                     "-q"])
        // Wait until the temporary output exists: the run is under way.
        try run.wait(upTo: 30, settle: 0.3) {
            try FileManager.default.contentsOfDirectory(atPath: dir.path).contains { $0.contains("geokernel-tmp") }
        }
        let start = Date()
        let status = run.stop(sig).status
        return (status, Date().timeIntervalSince(start), dir, out)
    }

    @Test(arguments: [(SIGINT, Int32(130)), (SIGTERM, Int32(143))])
    func signalStopsCleanly(_ sig: Int32, _ code: Int32) throws {
        let r = try interrupt(with: sig)
        defer { try? FileManager.default.removeItem(at: r.dir) }
        #expect(r.status == code)
        #expect(r.seconds < 5, "stopped in \(r.seconds) s")
        #expect(!FileManager.default.fileExists(atPath: r.out))
        let left = try FileManager.default.contentsOfDirectory(atPath: r.dir.path)
            .filter { $0.contains("geokernel-tmp") }
        #expect(left.isEmpty, "temporaries left: \(left)")
    }

    /// A raster of 4.9 billion pixels (sparse, so the file is tiny) is accepted and processed:
    /// the run starts, reports itself, and stops cleanly when told to.
    @Test func rasterPast32BitPixelCountsRuns() throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("huge.tif").path
        let ds = try Dataset.create(input, width: 70_000, height: 70_000, bandCount: 1, dataType: .byte,
                                    options: ["TILED=YES", "SPARSE_OK=TRUE", "BIGTIFF=YES"])
        try ds.close()
        let info = try CLI.run(["info", input])
        #expect(info.stdout.contains("70000 x 70000"))
        let out = dir.appendingPathComponent("out.tif").path
        let run = try BackgroundRun(["apply", input, out, "--kernel", "sharpen", "-q"], keepingErrors: true)
        try run.wait(upTo: 30, settle: 0.5) { try FileManager.default.contentsOfDirectory(atPath: dir.path).count >= 2 }
        let (status, text) = run.stop(SIGTERM)
        #expect(status == 143, "it was running, not refusing: \(text)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func sigkillLeavesOnlyTheNamedTemporary() throws {
        let r = try interrupt(with: SIGKILL)
        defer { try? FileManager.default.removeItem(at: r.dir) }
        #expect(!FileManager.default.fileExists(atPath: r.out))
        let names = try FileManager.default.contentsOfDirectory(atPath: r.dir.path)
            .filter { $0 != "big.tif" && $0 != "slow-kernel.txt" }
        #expect(names.allSatisfy { $0.hasPrefix("out.tif.geokernel-tmp-") }, "\(names)")
    }
}
