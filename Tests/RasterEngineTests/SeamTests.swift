import Foundation
import GDALKit
import RasterEngine
import RasterKernels
import RasterTiling
import TestSupport
import Testing

/// Tiled output equals the untiled reference convolution, exactly, for every kernel shape,
/// edge mode, tile size (1, smaller than the kernel, not dividing the raster), thread count
/// and data type.
@Suite(.serialized) struct SeamTests {
    static let kernels: [(String, [[Double]])] = [
        ("1x1", [[2]]),
        ("2x2", [[1, 2], [3, -1]]),
        ("3x3", [[0, -1, 0], [-1, 5, -1], [0, -1, 0.5]]),
        ("5x3", [[1, 2, 3, 2, 1], [0, 1, 0, -1, 0], [1, 0, 2, 0, 1]]),
        ("4x6", (0..<6).map { r in (0..<4).map { c in Double((r * 4 + c) % 5) - 1.5 } }),
        ("15x15", (0..<15).map { r in (0..<15).map { c in 1 + Double((r + 2 * c) % 3) } }),
        // Rank 1: convolved as two 1-D passes, with nodata neighbours falling back to the 2-D sum.
        ("9x9 gaussian",
         { let k = try! KernelPreset.kernel("gaussian:1.3"); return (0..<9).map { r in (0..<9).map { k[$0, r] } } }()),
        ("6x4 separable", [[1, 2, -1, 0.5, 3, 1], [2, 4, -2, 1, 6, 2], [-1, -2, 1, -0.5, -3, -1],
                           [0.5, 1, -0.5, 0.25, 1.5, 0.5]]),
    ]
    /// (tile size, threads): 1, smaller than the 15x15 kernel, not dividing 37x29, block-sized, default.
    static let schedules: [(Int?, Int)] = [(1, 1), (3, 4), (7, 2), (16, 3), (33, 2), (nil, 4)]

    struct Case: CustomTestStringConvertible, Sendable {
        let kernel: String, edge: EdgeMode
        var testDescription: String { "\(kernel) \(edge.rawValue)" }
    }
    static let cases = kernels.flatMap { k in EdgeMode.allCases.map { Case(kernel: k.0, edge: $0) } }

