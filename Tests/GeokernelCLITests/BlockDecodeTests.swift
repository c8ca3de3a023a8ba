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

    /// A selected tile reads only what its chosen pixels reach: with a disc inside each selected tile, farther
    /// than the halo from its edges, only the blocks holding selected pixels are decoded (tiles of one block
    /// and of 2×2 blocks); the same discs centred on the tiles' corners also decode the neighbours their halo
    /// reaches (across the raster's border too). The pixels are the reference's every way.
    @Test(arguments: [EdgeMode.reflect, .wrap, .constant])
    func onlyWhatChosenPixelsReachIsDecoded(_ edge: EdgeMode) throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let w = 320, h = 224, block = 32
        let input = dir.appendingPathComponent("in.tif").path
        var a = Fixture.values(width: w, height: h, seed: 5, type: .uint16)
        for i in stride(from: 0, to: a.count, by: 29) { a[i] = 7 }   // nodata sprinkled
        try Fixture.write(input, width: w, height: h, type: .uint16, bands: [a], noData: 7,
                          options: ["TILED=YES", "BLOCKXSIZE=\(block)", "BLOCKYSIZE=\(block)", "COMPRESS=DEFLATE"])
        let picked = { (tx: Int, ty: Int) in (tx * 7 + ty * 3) % 4 == 0 }
        /// Discs of radius 6 centred `offset` (0 or half a block) pixels right of and below picked blocks' corners.
        func discs(_ offset: Int) -> [Bool] {
            (0..<(w * h)).map { i in
                let x = i % w, y = i / w
                let tx = (x - offset + block / 2) / block, ty = (y - offset + block / 2) / block   // the nearest centre
                let dx = x - (tx * block + offset), dy = y - (ty * block + offset)
                return picked(tx, ty) && dx * dx + dy * dy <= 36
            }
        }
        let kernel = try KernelPreset.kernel("box:5")
        func run(_ selected: [Bool], tile: Int) throws -> (decoded: Int, blocks: Int) {
            let mask = dir.appendingPathComponent("\(UUID().uuidString).tif").path
            try Fixture.write(mask, width: w, height: h, type: .byte, bands: [selected.map { $0 ? 1 : 0 }])
            let out = dir.appendingPathComponent("\(UUID().uuidString).tif").path
            let r = try CLI.run(["apply", input, out, "--kernel", "box:5", "--edge", edge.rawValue, "--mask", mask,
                                 "--tile-size", "\(tile)", "--threads", "2", "--json"])
            #expect(r.status == 0, "\(r.stderr)")
            let expected = Fixture.expected(a, width: w, height: h, kernel: kernel, edge: edge, noData: 7,
                                            selected: selected, inputType: .uint16, outputType: .uint16)
            #expect(Fixture.mismatches(try Fixture.read(out)[0], expected).isEmpty, "edge \(edge), tile \(tile)")
            let report = try r.report()
            #expect(report["pass_through"] as? String == "raw_blocks")
            let holding = Set(selected.indices.filter { selected[$0] }.map { ($0 / w / block) * 100 + $0 % w / block })
            return (report["blocks_decoded"] as! Int, holding.count)
        }
        let inside = discs(block / 2)
        for tile in [block, 2 * block] {
            let (decoded, blocks) = try run(inside, tile: tile)
            #expect(decoded == blocks, "tile \(tile): \(decoded) blocks decoded, \(blocks) hold a selected pixel")
        }
        let (decoded, blocks) = try run(discs(0), tile: block)
        #expect(decoded > blocks, "discs on the corners: \(decoded) decoded, \(blocks) hold a selected pixel")
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
