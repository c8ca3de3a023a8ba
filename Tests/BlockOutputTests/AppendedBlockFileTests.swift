import BlockOutput
import Foundation
import GDALKit
import TestSupport
import Testing

/// Encoded blocks appended in any order to a sparse DEFLATE GeoTIFF GDAL created, classic and
/// BigTIFF: GDAL reads back every pixel, libtiff reads the file whole, an unappended block stays
/// unwritten (GDAL reads 0; libtiff refuses such a block, as in any sparse file GDAL writes), and
/// a file of another layout is declined.
@Suite(.serialized) struct AppendedBlockFileTests {
    static let width = 100, height = 70, tile = 32, rows = 16

    static func create(_ path: String, bigTIFF: String, predictor: Int = 1) throws {
        let ds = try Dataset.create(path, width: width, height: height, bandCount: 1, dataType: .uint16,
                                    options: ["TILED=YES", "BLOCKXSIZE=\(tile)", "BLOCKYSIZE=\(rows)",
                                              "COMPRESS=DEFLATE", "PREDICTOR=\(predictor)", "SPARSE_OK=TRUE",
                                              "BIGTIFF=\(bigTIFF)"])
        try ds.close()
    }

    static func layout(predictor: Int = 1) -> AppendedBlockFile.Layout {
        .init(width: width, height: height, tileWidth: tile, tileHeight: rows, bands: 1, bitsPerSample: 16,
              compression: 8, predictor: predictor, separatePlanes: false)
    }

    static func value(_ x: Int, _ y: Int) -> UInt16 { UInt16((x * 7 + y * 131) % 65_000 + 1) }

    @Test(arguments: [("NO", false), ("YES", false), ("NO", true)])
    func appendedBlocksReadBack(_ bigTIFF: String, _ leavesOneOut: Bool) throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("a.tif").path
        try AppendedBlockFileTests.create(path, bigTIFF: bigTIFF)
        let opened = try AppendedBlockFile.open(path, shownAs: "a.tif", layout: AppendedBlockFileTests.layout())
        let file = try #require(opened)
        let across = (AppendedBlockFileTests.width + 31) / 32, down = (AppendedBlockFileTests.height + 15) / 16
        var block = [UInt16](repeating: 0, count: 32 * 16)
        var encoded = [UInt8](repeating: 0, count: Deflate.bound(block.count * 2))
        let skipped = leavesOneOut ? 5 : -1   // block 5 is then never appended: it stays unwritten and reads as 0
        // In reverse: the offsets need not follow the blocks' order.
        for n in (0..<(across * down)).reversed() where n != skipped {
            let bx = n % across, by = n / across
            for y in 0..<16 {
                for x in 0..<32 { block[y * 32 + x] = AppendedBlockFileTests.value(bx * 32 + x, by * 16 + y) }
            }
            let size = try #require(block.withUnsafeBytes { src in
                encoded.withUnsafeMutableBytes { Deflate.compress(src, level: 6, into: $0) }
            })
            try encoded.withUnsafeBytes { try file.append($0.baseAddress!, blocks: [(number: n, size: size)]) }
        }
        try file.finish()
        if !leavesOneOut { #expect(try LibTIFF.problems(readingWhole: path) == nil) }
        let got = try Fixture.read(path)[0]
        for y in 0..<AppendedBlockFileTests.height {
            for x in 0..<AppendedBlockFileTests.width {
                let inSkipped = x / 32 + (y / 16) * across == skipped
                let want = inSkipped ? 0 : Double(AppendedBlockFileTests.value(x, y))
                if got[y * AppendedBlockFileTests.width + x] != want {
                    Issue.record("pixel \(x),\(y): \(got[y * AppendedBlockFileTests.width + x]) instead of \(want)")
                    return
                }
            }
        }
        guard leavesOneOut else { return }
        let ds = try Dataset.open(path)
        let unwritten = try ds.withBand(1) { $0.storedBlock(x: skipped % across, y: skipped / across) }
        #expect(unwritten?.size == 0)
    }

    @Test func anotherLayoutIsDeclined() throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("p.tif").path
        try AppendedBlockFileTests.create(path, bigTIFF: "NO", predictor: 2)
        #expect(try AppendedBlockFile.open(path, shownAs: "p.tif", layout: AppendedBlockFileTests.layout()) == nil)
        let two = AppendedBlockFileTests.layout(predictor: 2)
        #expect(try AppendedBlockFile.open(path, shownAs: "p.tif", layout: two) != nil)
    }
}
