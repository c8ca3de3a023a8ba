import Foundation
import RasterKernels
import RasterTiling
import Testing

/// scipy.ndimage.convolve results (made by Fixtures/make_scipy_golden.py) against the
/// reference convolution and the engine's tile convolution.
struct GoldenCase: Decodable, CustomTestStringConvertible {
    let name: String
    let width: Int, height: Int
    let image: [Double]
    let kernel: [[Double]]
    let mode: String
    let cval: Double
    let expected: [Double]
    var testDescription: String { name }
}

private struct GoldenFile: Decodable { let scipy: String; let cases: [GoldenCase] }

let goldenCases: [GoldenCase] = {
    let url = Bundle.module.url(forResource: "scipy_golden", withExtension: "json", subdirectory: "Fixtures")!
    return try! JSONDecoder().decode(GoldenFile.self, from: Data(contentsOf: url)).cases
}()

@Suite struct ScipyGoldenTests {
    @Test func fixtureCoversEveryModeAndEvenKernels() {
        #expect(Set(goldenCases.map(\.mode)) == Set(EdgeMode.allCases.map(\.rawValue)))
        #expect(goldenCases.contains { $0.kernel.count % 2 == 0 && $0.kernel[0].count % 2 == 0 })
        #expect(goldenCases.count >= 50)
    }

    @Test(arguments: goldenCases)
    func referenceMatchesScipy(_ c: GoldenCase) throws {
        let k = try Kernel(rows: c.kernel)
        let out = ReferenceConvolution.apply(image: c.image, width: c.width, height: c.height, kernel: k,
                                             edge: EdgeMode(rawValue: c.mode)!, cval: c.cval)
        let scale = (c.image.map(abs).max() ?? 1) * k.values.reduce(0) { $0 + abs($1) }
        for i in out.indices {
            #expect(abs(out[i] - c.expected[i]) <= 1e-9 * scale, "pixel \(i)")
        }
    }

    @Test(arguments: goldenCases)
    func paddedConvolutionMatchesScipy(_ c: GoldenCase) throws {
        // The engine's path: pad through AxisGather, then correlate with the flipped taps.
        let k = try Kernel(rows: c.kernel)
        let edge = EdgeMode(rawValue: c.mode)!
        let h = k.halo
        let gx = AxisGather(start: -h.left, length: c.width + h.left + h.right, count: c.width, edge: edge)
        let gy = AxisGather(start: -h.top, length: c.height + h.top + h.bottom, count: c.height, edge: edge)
        let pw = gx.slots.count, ph = gy.slots.count
        let gathered = gy.runs.flatMap { ry in
            ry.flatMap { y in gx.runs.flatMap { rx in rx.map { x in c.image[y * c.width + x] } } }
        }
        var padded = [Double](repeating: 0, count: pw * ph)
        for py in 0..<ph {
            for px in 0..<pw {
                if let sy = gy.slots[py], let sx = gx.slots[px] {
                    padded[py * pw + px] = gathered[sy * gx.gatheredCount + sx]
                } else {
                    padded[py * pw + px] = c.cval
                }
            }
        }
        var out = [Double](repeating: .nan, count: c.width * c.height)
        var rows = [Double](repeating: .nan, count: ph * c.width)
        padded.withPlaneRow { p in
            out.withMutablePlaneRow { o in
                rows.withMutablePlaneRow { r in
                    Convolution.convolve(taps: Taps(k), padded: p.plane(width: pw, height: ph),
                                         into: o.plane(width: c.width, height: c.height), rows: r)
                }
            }
        }
        let reference = ReferenceConvolution.apply(image: c.image, width: c.width, height: c.height, kernel: k,
                                                   edge: edge, cval: c.cval)
        #expect(out == reference, "the tile path must give the reference's exact bits")
        let scale = (c.image.map(abs).max() ?? 1) * k.values.reduce(0) { $0 + abs($1) }
        for i in out.indices { #expect(abs(out[i] - c.expected[i]) <= 1e-9 * scale) }
    }
}
