import Foundation
import GDALKit
import RasterKernels
import TestSupport
import Testing

/// Rasters one pixel wide or one pixel high, as inputs and as masks, in every layout GDAL
/// writes them: its default (one strip, which GDAL shows as one-line blocks: a 1-pixel-wide
/// file reports 1×1 blocks), one-row strips, one explicit strip, tiles, and a compressed strip.
/// A 1×2001 mask in GDAL's default layout once failed with `Illegal nBlockYOff value`: the
/// constant-block recogniser asked GDAL for the strip's TIFF block metadata between reads.
@Suite(.serialized) struct NarrowRasterTests {
    static func options(_ layout: String, height h: Int) -> [String] {
        switch layout {
        case "one-row strips": return ["BLOCKYSIZE=1"]
        case "one explicit strip": return ["BLOCKYSIZE=\(h)"]
        case "tiled": return ["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16"]
        case "compressed strip": return ["COMPRESS=DEFLATE"]
        default: return []   // GDAL's default: strips of about 8 KiB, one strip here
        }
    }

    @Test(arguments: ["GDAL default", "one-row strips", "one explicit strip", "tiled", "compressed strip"],
          [(1, 2001), (2001, 1), (1, 1), (3, 700)])
    func narrowInputAndMask(_ layout: String, _ size: (Int, Int)) throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (w, h) = size
        let options = Self.options(layout, height: h)
        let input = dir.appendingPathComponent("in.tif").path, mask = dir.appendingPathComponent("mask.tif").path
        try Fixture.write(input, width: w, height: h, type: .uint16,
                          bands: [Fixture.values(width: w, height: h, seed: 9, type: .uint16)], options: options)
        let selected = (0..<(w * h)).map { $0 % 3 != 1 || w * h == 1 }
        try Fixture.write(mask, width: w, height: h, type: .byte, bands: [selected.map { $0 ? 1 : 0 }],
                          options: options)
        if layout == "GDAL default" && w == 1 && h > 1 {
            let block = try Dataset.open(mask).withBand(1) { $0.blockSize }
            #expect(block.width == 1 && block.height == 1, "GDAL shows the single strip as one-line blocks")
        }
        for (threads, tile) in [("1", "1"), ("2", "64")] {
            try EndToEnd.check(input, in: dir, kernel: "box:3", kernelMatrix: try KernelPreset.kernel("box:3"),
                               extra: ["--threads", threads, "--tile-size", tile], selected: selected, maskPath: mask)
        }
        // The same mask through --where on the input itself (GDAL's mask band and block reads).
        try EndToEnd.check(input, in: dir, kernel: "box:3", kernelMatrix: try KernelPreset.kernel("box:3"),
                           extra: ["--where", "b1 >= 0", "--tile-size", "16"])
    }
}
