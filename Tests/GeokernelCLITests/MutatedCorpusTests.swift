import Foundation
import TestSupport
import Testing

/// Corpus files truncated at random offsets and with random bytes flipped: every run ends,
/// within a time bound, with success or a one-line error, and never leaves a partial output.
@Suite(.serialized, .enabled(if: Corpus.isAvailable)) struct MutatedCorpusTests {
    static let sources = ["gdal__byte.tif", "rasterio__rgb_lzw.tif", "riotiler__web.tif", "gdal__float32.tif",
                          "gdalraster__storml_elev.tif", "gdal__f2r23.tif", "rasterio__cogeo.tif", "gdal__bug4468.tif"]

    @Test(arguments: sources)
    func mutatedFilesEndCleanly(_ name: String) throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let original = try Data(contentsOf: URL(fileURLWithPath: Corpus.path(name)))
        var rng = SeededRandom(seed: name.utf8.reduce(0x5eed) { $0 &* 31 &+ UInt64($1) })   // stable across runs
        for k in 0..<8 {
            var bytes = [UInt8](original)
            if k % 2 == 0 {
                bytes = Array(bytes.prefix(Int.random(in: 8..<bytes.count, using: &rng)))
            } else {
                for _ in 0..<Int.random(in: 1...20, using: &rng) {
                    let i = Int.random(in: 0..<bytes.count, using: &rng)
                    bytes[i] = UInt8.random(in: 0...255, using: &rng)
                }
            }
            let input = dir.appendingPathComponent("m\(k).tif").path
            try Data(bytes).write(to: URL(fileURLWithPath: input))
            let out = dir.appendingPathComponent("o\(k).tif").path
            let start = Date()
            let r = try CLI.run(["apply", input, out, "--kernel", "sharpen", "-q"])
            let seconds = Date().timeIntervalSince(start)
            #expect(seconds < 60, "\(name) mutation \(k) took \(seconds) s")
            #expect(r.status == 0 || r.status == 1, "\(name) mutation \(k): status \(r.status), \(r.stderr)")
            if r.status == 1 {
                #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
                #expect(!FileManager.default.fileExists(atPath: out))
            }
            let temps = try FileManager.default.contentsOfDirectory(atPath: dir.path)
                .filter { $0.contains("geokernel-") }
            #expect(temps.isEmpty, "\(temps)")
        }
    }
}
