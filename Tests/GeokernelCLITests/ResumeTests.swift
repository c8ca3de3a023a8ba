import Foundation
import GDALKit
import TestSupport
import Testing

/// `--resume`: a killed run continues from its checkpoint and ends with exactly the pixels of
/// a run that was never interrupted; a different command is refused.
@Suite(.serialized) struct ResumeTests {
    let args = ["--kernel", "box:15", "--threads", "1", "--tile-size", "256"]

    /// Starts a resumable run and kills it with `sig` once its checkpoint lists a done chunk.
    func startAndKill(_ input: String, _ out: String, signal sig: Int32, extra: [String] = []) throws -> Int32 {
        try ResumeTests.startAndKill(["apply", input, out] + args + extra, out: out, signal: sig)
    }

    /// Starts `geokernel ARGS… --resume -q` (checkpointing after every chunk) and kills it with
    /// `sig` once the checkpoint beside `out` lists a done chunk; returns its exit status.
    static func startAndKill(_ arguments: [String], out: String, signal sig: Int32) throws -> Int32 {
        let run = try BackgroundRun(arguments + ["--resume", "-q"], environment: ["GEOKERNEL_CHECKPOINT_SECONDS": "0"])
        let checkpoint = out + ".geokernel-partial.tif.json"
        run.wait(upTo: 60) {
            FileManager.default.contents(atPath: checkpoint)
                .map { String(decoding: $0, as: UTF8.self).contains("\"done\":[[") } ?? false
        }
        return run.stop(sig).status
    }

    /// Uncompressed output has its blocks written in place (checkpoint: fsync); DEFLATE goes
    /// through GDAL (checkpoint: close, fsync, reopen).
    @Test(arguments: [(SIGKILL, "in_place_direct"), (SIGTERM, "in_place_direct"), (SIGKILL, "gdal")])
    func killedRunResumesToTheUninterruptedResult(_ sig: Int32, _ writes: String) throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = try InterruptTests.slowInput(dir)
        let out = dir.appendingPathComponent("out.tif").path
        let args = args + (writes == "gdal" ? ["-co", "COMPRESS=DEFLATE"] : [])
        _ = try ResumeTests.startAndKill(["apply", input, out] + args, out: out, signal: sig)
        #expect(!FileManager.default.fileExists(atPath: out), "no OUTPUT before the run completes")
        #expect(FileManager.default.fileExists(atPath: out + ".geokernel-partial.tif"))
        #expect(FileManager.default.fileExists(atPath: out + ".geokernel-partial.tif.json"))

        let r = try CLI.run(["apply", input, out, "--resume", "--json"] + args)
        #expect(r.status == 0, "\(r.stderr)")
        let report = try r.report()
        let resumed = report["chunks_resumed"] as! Int, chunks = report["chunks"] as! Int
        #expect(resumed > 0 && resumed < chunks, "resumed \(resumed) of \(chunks)")
        #expect(report["block_writes"] as? String == writes)
        #expect(!FileManager.default.fileExists(atPath: out + ".geokernel-partial.tif"))
        #expect(!FileManager.default.fileExists(atPath: out + ".geokernel-partial.tif.json"))

        let reference = dir.appendingPathComponent("ref.tif").path
        let r2 = try CLI.run(["apply", input, reference, "-q"] + args)
        #expect(r2.status == 0)
        let a = try Fixture.read(out), b = try Fixture.read(reference)
        #expect(Fixture.mismatches(a[0], b[0]).isEmpty, "resumed pixels equal the uninterrupted run's")
        let ds = try Dataset.open(out)
        #expect(ds.geoTransform == (try Dataset.open(input)).geoTransform)
        #expect(try LibTIFF.problems(readingWhole: out) == nil)
    }

    @Test func aDifferentCommandIsRefused() throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = try InterruptTests.slowInput(dir)
        let out = dir.appendingPathComponent("out.tif").path
        _ = try startAndKill(input, out, signal: SIGKILL)
        let r = try CLI.run(["apply", input, out, "--resume", "--kernel", "box:13", "--threads", "1", "--tile-size",
                             "256"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("cannot resume") && r.stderr.contains("made with --kernel \"15x15"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(FileManager.default.fileExists(atPath: out + ".geokernel-partial.tif"), "the partial output is kept")
        #expect(!FileManager.default.fileExists(atPath: out))
        // Without --resume the same command starts over and cleans the partial up.
        let fresh = try CLI.run(["apply", input, out, "-q", "--kernel", "box:3"])
        #expect(fresh.status == 0, "\(fresh.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out + ".geokernel-partial.tif.json"))
    }
}
