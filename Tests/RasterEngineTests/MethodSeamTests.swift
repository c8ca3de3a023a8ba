import Foundation
import GDALKit
import RasterEngine
import RasterKernels
import RasterTiling
import TestSupport
import Testing

/// The footprint methods through the whole engine: tiled output equals the untiled reference
/// (`ReferenceNeighbourhood`, itself checked against scipy) composited by the mask, for every
/// method, edge mode, footprint shape, tile size down to 1 and 1–4 threads; and
/// `--grow-mask` / `--shrink-mask` equal the whole-image morphology of the selection.
@Suite(.serialized) struct MethodSeamTests {
    static let methods = ["median", "min", "max", "range", "percentile:30", "mean", "variance", "stddev", "mode",
                          "lee:4"]
    static let footprints = ["square:3", "rect:4x2", "disk:2", "0,1,1;1,0,1"]
    static let schedules: [(Int?, Int)] = [(1, 1), (3, 4), (7, 2), (nil, 3)]

    struct Case: CustomTestStringConvertible, Sendable {
        let method: String, footprint: String, edge: EdgeMode
        var testDescription: String { "\(method) \(footprint) \(edge.rawValue)" }
    }
    /// Every method on every edge mode, the footprints taken in turn.
    static let cases = methods.enumerated().flatMap { (m, method) in
        EdgeMode.allCases.enumerated().map { (e, edge) in
            Case(method: method, footprint: footprints[(m + e) % footprints.count], edge: edge)
        }
    }

    /// Rank methods and mode give input values: compared bit for bit in the input's type.
    /// The others are compared in Float64 within 1e-12 relative.
    static func isExact(_ method: FilterMethod) -> Bool { method.selectsInputValue }

