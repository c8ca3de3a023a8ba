import BlockOutput
import Foundation
import GDALKit
import RasterTiling
import TestSupport
import Testing

/// Blocks written in place by `BlockFile`, on its own: the layout it gives a fresh file, and
/// pixels GDAL and libtiff read back.
@Suite(.serialized) struct BlockFileTests {
    @Test(arguments: [(64, 1, "PIXEL"), (48, 1, "PIXEL"), (64, 2, "BAND"), (64, 2, "PIXEL")])
    func writesBlocksGDALReadsBack(_ block: Int, _ bands: Int, _ interleave: String) throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("o.tif").path
        let (w, h) = (150, 100)
        let ds = try Dataset.create(path, width: w, height: h, bandCount: bands, dataType: .float32,
                                    options: ["TILED=YES", "SPARSE_OK=TRUE", "BLOCKXSIZE=\(block)",
                                              "BLOCKYSIZE=\(block)", "INTERLEAVE=\(interleave)"])
        try ds.close()
        let plan = TilePlan(width: w, height: h, blockWidth: block, blockHeight: block, tileSize: 2 * block)
        let file = try #require(try BlockFile.open(path, shownAs: "OUT", plan: plan, bands: bands, sampleBytes: 4))
        let i = file.index
        // A fresh file: every block has its place, 4 KiB-aligned when a block is whole pages.
        #expect(i.byteCounts.allSatisfy { $0 == UInt64(i.blockBytes) })
        #expect(Set(i.offsets).count == i.offsets.count && i.offsets.allSatisfy { $0 >= i.structureEnd })
        if i.blockBytes % BlockFile.alignment == 0 { #expect(i.offsets.allSatisfy { $0 % 4096 == 0 }) }
        // Each chunk's blocks lie back to back, so a chunk is one write.
        for c in 0..<plan.chunkCount {
            let numbers = plan.blocks(in: plan.chunk(c)).map { i.blockNumber(column: $0.column, row: $0.row, band: 1) }
            for (a, b) in zip(numbers,
                              numbers.dropFirst()) { #expect(i.offsets[b] == i.offsets[a] + UInt64(i.blockBytes)) }
        }
        // Block (bx, by) of band b holds value b * 1000 + by * 10 + bx everywhere.
        let samples = i.blockBytes / 4
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: i.blockBytes, alignment: 4096)
        defer { buffer.deallocate() }
        for plane in 1...(i.separatePlanes ? bands : 1) {
            for by in 0..<i.blocksDown {
                for bx in 0..<i.blocksAcross {
                    let f = buffer.bindMemory(to: Float.self, capacity: samples)
                    for k in 0..<samples {
                        let band = i.separatePlanes ? plane : k % bands + 1
                        f[k] = Float(band * 1000 + by * 10 + bx)
                    }
                    try file.write(blocks: [i.blockNumber(column: bx, row: by, band: plane)], from: buffer)
                }
            }
        }
        try file.sync()
        let back = try Fixture.read(path)
        for b in 1...bands {
            for (k, v) in back[b - 1].enumerated() {
                let (x, y) = (k % w, k / w)
                if v != Double(b * 1000 + (y / block) * 10 + x / block) {
                    Issue.record("band \(b) pixel \(x),\(y): \(v)")
                    return
                }
            }
        }
        // An already laid-out file opens again with the same index.
        #expect(try BlockFile.open(path, shownAs: "OUT", plan: plan, bands: bands, sampleBytes: 4)?.index == i)
    }

    @Test func aFileOfAnotherShapeIsDeclined() throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("o.tif").path
        let ds = try Dataset.create(path, width: 64, height: 64, bandCount: 1, dataType: .uint16,
                                    options: ["TILED=YES", "SPARSE_OK=TRUE", "BLOCKXSIZE=32", "BLOCKYSIZE=32"])
        try ds.close()
        let plan = TilePlan(width: 64, height: 64, blockWidth: 16, blockHeight: 16)
        #expect(try BlockFile.open(path, shownAs: "OUT", plan: plan, bands: 1, sampleBytes: 2) == nil)
        let missing = dir.appendingPathComponent("none.tif").path
        #expect(throws: BlockOutputError.self) {
            _ = try BlockFile.open(missing, shownAs: "OUT", plan: plan, bands: 1, sampleBytes: 2)
        }
    }
}
