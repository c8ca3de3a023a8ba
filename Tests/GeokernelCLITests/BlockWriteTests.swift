import Foundation
import GDALKit
import TestSupport
import Testing

/// Uncompressed output is written in place by the engine's write threads (O_DIRECT when a
/// block is a whole number of 4 KiB pages), GDAL only creating the file. Whatever the layout,
/// the pixels, georeferencing, nodata and metadata are those of the same run written through
/// GDAL (compressed output), and layouts the engine does not write itself fall back to GDAL.
@Suite(.serialized) struct BlockWriteTests {
    struct Layout: CustomTestStringConvertible, Sendable {
        var type: RasterDataType, bands: Int, block: Int, options: [String], writes: String
        var testDescription: String { "\(type.name) ×\(bands), blocks \(block), \(options) → \(writes)" }
    }

    static let layouts: [Layout] = [
        Layout(type: .float32, bands: 1, block: 128, options: [], writes: "in_place_direct"),
        Layout(type: .uint16, bands: 3, block: 64, options: ["INTERLEAVE=PIXEL"], writes: "in_place_direct"),
        Layout(type: .uint16, bands: 3, block: 64, options: ["INTERLEAVE=BAND"], writes: "in_place_direct"),
        Layout(type: .float64, bands: 2, block: 32, options: ["BIGTIFF=YES"], writes: "in_place_direct"),
        // 16×16 Byte blocks are 256 bytes: in place, through the page cache.
        Layout(type: .byte, bands: 1, block: 16, options: [], writes: "in_place"),
        Layout(type: .int16, bands: 2, block: 16, options: ["INTERLEAVE=PIXEL"], writes: "in_place"),
    ]

    /// An input of `layout` whose size leaves partial blocks on the right and at the bottom,
    /// with a nodata value that is not 0 and dataset metadata.
    static func input(_ dir: URL, _ layout: Layout) throws -> String {
        let p = dir.appendingPathComponent("in.tif").path
        let (w, h) = (301, 203)
        let bands = (0..<layout.bands).map {
            Fixture.values(width: w, height: h, seed: UInt64(20 + $0), type: layout.type)
        }
        try Fixture.write(p, width: w, height: h, type: layout.type, bands: bands, noData: 7,
                          options: ["TILED=YES", "BLOCKXSIZE=\(layout.block)",
                                    "BLOCKYSIZE=\(layout.block)"] + layout.options)
        let ds = try Dataset.open(p, access: .update)
        try ds.setMetadata([(key: "SCENE", value: "block-write test")])
        try ds.close()
        return p
    }

    @Test(arguments: layouts)
    func inPlaceWritesEqualGDALs(_ layout: Layout) throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = try BlockWriteTests.input(dir, layout)
        let out = dir.appendingPathComponent("out.tif").path, viaGDAL = dir.appendingPathComponent("gdal.tif").path
        let common = ["--kernel", "gaussian:1.2", "--where", "b1 > 20000 || b1 < 5", "--tile-size", "64", "--threads",
                      "2", "--no-input-copy", "--json"]
        let r = try CLI.run(["apply", input, out] + common)
        #expect(r.status == 0, "\(r.stderr)")
        let report = try r.report()
        #expect(report["block_writes"] as? String == layout.writes)
        let g = try CLI.run(["apply", input, viaGDAL, "-co", "COMPRESS=DEFLATE"] + common)
        #expect(g.status == 0, "\(g.stderr)")
        #expect(try g.report()["block_writes"] as? String == "gdal")

        let got = try Fixture.read(out), expected = try Fixture.read(viaGDAL)
        for b in got.indices { #expect(Fixture.mismatches(got[b], expected[b]).isEmpty, "band \(b + 1)") }
        let a = try Dataset.open(out), e = try Dataset.open(viaGDAL), src = try Dataset.open(input)
        #expect(a.geoTransform == src.geoTransform)
        #expect(SpatialReference.isSame(a.projectionWKT, src.projectionWKT))
        #expect(a.metadata().first { $0.key == "SCENE" }?.value == "block-write test")
        for b in 1...layout.bands {
            #expect(try a.withBand(b) { $0.noDataValue } == 7)
            #expect(try a.withBand(b) { $0.blockSize } == (try e.withBand(b) { $0.blockSize }))
            #expect(try a.withBand(b) { $0.dataType } == layout.type)
        }
        func structure(_ d: borrowing Dataset, _ key: String) -> String? {
            d.metadata(domain: "IMAGE_STRUCTURE").first { $0.key == key }?.value
        }
        #expect(structure(a, "INTERLEAVE") == structure(src, "INTERLEAVE"))
        #expect(structure(a, "COMPRESSION") == nil)
        // A chunk's blocks lie one after the other (chunks of 64 here): one write a chunk.
        let per = 64 / layout.block
        if per >= 2 {
            func offset(_ x: Int, _ y: Int) throws -> Int {
                try a.withBand(1) { Int($0.metadataItem("BLOCK_OFFSET_\(x)_\(y)", domain: "TIFF") ?? "") ?? -1 }
            }
            let size = try a.withBand(1) { Int($0.metadataItem("BLOCK_SIZE_0_0", domain: "TIFF") ?? "") ?? -1 }
            #expect(try offset(1, 0) == offset(0, 0) + size)
            #expect(try offset(0, 1) == offset(0, 0) + per * size, "the chunk's second row of blocks follows its first")
        }
        if layout.writes == "in_place_direct" {
            // Direct writes put every block on a page boundary.
            let offset = try a.withBand(1) { Int($0.metadataItem("BLOCK_OFFSET_1_1", domain: "TIFF") ?? "") ?? -1 }
            #expect(offset > 0 && offset % 4096 == 0, "\(offset)")
        }
    }

    /// A layout the engine does not write itself (big-endian, strips, NBITS) goes through
    /// GDAL, with the same pixels.
    @Test(arguments: [["ENDIANNESS=BIG"], ["TILED=NO"], ["NBITS=12"]])
    func otherLayoutsGoThroughGDAL(_ options: [String]) throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = try BlockWriteTests.input(dir, Layout(type: .uint16, bands: 1, block: 64, options: [], writes: ""))
        let out = dir.appendingPathComponent("out.tif").path, inPlace = dir.appendingPathComponent("in-place.tif").path
        let common = ["--kernel", "sharpen", "--json"]
        let r = try CLI.run(["apply", input, out] + common + options.flatMap { ["-co", $0] })
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try r.report()["block_writes"] as? String == "gdal")
        let d = try CLI.run(["apply", input, inPlace] + common)
        #expect(try d.report()["block_writes"] as? String == "in_place_direct")
        if options != ["NBITS=12"] {   // 12 bits keep fewer values
            let got = try Fixture.read(out), expected = try Fixture.read(inPlace)
            #expect(Fixture.mismatches(got[0], expected[0]).isEmpty)
        }
    }
}