    @Test(arguments: cases)
    func tiledEqualsReference(_ c: Case) throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let w = 23, h = 19
        let type = RasterDataType.int16
        var image = Fixture.values(width: w, height: h, seed: 3, type: type).map { ($0 / 700).rounded() }
        for i in stride(from: 4, to: image.count, by: 17) { image[i] = -9999 }   // nodata holes, edges included
        image[0] = -9999
        let input = dir.appendingPathComponent("in.tif").path
        try Fixture.write(input, width: w, height: h, type: type, bands: [image], noData: -9999)
        let selected = (0..<(w * h)).map { ($0 * 7919) % 4 != 0 }
        let maskPath = dir.appendingPathComponent("mask.tif").path
        try Fixture.write(maskPath, width: w, height: h, type: .byte, bands: [selected.map { $0 ? 1 : 0 }])
        let method = try FilterMethod(parsing: c.method)
        let footprint = try Footprint(parsing: c.footprint)
        let exact = MethodSeamTests.isExact(method)
        let valid = image.map { $0 != -9999 }
        let reference = ReferenceNeighbourhood.apply(image: image, width: w, height: h, method: method,
                                                     footprint: footprint, edge: c.edge, cval: 2, valid: valid,
                                                     selected: selected)
        let expected = reference.map { Fixture.stored($0, as: exact ? type : .float64, noData: -9999) }
        for (tile, threads) in MethodSeamTests.schedules {
            let out = dir.appendingPathComponent("out-\(tile ?? 0)-\(threads).tif").path
            let diff = try MethodSeamTests.mismatches(input, out, method, footprint, mask: maskPath, edge: c.edge,
                                                      tile: tile, threads: threads, exact: exact, expected: expected)
            #expect(diff.isEmpty, "tile \(tile.map(String.init) ?? "default"), \(threads) threads: \(diff)")
        }
    }

    /// Sparse selections (two discs, a lone pixel, a short line): most tiles hold a few chosen pixels, and the
    /// method runs on their bounding box only, read with just the halo they reach.
    @Test(arguments: methods)
    func sparseSelectionsEqualReference(_ name: String) throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let w = 37, h = 29
        let type = RasterDataType.int16
        var image = Fixture.values(width: w, height: h, seed: 6, type: type).map { ($0 / 500).rounded() }
        for i in stride(from: 2, to: image.count, by: 19) { image[i] = -9999 }   // holes inside the boxes
        let input = dir.appendingPathComponent("in.tif").path
        try Fixture.write(input, width: w, height: h, type: type, bands: [image], noData: -9999)
        let selected = (0..<(w * h)).map { i -> Bool in
            let x = i % w, y = i / w
            return (x - 9) * (x - 9) + (y - 8) * (y - 8) <= 6 || (x - 30) * (x - 30) + (y - 22) * (y - 22) <= 3
                || (x == 20 && y == 3) || (y == 26 && x >= 2 && x < 7) || (x == 36 && y == 0)
        }
        let maskPath = dir.appendingPathComponent("mask.tif").path
        try Fixture.write(maskPath, width: w, height: h, type: .byte, bands: [selected.map { $0 ? 1 : 0 }])
        let method = try FilterMethod(parsing: name)
        let exact = MethodSeamTests.isExact(method)
        for (edge, shape) in [(EdgeMode.reflect, "disk:2"), (.wrap, "rect:4x2"), (.constant, "0,1,1;1,0,1")] {
            let footprint = try Footprint(parsing: shape)
            let reference = ReferenceNeighbourhood.apply(image: image, width: w, height: h, method: method,
                                                         footprint: footprint, edge: edge, cval: 2,
                                                         valid: image.map { $0 != -9999 }, selected: selected)
            let expected = reference.map { Fixture.stored($0, as: exact ? type : .float64, noData: -9999) }
            for (tile, threads) in [(7, 2), (16, 3), (nil, 1)] as [(Int?, Int)] {
                let out = dir.appendingPathComponent("out-\(edge)-\(tile ?? 0).tif").path
                let diff = try MethodSeamTests.mismatches(input, out, method, footprint, mask: maskPath,
                                                          edge: edge, tile: tile, threads: threads, exact: exact,
                                                          expected: expected)
                #expect(diff.isEmpty, "\(shape) \(edge) tile \(tile.map(String.init) ?? "default"): \(diff)")
            }
        }
    }

    /// Float32 with NaN holes: NaN neighbours are left out, NaN pixels stay NaN.
    @Test(arguments: ["median", "max", "percentile:90"])
    func floatBandsWithNaN(_ name: String) throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let w = 17, h = 13
        var image = Fixture.values(width: w, height: h, seed: 9, type: .float32)
        for i in stride(from: 1, to: image.count, by: 11) { image[i] = .nan }
        let input = dir.appendingPathComponent("in.tif").path
        try Fixture.write(input, width: w, height: h, type: .float32, bands: [image], noData: .nan)
        let method = try FilterMethod(parsing: name), footprint = try Footprint(parsing: "disk:1")
        let expected = ReferenceNeighbourhood.apply(image: image, width: w, height: h, method: method,
                                                    footprint: footprint, edge: .reflect)
            .map { Fixture.stored($0, as: .float32, noData: .nan) }
        for (tile, threads) in [(2, 3), (5, 1)] {
            let out = dir.appendingPathComponent("out-\(tile).tif").path
            var o = ApplyOptions(input: input, output: out, method: method, footprint: footprint)
            o.tileSize = tile
            o.threads = threads
            _ = try Engine.apply(o)
            #expect(Fixture.mismatches(try Fixture.read(out)[0], expected).isEmpty)
        }
    }

    /// `--grow-mask` / `--shrink-mask` across tiles and chunks equal the whole-image dilation and
    /// erosion of the selection (outside the raster unselected), then the filter composited by it.
    @Test(arguments: [(2, true), (3, false), (1, true)])
    func grownAndShrunkSelections(_ radius: Int, _ grow: Bool) throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let w = 31, h = 24
        let image = Fixture.values(width: w, height: h, seed: 4, type: .uint16)
        let input = dir.appendingPathComponent("in.tif").path
        try Fixture.write(input, width: w, height: h, type: .uint16, bands: [image])
        let selected: [UInt8] = (0..<(w * h)).map { i in
            let x = i % w, y = i / w
            return (x - 8) * (x - 8) + (y - 7) * (y - 7) <= 12 || (x > 18 && y > 12) || (x == 25 && y == 2) ? 1 : 0
        }
        let maskPath = dir.appendingPathComponent("mask.tif").path
        try Fixture.write(maskPath, width: w, height: h, type: .byte, bands: [selected.map(Double.init)])
        let morphed = SelectionMorphology.apply(grow: grow, radius: radius, selected: selected, width: w, height: h)
        let method = FilterMethod.median, footprint = try Footprint(parsing: "square:3")
        let expected = ReferenceNeighbourhood.apply(image: image, width: w, height: h, method: method,
                                                    footprint: footprint, edge: .reflect,
                                                    selected: morphed.map { $0 != 0 })
        for (tile, threads) in [(4, 3), (16, 2), (nil, 1)] as [(Int?, Int)] {
            let out = dir.appendingPathComponent("out-\(tile ?? 0).tif").path
            var o = ApplyOptions(input: input, output: out, method: method, footprint: footprint)
            o.mask = maskPath
            if grow { o.growMask = radius } else { o.shrinkMask = radius }
            o.tileSize = tile
            o.threads = threads
            _ = try Engine.apply(o)
            let diff = Fixture.mismatches(try Fixture.read(out)[0], expected)
            #expect(diff.isEmpty, "tile \(tile.map(String.init) ?? "default"): \(diff)")
        }
    }

    /// Runs `method` over `footprint` on `input` (cval 2; Float64 output unless `exact`) with the given tile
    /// size and threads into `out`, and lists up to three pixels differing from `expected`: bit for bit when
    /// `exact`, else beyond 1e-12 relative.
    static func mismatches(_ input: String, _ out: String, _ method: FilterMethod, _ footprint: Footprint,
                           mask: String?, edge: EdgeMode, tile: Int?, threads: Int, exact: Bool,
                           expected: [Double]) throws -> [String] {
        var o = ApplyOptions(input: input, output: out, method: method, footprint: footprint)
        o.mask = mask
        o.edge = edge
        o.cval = 2
        o.tileSize = tile
        o.threads = threads
        if !exact { o.outputType = .float64 }
        _ = try Engine.apply(o)
        let got = try Fixture.read(out)[0]
        return exact ? Fixture.mismatches(got, expected)
            : zip(got, expected).enumerated()
                .filter { abs($0.element.0 - $0.element.1) > 1e-12 * max(1, abs($0.element.1)) }
                .prefix(3).map { "pixel \($0.offset): got \($0.element.0), expected \($0.element.1)" }
    }
}