    @Test(arguments: cases)
    func tiledEqualsReference(_ c: Case) throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let w = 37, h = 29
        let type = RasterDataType.int16
        var image = Fixture.values(width: w, height: h, seed: 7, type: type)
        for i in stride(from: 5, to: image.count, by: 23) { image[i] = -9999 }   // nodata sprinkled, edges included
        image[0] = -9999; image[w * h - 1] = -9999
        let input = dir.appendingPathComponent("in.tif").path
        try Fixture.write(input, width: w, height: h, type: type, bands: [image], noData: -9999)
        let selected = (0..<(w * h)).map { ($0 * 7919) % 5 != 0 }
        let maskPath = dir.appendingPathComponent("mask.tif").path
        try Fixture.write(maskPath, width: w, height: h, type: .byte, bands: [selected.map { $0 ? 1 : 0 }])
        let kernel = try Kernel(rows: SeamTests.kernels.first { $0.0 == c.kernel }!.1)
        let expected = Fixture.expected(image, width: w, height: h, kernel: kernel, edge: c.edge, cval: 3.5,
                                        noData: -9999,
                                        selected: selected, inputType: type, outputType: type)
        for (tile, threads) in SeamTests.schedules {
            let out = dir.appendingPathComponent("out-\(tile ?? 0)-\(threads).tif").path
            var o = ApplyOptions(input: input, output: out, kernel: kernel)
            o.mask = maskPath
            o.edge = c.edge
            o.cval = 3.5
            o.tileSize = tile
            o.threads = threads
            _ = try Engine.apply(o)
            let got = try Fixture.read(out)[0]
            let diff = Fixture.mismatches(got, expected)
            #expect(diff.isEmpty, "tile \(tile.map(String.init) ?? "default"), \(threads) threads: \(diff)")
        }
    }

    /// A selection of small blobs, a lone pixel and a short line: most tiles then hold a few
    /// selected pixels, and only their bounding box is convolved.
    @Test(arguments: kernels.map(\.0))
    func sparseSelectionsEqualReference(_ name: String) throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let w = 37, h = 29
        let type = RasterDataType.float32
        var image = Fixture.values(width: w, height: h, seed: 5, type: type)
        for i in stride(from: 2, to: image.count, by: 19) { image[i] = .nan }   // invalid neighbours inside the boxes
        let input = dir.appendingPathComponent("in.tif").path
        try Fixture.write(input, width: w, height: h, type: type, bands: [image], noData: .nan)
        let selected = (0..<(w * h)).map { i -> Bool in
            let x = i % w, y = i / w
            return (x - 9) * (x - 9) + (y - 8) * (y - 8) <= 6 || (x - 30) * (x - 30) + (y - 22) * (y - 22) <= 3
                || (x == 20 && y == 3) || (y == 26 && x >= 2 && x < 7)
        }
        let maskPath = dir.appendingPathComponent("mask.tif").path
        try Fixture.write(maskPath, width: w, height: h, type: .byte, bands: [selected.map { $0 ? 1 : 0 }])
        let kernel = try Kernel(rows: SeamTests.kernels.first { $0.0 == name }!.1)
        for edge in [EdgeMode.reflect, .constant] {
            let expected = Fixture.expected(image, width: w, height: h, kernel: kernel, edge: edge, cval: 1.5,
                                            noData: .nan,
                                            selected: selected, inputType: type, outputType: type)
            for (tile, threads) in [(7, 2), (16, 3), (nil as Int?, 1)] {
                let out = dir.appendingPathComponent("out-\(edge)-\(tile ?? 0).tif").path
                var o = ApplyOptions(input: input, output: out, kernel: kernel)
                o.mask = maskPath
                o.edge = edge
                o.cval = 1.5
                o.tileSize = tile
                o.threads = threads
                _ = try Engine.apply(o)
                let diff = Fixture.mismatches(try Fixture.read(out)[0], expected)
                #expect(diff.isEmpty, "\(edge) tile \(tile.map(String.init) ?? "default"): \(diff)")
            }
        }
    }

    static let types: [RasterDataType] = [.byte, .uint16, .int16, .uint32, .int32, .float32, .float64]

    @Test(arguments: types)
    func everyDataTypeAndEdgeMode(_ type: RasterDataType) throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let w = 21, h = 18
        var image = Fixture.values(width: w, height: h, seed: 11, type: type)
        let noData: Double = type.isFloatingPoint ? .nan : type.minimum
        for i in stride(from: 3, to: image.count, by: 17) { image[i] = noData }
        if type.isFloatingPoint { image[40] = Double(Float(1e30)) }   // large float values survive
        let input = dir.appendingPathComponent("in.tif").path
        try Fixture.write(input, width: w, height: h, type: type, bands: [image, image.reversed()], noData: noData)
        let kernel = try Kernel(rows: [[1, -2, 1.25], [0.5, 3, -1], [2, 0, -0.75], [1, 1, 1]])   // 3x4, sum 6
        for edge in EdgeMode.allCases {
            for (tile, threads) in [(5, 3), (nil as Int?, 1)] {
                let out = dir.appendingPathComponent("out-\(edge)-\(tile ?? 0).tif").path
                var o = ApplyOptions(input: input, output: out, kernel: kernel)
                o.edge = edge
                o.cval = -2
                o.tileSize = tile
                o.threads = threads
                _ = try Engine.apply(o)
                let got = try Fixture.read(out)
                for (b, band) in [image, image.reversed()].enumerated() {
                    let exp = Fixture.expected(band, width: w, height: h, kernel: kernel, edge: edge, cval: -2,
                                               noData: noData,
                                               selected: nil, inputType: type, outputType: type)
                    let diff = Fixture.mismatches(got[b], exp)
                    #expect(diff.isEmpty,
                            "\(type.name) \(edge) band \(b + 1) tile \(String(describing: tile)): \(diff)")
                }
            }
        }
    }
}
