import Foundation
import GDALKit
import RasterKernels
import RasterTiling
import TestSupport
import Testing

/// Mask blocks recognised as all-selected or all-unselected by their encoded bytes are not
/// decoded, and the selection is still exactly the mask's: checked with the mask's nodata
/// set to 1 (so "full" blocks select nothing) and with mixed blocks among constant ones.
@Suite(.serialized) struct ConstantMaskBlockTests {
    @Test(arguments: [nil, 1.0] as [Double?])
    func constantBlocksSelectExactlyWhatTheyHold(_ maskNoData: Double?) throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let w = 400, h = 300
        let input = dir.appendingPathComponent("in.tif").path, mask = dir.appendingPathComponent("mask.tif").path
        try Fixture.write(input, width: w, height: h, type: .uint16,
                          bands: [Fixture.values(width: w, height: h, seed: 5, type: .uint16)],
                          options: ["TILED=YES", "BLOCKXSIZE=64", "BLOCKYSIZE=64"])
        // Mask blocks of 32: whole blocks of 0, of 1 and of 2, and a few mixed ones.
        var values = [Double](repeating: 0, count: w * h)
        for y in 0..<h {
            for x in 0..<w {
                let bx = x / 32, by = y / 32
                switch (bx * 7 + by * 3) % 5 {
                case 0, 1: values[y * w + x] = 0
                case 2: values[y * w + x] = 1
                case 3: values[y * w + x] = 2
                default: values[y * w + x] = Double((x * 13 + y * 7) % 3)
                }
            }
        }
        try Fixture.write(mask, width: w, height: h, type: .byte, bands: [values], noData: maskNoData,
                          options: ["TILED=YES", "BLOCKXSIZE=32", "BLOCKYSIZE=32", "COMPRESS=DEFLATE"])
        let selected = values.map { $0 != 0 && $0 != maskNoData }
        let out = try EndToEnd.check(input, in: dir, kernel: "box:5", kernelMatrix: try KernelPreset.kernel("box:5"),
                                     extra: ["--json", "--no-input-copy"], selected: selected, maskPath: mask)
        let report = try CLI.jsonObject(out)
        // Input bytes read, without halos, plus the mask bytes decoded: well under input + mask
        // when constant blocks are skipped (4 of 5 block kinds are constant).
        let read = report["bytes_read"] as! Int
        #expect(read < w * h * 2 + w * h * 6 / 10, "bytes read \(read)")
    }
}
