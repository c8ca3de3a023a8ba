import BlockOutput
import Foundation
import GDALKit
import TestSupport
import Testing

/// The tile index read straight from files GDAL wrote: shapes, planes, unwritten blocks, and
/// the layouts it declines.
@Suite(.serialized) struct TIFFTileIndexTests {
    /// Creates an empty tiled GeoTIFF with GDAL (every block unwritten) and reads its index.
    static func index(_ path: String, width: Int, height: Int, bands: Int, type: RasterDataType,
                      options: [String]) throws -> TIFFTileIndex? {
        let ds = try Dataset.create(path, width: width, height: height, bandCount: bands, dataType: type,
                                    options: ["TILED=YES", "SPARSE_OK=TRUE"] + options)
        try ds.close()
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        return TIFFTileIndex.read(fd)
    }

    @Test(arguments: [("NO", "PIXEL"), ("YES", "PIXEL"), ("NO", "BAND")])
    func shapesOfFreshFiles(_ bigTIFF: String, _ interleave: String) throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("t.tif").path
        let i = try #require(try TIFFTileIndexTests.index(path, width: 100, height: 70, bands: 3, type: .uint16,
                                                          options: ["BLOCKXSIZE=32", "BLOCKYSIZE=16",
                                                                    "BIGTIFF=\(bigTIFF)", "INTERLEAVE=\(interleave)"]))
        #expect((i.imageWidth, i.imageHeight, i.tileWidth, i.tileHeight) == (100, 70, 32, 16))
        #expect(i.bitsPerSample == 16 && i.samplesPerPixel == 3 && i.compression == 1)
        #expect(i.separatePlanes == (interleave == "BAND"))
        #expect(i.blocksAcross == 4 && i.blocksDown == 5)
        let planes = interleave == "BAND" ? 3 : 1
        #expect(i.offsets.count == 20 * planes && i.byteCounts.count == i.offsets.count)
        #expect(i.offsets.allSatisfy { $0 == 0 }, "sparse: nothing written yet")
        #expect(i.blockBytes == 32 * 16 * 2 * (planes == 3 ? 1 : 3))
        #expect(i.blockNumber(column: 3, row: 4, band: planes) == (planes - 1) * 20 + 19)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(i.structureEnd > 8 && i.structureEnd <= UInt64(size))
    }

    @Test func declinesWhatItDoesNotUnderstand() throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let big = dir.appendingPathComponent("be.tif").path
        #expect(try TIFFTileIndexTests.index(big, width: 40, height: 40, bands: 1, type: .byte,
                                             options: ["ENDIANNESS=BIG"]) == nil)
        let deflate = dir.appendingPathComponent("z.tif").path
        let z = try TIFFTileIndexTests.index(deflate, width: 40, height: 40, bands: 1, type: .byte,
                                             options: ["COMPRESS=DEFLATE"])
        #expect(z?.compression == 8)
        let text = dir.appendingPathComponent("not.tif").path
        try Data("not a tiff at all, just text".utf8).write(to: URL(fileURLWithPath: text))
        let fd = open(text, O_RDONLY)
        defer { close(fd) }
        #expect(TIFFTileIndex.read(fd) == nil)
    }
}
