import Foundation
import GDALKit
@testable import RasterEngine
import TestSupport
import Testing

/// The constant-block recogniser is used only where GDAL's blocks are the file's own: tiled
/// files and files of many strips, not one strip that GDAL shows as one-line blocks.
@Suite(.serialized) struct TIFFBlockShapeTests {
    @Test(arguments: [
        (["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=32", "COMPRESS=DEFLATE"], 40, 70,
         TIFFBlockShape(width: 16, height: 32), true),
        (["BLOCKYSIZE=5"], 40, 70, TIFFBlockShape(width: 40, height: 5), true),
        (["BLOCKYSIZE=1", "COMPRESS=LZW"], 1, 2001, TIFFBlockShape(width: 1, height: 1), true),
        ([], 1, 2001, TIFFBlockShape(width: 1, height: 2001), false),
        (["COMPRESS=DEFLATE"], 1, 2001, TIFFBlockShape(width: 1, height: 2001), false),
        (["TILED=YES", "BIGTIFF=YES"], 20, 20, TIFFBlockShape(width: 256, height: 256), true),
        (["ENDIANNESS=BIG", "TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16"], 20, 20,
         TIFFBlockShape(width: 16, height: 16), true),
    ] as [([String], Int, Int, TIFFBlockShape, Bool)])
    func storedBlocksAreReadAndCompared(_ options: [String], _ w: Int, _ h: Int, _ shape: TIFFBlockShape,
                                        _ usable: Bool) throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("m.tif").path
        try Fixture.write(path, width: w, height: h, type: .byte, bands: [[Double](repeating: 1, count: w * h)],
                          options: options)
        let file = try VirtualFile(reading: path)
        #expect(TIFFBlockShape.read(file) == shape)
        let ds = try Dataset.open(path)
        #expect((ConstantBlocks(ds, path: path) != nil) == usable)
    }
}
