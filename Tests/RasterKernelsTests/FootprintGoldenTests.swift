import Foundation
import RasterKernels
import RasterTiling
import Testing

/// scipy.ndimage footprint filters (Fixtures/make_scipy_footprint_golden.py) against the reference and the
/// tile operation.
struct FootprintGoldenCase: Decodable, CustomTestStringConvertible {
    let name: String
    let sample: String
    let width: Int, height: Int
    let image: [Double]
    let valid: [Int]
    let nanHoles: Bool
    let footprint: String
    let mode: String
    let cval: Double
    let expected: [String: [Double]]
    var testDescription: String { name }

    var sampleKind: SampleKind {
        switch sample {
        case "byte": return .integer(min: 0, max: 255)
        case "uint16": return .integer(min: 0, max: 65535)
        case "int16": return .integer(min: -32768, max: 32767)
        default: return .float
        }
    }

    /// The image with NaN in its holes when the holes are NaN, and the validity mask otherwise.
    var inputs: (image: [Double], valid: [Bool]?) {
        if nanHoles { return (zip(image, valid).map { $1 == 0 ? .nan : $0 }, nil) }
        return (image, valid.map { $0 != 0 })
    }
}

struct MorphologyGoldenCase: Decodable, CustomTestStringConvertible {
    let name: String
    let width: Int, height: Int, radius: Int
    let selected: [UInt8], grown: [UInt8], shrunk: [UInt8]
    var testDescription: String { name }
}

private struct FootprintGoldenFile: Decodable {
    let scipy: String
    let cases: [FootprintGoldenCase]
    let morphology: [MorphologyGoldenCase]
}

private let footprintGolden: FootprintGoldenFile = {
    let url = Bundle.module.url(forResource: "scipy_footprint_golden", withExtension: "json",
                                subdirectory: "Fixtures")!
    return try! JSONDecoder().decode(FootprintGoldenFile.self, from: Data(contentsOf: url))
}()
let footprintCases = footprintGolden.cases
let morphologyCases = footprintGolden.morphology

@Suite struct FootprintGoldenTests {
    @Test func fixtureCoversModesTypesAndShapes() {
        #expect(Set(footprintCases.map(\.mode)) == Set(EdgeMode.allCases.map(\.rawValue)))
        #expect(Set(footprintCases.map(\.sample)) == ["byte", "uint16", "int16", "float32", "float64"])
        #expect(footprintCases.contains { $0.width == 1 } && footprintCases.contains { $0.height == 1 })
        #expect(footprintCases.contains { $0.nanHoles })
        #expect(footprintCases.contains { !$0.nanHoles && $0.valid.contains(0) })
        #expect(Set(footprintCases.flatMap { $0.expected.keys }).count == 13)
    }

    @Test(arguments: footprintCases)
    func referenceAndTileMatchScipy(_ c: FootprintGoldenCase) throws {
        let footprint = try Footprint(parsing: c.footprint)
        let edge = EdgeMode(rawValue: c.mode)!
        let (image, valid) = c.inputs
        let scale = image.filter { !$0.isNaN }.map(abs).max() ?? 1
        let fixture = PaddedTileFixture(image: image, valid: valid, width: c.width, height: c.height,
                                        window: Window(width: c.width, height: c.height), halo: footprint.halo,
                                        edge: edge, cval: c.cval)
        for (name, expected) in c.expected.sorted(by: { $0.key < $1.key }) {
            let method = try FilterMethod(parsing: name)
            let reference = ReferenceNeighbourhood.apply(image: image, width: c.width, height: c.height,
                                                         method: method, footprint: footprint, edge: edge,
                                                         cval: c.cval, valid: valid)
            let op = NeighbourhoodFilter(method: method, footprint: footprint)
            var workspace = op.makeWorkspace()
            let chosen = (0..<image.count).map { image[$0].isNaN || !(valid?[$0] ?? true) ? UInt8(0) : 1 }
            let tile = fixture.run(op, sample: c.sampleKind, chosen: chosen, workspace: &workspace)
            for i in expected.indices where chosen[i] != 0 {
                let e = expected[i]
                #expect(agrees(reference[i], e, method: method, scale: scale), "\(name) reference pixel \(i)")
                #expect(agrees(tile[i], e, method: method, scale: scale), "\(name) tile pixel \(i): \(tile[i]) vs \(e)")
            }
            for i in expected.indices where chosen[i] == 0 {
                #expect(reference[i].bitPattern == image[i].bitPattern, "\(name): an invalid pixel stays")
            }
        }
    }

    @Test(arguments: morphologyCases)
    func morphologyMatchesScipy(_ c: MorphologyGoldenCase) {
        let grown = SelectionMorphology.apply(grow: true, radius: c.radius, selected: c.selected,
                                              width: c.width, height: c.height)
        let shrunk = SelectionMorphology.apply(grow: false, radius: c.radius, selected: c.selected,
                                               width: c.width, height: c.height)
        #expect(grown == c.grown)
        #expect(shrunk == c.shrunk)
    }

    @Test func morphologyDiskIsTheFootprintDisk() {
        // One selected pixel grown by R is exactly disk:R, centred on it.
        for r in [0, 1, 2, 5, 9] {
            let n = 2 * r + 1
            var plane = [UInt8](repeating: 0, count: n * n)
            plane[r * n + r] = 1
            let grown = SelectionMorphology.apply(grow: true, radius: r, selected: plane, width: n, height: n)
            #expect(grown.map { $0 != 0 } == (try! Footprint.disk(radius: r)).mask, "radius \(r)")
        }
        let big = SelectionMorphology.apply(grow: true, radius: 300, selected: [1], width: 1, height: 1)
        #expect(big == [1])
    }
}
