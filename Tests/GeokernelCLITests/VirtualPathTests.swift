import Foundation
import GDALKit
import RasterKernels
import TestSupport
import Testing

/// Inputs through GDAL's virtual file systems: `/vsizip/`, `/vsigzip/`, and `/vsicurl/`
/// against a byte-range HTTP server on 127.0.0.1. Each result equals the plain file's.
@Suite(.serialized, .enabled(if: Corpus.isAvailable)) struct VirtualPathTests {
    let folder = TemporaryFolder()
    var dir: URL { folder.url }
    let source = Corpus.path("gdal__f2r23.tif")   // 273x251 LZW tiled 64, EPSG:32145

    func run(_ input: String, env: [String: String]? = nil) throws -> [Double] {
        let out = dir.appendingPathComponent("\(UUID().uuidString).tif").path
        let r = try CLI.run(["apply", input, out, "--kernel", "sharpen", "-q"], environment: env)
        #expect(r.status == 0, "\(input): \(r.stderr)")
        let ds = try Dataset.open(out)
        #expect(ds.epsg == 32145)
        return try Fixture.read(out)[0]
    }

    @Test func zipGzipAndHTTPRanges() throws {
        let expected = try run(source)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: source)))
        // Archives written through GDAL's own virtual file layer.
        let zip = dir.appendingPathComponent("a.zip").path, gz = dir.appendingPathComponent("a.tif.gz").path
        try GDALRuntime.writeFile("/vsizip/\(zip)/inside/a.tif", bytes: bytes)
        try GDALRuntime.writeFile("/vsigzip/\(gz)", bytes: bytes)
        #expect(Fixture.mismatches(try run("/vsizip/\(zip)/inside/a.tif"), expected).isEmpty)
        #expect(Fixture.mismatches(try run("/vsigzip/\(gz)"), expected).isEmpty)

        let server = try RangeServer(serving: source)
        defer { server.stop() }
        let env = ["GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR", "CPL_VSIL_CURL_USE_HEAD": "YES",
                   "GDAL_HTTP_TIMEOUT": "20"]
        #expect(Fixture.mismatches(try run("/vsicurl/\(server.url)", env: env), expected).isEmpty)
        let missing = try CLI.run(["apply", "/vsicurl/http://127.0.0.1:\(server.port)/nope.tif",
                                   dir.appendingPathComponent("x.tif").path,
                                   "--kernel", "sharpen"], environment: env)
        #expect(missing.status == 1 && missing.stderr.split(separator: "\n").count == 1, "\(missing.stderr)")
    }
}
