import Foundation
import GDALKit
import RasterKernels
@testable import RasterEngine
import RasterTiling
import TestSupport
import Testing

/// The block table read from a GeoTIFF's own tile index says what GDAL's `BLOCK_OFFSET_x_y` /
/// `BLOCK_SIZE_x_y` items say for every block and band (sparse blocks included), and is not made
/// where the file's index is not GDAL's blocks; and a selection plane that answers a window from
/// constant blocks it knows gives what decoding them gives, inverted or not.
@Suite(.serialized) struct StoredBlockTableTests {
    @Test(arguments: [
        (["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=32", "COMPRESS=DEFLATE"], 1, true),
        (["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16", "COMPRESS=DEFLATE", "PREDICTOR=2"], 3, true),
        (["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16", "INTERLEAVE=BAND", "COMPRESS=LZW"], 3, true),
        (["TILED=YES", "BLOCKXSIZE=32", "BLOCKYSIZE=16", "BIGTIFF=YES", "SPARSE_OK=TRUE"], 2, true),
        (["BLOCKYSIZE=5", "COMPRESS=DEFLATE"], 1, false),   // strips: no tile index
        (["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16", "ENDIANNESS=BIG"], 1, false),
    ] as [([String], Int, Bool)])
    func tableSaysWhatGDALSays(_ options: [String], _ bands: Int, _ made: Bool) throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("t.tif").path, w = 70, h = 45
        let sparse = options.contains("SPARSE_OK=TRUE")
        let ds = try Dataset.create(path, width: w, height: h, bandCount: bands, dataType: .uint16, options: options)
        for b in 1...bands {
            try ds.withBand(b) { band in
                // Sparse: only the top-left 20x20 pixels are written, the other blocks stay unwritten.
                let window = Window(x: 0, y: 0, width: sparse ? 20 : w, height: sparse ? 20 : h)
                try band.write(window, values: Fixture.values(width: window.width, height: window.height,
                                                              seed: UInt64(b), type: .uint16))
            }
        }
        try ds.close()
        let opened = try Dataset.open(path)
        let table = StoredBlockTable(opened, path: path)
        #expect((table != nil) == made)
        guard let table else { return }
        let separate = options.contains("INTERLEAVE=BAND")
        #expect(table.planes == (separate ? bands : 1))
        var unwritten = 0
        for b in 1...bands {
            try opened.withBand(b) { band in
                let (across, down) = band.blockCount
                for y in 0..<down {
                    for x in 0..<across {
                        let gdal = band.storedBlock(x: x, y: y)
                        let mine = table.block(x: x, y: y, band: b)
                        #expect(gdal.map { $0 == mine } == true, "block \(x),\(y) of band \(b)")
                        if mine.size == 0 { unwritten += 1 }
                    }
                }
            }
        }
        #expect((unwritten > 0) == sparse)
    }

    /// A mask of constant blocks (all 0, all 1) and mixed ones, surveyed block by block and by
    /// windows of several blocks twice (the second time every constant block is known without
    /// decoding), with and without `--invert-mask`: every answer is the pixels' own.
    @Test(arguments: [false, true])
    func knownConstantBlocksAnswerAsTheirPixels(_ invert: Bool) throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let w = 160, h = 96, input = dir.appendingPathComponent("in.tif").path
        let maskPath = dir.appendingPathComponent("mask.tif").path
        try Fixture.write(input, width: w, height: h, type: .uint16, bands: [[Double](repeating: 7, count: w * h)])
        var values = [Double](repeating: 0, count: w * h)
        for y in 0..<h {
            for x in 0..<w {
                switch (x / 16 + 3 * (y / 16)) % 4 {
                case 0: values[y * w + x] = 0
                case 1, 2: values[y * w + x] = 1
                default: values[y * w + x] = Double((x + y) % 2)
                }
            }
        }
        try Fixture.write(maskPath, width: w, height: h, type: .byte, bands: [values],
                          options: ["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16", "COMPRESS=DEFLATE"])
        var options = ApplyOptions(input: input, output: dir.appendingPathComponent("o.tif").path,
                                   kernel: try KernelPreset.kernel("box:3"))
        options.mask = maskPath
        options.invertMask = invert
        let ds = try Dataset.open(input)
        let layout = try RasterLayout(ds, path: input, filteredBands: [1])
        let selection = try Selection(options, input: ds, layout: layout)
        let plane = try SelectionPlane(selection, meter: Meter())
        func truth(_ r: Window) -> [UInt8] {
            var v: [UInt8] = []
            for y in r.y..<r.maxY { for x in r.x..<r.maxX { v.append((values[y * w + x] != 0) != invert ? 1 : 0) } }
            return v
        }
        let windows = (0..<2).flatMap { _ in
            [16, 32, 48].flatMap { s in
                stride(from: 0, to: h, by: s).flatMap { y in
                    stride(from: 0, to: w, by: s).map { x in
                        Window(x: x, y: y, width: min(s, w - x), height: min(s, h - y))
                    }
                }
            }
        }
        for r in windows {
            let expected = truth(r)
            let (got, shaped): ([UInt8], Bool) = try plane.read(r) { p, nothing in
                (nothing ? [UInt8](repeating: 0, count: r.area)
                    : p.map { q in (0..<r.area).map { q.elements[$0] } } ?? [UInt8](repeating: 1, count: r.area),
                 p.map { $0.width == r.width && $0.height == r.height } ?? true)
            }
            #expect(shaped, "the plane is the window's")
            #expect(got == expected, "window \(r)")
            #expect(try plane.selectsAny(r) == expected.contains(1), "window \(r)")
        }
    }
}
