import Foundation
import GDALKit
import RasterKernels
import RasterTiling
import TestSupport
import Testing

/// Input blocks are decoded once, in a cache the workers share, and the report says how
/// many were decoded against how many the tiles needed; with a small cache the raster is
/// visited in narrow strips and only strip-boundary blocks are decoded twice. The pixels
/// are the reference's either way.
@Suite(.serialized) struct BlockDecodeTests {
    func run(_ input: String, _ dir: URL, edge: EdgeMode, cacheMB: String?) throws -> [String: Any] {
        let out = dir.appendingPathComponent("\(UUID().uuidString).tif").path
        let env = cacheMB.map { ["GEOKERNEL_BLOCK_CACHE_MB": $0] }
        let r = try CLI.run(["apply", input, out, "--kernel", "box:5", "--edge", edge.rawValue, "--tile-size", "32",
                             "--threads", "2", "--json", "--no-input-copy"], environment: env)
        #expect(r.status == 0, "\(r.stderr)")
        let got = try Fixture.read(out), source = try Fixture.read(input)
        let kernel = try KernelPreset.kernel("box:5")
        for b in 0..<2 {
            let expected = Fixture.expected(source[b], width: 300, height: 200, kernel: kernel, edge: edge, noData: 7,
                                            selected: nil, inputType: .uint16, outputType: .uint16)
            #expect(Fixture.mismatches(got[b], expected).isEmpty,
                    "band \(b + 1), edge \(edge), cache \(cacheMB ?? "default")")
        }
        return try r.report()
    }

    @Test(arguments: [EdgeMode.reflect, .wrap, .constant])
    func eachBlockIsDecodedOnce(_ edge: EdgeMode) throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.tif").path
        var a = Fixture.values(width: 300, height: 200, seed: 3, type: .uint16)
        for i in stride(from: 0, to: a.count, by: 37) { a[i] = 7 }   // nodata sprinkled
        try Fixture.write(input, width: 300, height: 200, type: .uint16,
                          bands: [a, Fixture.values(width: 300, height: 200, seed: 4, type: .uint16)], noData: 7,
                          options: ["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16", "COMPRESS=DEFLATE"])
        let blocks = 19 * 13
        let whole = try run(input, dir, edge: edge, cacheMB: nil)
        #expect(whole["blocks_needed"] as? Int == blocks)
        #expect(whole["blocks_decoded"] as? Int == blocks, "each block once with the default cache")

        // 20 KiB: strips of two blocks; boundary blocks are decoded again, nothing more.
        let narrow = try run(input, dir, edge: edge, cacheMB: "0.02")
        let decoded = narrow["blocks_decoded"] as! Int
        #expect(narrow["blocks_needed"] as? Int == blocks)
        #expect(decoded > blocks && decoded <= 3 * blocks, "decoded \(decoded) of \(blocks)")
    }

    /// Validity from the nodata value is computed without GDAL's mask band; it must agree
    /// with that band (which the end-to-end check reads) for nodata values that are not
    /// exactly representable in the band's type.
    @Test(arguments: [(RasterDataType.uint16, 7.9, 7.0), (.int16, -3.5, -3.0), (.float32, 0.1, Double(Float(0.1))),
                      (.float64, 0.1, 0.1), (.uint32, 4_000_000_000.7, 4_000_000_000)])
    func nodataValidityAgreesWithGDALsMaskBand(_ type: RasterDataType, _ noData: Double, _ stored: Double) throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.tif").path
        let w = 40, h = 30
        var v = Fixture.values(width: w, height: h, seed: 9, type: type)
        for i in stride(from: 0, to: v.count, by: 5) { v[i] = stored }   // what the nodata value becomes when stored
        try Fixture.write(input, width: w, height: h, type: type, bands: [v], noData: noData,
                          options: ["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16"])
        let flags = try Dataset.open(input).withBand(1) { $0.maskFlags }
        #expect(flags == .nodata, "GDAL uses the nodata value as the mask")
        try EndToEnd.check(input, in: dir, kernel: "box:3", kernelMatrix: try KernelPreset.kernel("box:3"),
                           extra: ["--tile-size", "16"])
    }
}
