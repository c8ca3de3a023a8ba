import Foundation
import GDALKit
import TestSupport
import Testing

/// A checkpoint that cannot be trusted is refused with one line before anything is written:
/// never a crash, never an unfinished partial output renamed to OUTPUT. Each damage is made
/// to the checkpoint of a real killed run, with blocks written in place (uncompressed) and
/// through GDAL (DEFLATE).
@Suite(.serialized) struct CheckpointDamageTests {
    /// How a checkpoint (its JSON object, or the files) is damaged, and what the refusal says.
    static let damages: [(name: String, says: String)] = [
        ("truncated JSON", "is not a complete JSON object"),
        ("wrong version", "format version is 1"),
        ("no version", "has no format version"),
        ("range of one number", "is not a pair"),
        ("range past the chunks", "reaches past its"),
        ("overlapping ranges", "overlaps or precedes"),
        ("unsorted ranges", "overlaps or precedes"),
        ("negative range", "is empty or negative"),
        ("empty range", "is empty or negative"),
        ("done not a list", "has the wrong type"),
        ("another chunk count", "this run's plan has"),
        ("partial cut short", "shorter than the"),
        ("partial cut short, size forged", "cut short"),
        ("partial missing", "is missing"),
    ]

    static func damage(_ name: String, checkpoint: String, partial: String) throws {
        let data = FileManager.default.contents(atPath: checkpoint)!
        var object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let chunks = object["chunkCount"] as! Int
        // Cuts are fractions of the size the partial had at the checkpoint, not of its size when the run was
        // killed: blocks written after the checkpoint (not done) may make the file much larger, and cutting
        // only those is no damage (the resume rightly succeeds).
        let saved = object["partialBytes"] as! Int
        switch name {
        case "truncated JSON": try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: checkpoint)); return
        case "partial cut short": try cut(partial, to: saved / 2); return
        case "partial missing": try FileManager.default.removeItem(atPath: partial); return
        case "partial cut short, size forged":
            object["partialBytes"] = 0
            try cut(partial, to: saved * 6 / 10)
        case "wrong version": object["version"] = 1
        case "no version": object["version"] = nil
        case "range of one number": object["done"] = [[1]]
        case "range past the chunks": object["done"] = [[0, 99999]]
        case "overlapping ranges": object["done"] = [[0, 2], [1, 3]]
        case "unsorted ranges": object["done"] = [[2, 3], [0, 1]]
        case "negative range": object["done"] = [[-1, 1]]
        case "empty range": object["done"] = [[1, 1]]
        case "done not a list": object["done"] = "all"
        case "another chunk count": object["chunkCount"] = chunks + 1
        default: Issue.record("no damage \(name)")
        }
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: checkpoint))
    }

    static func cut(_ path: String, to bytes: Int) throws {
        #expect(truncate(path, off_t(bytes)) == 0)
    }

    @Test(arguments: ["in place", "through GDAL"])
    func aDamagedCheckpointIsRefusedCleanly(_ writes: String) throws {
        let s = try ResumeFaultTests.scene()
        defer { try? FileManager.default.removeItem(at: s.dir) }
        let out = s.path("out.tif"), partial = out + ".geokernel-partial.tif", checkpoint = partial + ".json"
        let compression = writes == "in place" ? [] : ["-co", "COMPRESS=DEFLATE"]
        let args = ["apply", s.input, out] + ResumeFaultTests.common(s) + compression
        _ = try ResumeTests.startAndKill(args, out: out, signal: SIGKILL)
        let original = (ResumeFaultTests.bytes(partial), ResumeFaultTests.bytes(checkpoint))
        try #require(original.0 != nil && original.1 != nil)
        for (name, says) in Self.damages {
            try original.0!.write(to: URL(fileURLWithPath: partial))
            try original.1!.write(to: URL(fileURLWithPath: checkpoint))
            try Self.damage(name, checkpoint: checkpoint, partial: partial)
            let damaged = (ResumeFaultTests.bytes(partial), ResumeFaultTests.bytes(checkpoint))
            let r = try CLI.run(args + ["--resume", "-q"])
            #expect(r.status == 1, "\(name): exit \(r.status) \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(name): \(r.stderr)")
            #expect(r.stderr.hasPrefix("geokernel: error: checkpoint \(checkpoint) is damaged: ")
                    && r.stderr.contains(says) && r.stderr.contains("remove it or run without --resume"),
                    "\(name): \(r.stderr)")
            #expect(ResumeFaultTests.bytes(partial) == damaged.0 && ResumeFaultTests.bytes(checkpoint) == damaged.1,
                    "\(name): partial and checkpoint untouched")
            #expect(!FileManager.default.fileExists(atPath: out), "\(name): no OUTPUT")
        }
        // Undamaged, the same files resume to a whole output libtiff reads back.
        try original.0!.write(to: URL(fileURLWithPath: partial))
        try original.1!.write(to: URL(fileURLWithPath: checkpoint))
        let r = try CLI.run(args + ["--resume", "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try LibTIFF.problems(readingWhole: out) == nil)
    }
}
