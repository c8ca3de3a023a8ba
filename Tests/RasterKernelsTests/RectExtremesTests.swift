import RasterKernels
import RasterTiling
import Testing

/// `min`, `max` and `range` over rectangles (`ck_extreme_rect`'s doubling spans) against the reference, bit for
/// bit: spans that are powers of two and spans that are not, one row or one column, footprints larger than the
/// raster, holes, NaN, every edge mode; where a window holds both zeros, `min` gives −0 and `max` +0 whatever the
/// tiling (the reference may give either zero), so tiled = untiled bit for bit.
@Suite struct RectExtremesTests {
    static let sides = [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 32, 33]

    @Test(arguments: 0..<24)
    func rectanglesMatchReference(_ seed: Int) throws {
        var rng = SplitMix(state: UInt64(seed) &* 104_729 &+ 5)
        let width = Int.random(in: 1...45, using: &rng), height = Int.random(in: 1...40, using: &rng)
        // Integers of a 16-bit band, floats with ties, or floats with −0 and +0.
        let kind = seed % 3
        var image: [Double] = (0..<(width * height)).map { _ in
            switch kind {
            case 0: return Double(Int.random(in: 0...65535, using: &rng))
            case 1: return Double(Int.random(in: -3...3, using: &rng)) + 0.5
            default: return [-0.0, 0.0, 1.5, -2.25].randomElement(using: &rng)!
            }
        }
        if kind != 0 {
            for i in image.indices where Double.random(in: 0...1, using: &rng) < 0.05 { image[i] = .nan }
        }
        let holes = [0, 0.2, 0.9].randomElement(using: &rng)!
        let valid = (0..<image.count).map { _ in Double.random(in: 0...1, using: &rng) >= holes }
        let selected = (0..<image.count).map { _ in Double.random(in: 0...1, using: &rng) < 0.8 }
        let footprint = try Footprint.rectangle(width: RectExtremesTests.sides.randomElement(using: &rng)!,
                                                height: RectExtremesTests.sides.randomElement(using: &rng)!)
        let edge = EdgeMode.allCases.randomElement(using: &rng)!
        let tileW = Int.random(in: 1...width, using: &rng), tileH = Int.random(in: 1...height, using: &rng)
        for method in [FilterMethod.minimum, .maximum, .range] {
            let reference = ReferenceNeighbourhood.apply(image: image, width: width, height: height, method: method,
                                                         footprint: footprint, edge: edge, cval: 0.5, valid: valid,
                                                         selected: selected)
            let op = NeighbourhoodFilter(method: method, footprint: footprint)
            var workspace = op.makeWorkspace()
            var results: [[Double]] = []
            for tiles in [tilesOf(width, height, tileW, tileH), [Window(width: width, height: height)]] {
                var result = image
                for w in tiles {
                    let fixture = PaddedTileFixture(image: image, valid: valid, width: width, height: height,
                                                    window: w, halo: footprint.halo, edge: edge, cval: 0.5)
                    let chosen = PaddedTileFixture.choice(w, width: width, image: image, valid: valid,
                                                          selected: selected)
                    let out = fixture.run(op, sample: kind == 0 ? .integer(min: 0, max: 65535) : .float,
                                          chosen: chosen, workspace: &workspace)
                    for y in 0..<w.height {
                        for x in 0..<w.width where chosen[y * w.width + x] != 0 {
                            result[(w.y + y) * width + w.x + x] = out[y * w.width + x]
                        }
                    }
                }
                for k in image.indices {
                    let zeros = result[k] == 0 && reference[k] == 0
                    #expect(result[k].bitPattern == reference[k].bitPattern || zeros
                            || (result[k].isNaN && reference[k].isNaN),
                            "\(method) \(footprint) \(edge) \(width)x\(height) pixel \(k): \(result[k]) vs \(reference[k])")
                }
                results.append(result)
            }
            #expect(results[0].map(\.bitPattern) == results[1].map(\.bitPattern), "\(method) \(footprint): tiled == untiled")
        }
    }

    /// Where a window holds both zeros, `min` is −0 and `max` +0, on every tiling (tiles of one pixel too), for a
    /// rectangle (C) and for a disk and a custom footprint (the van Herk runs in Swift).
    @Test(arguments: ["rect:3x2", "disk:1", "custom"])
    func zerosOrderNegativeFirst(_ shape: String) throws {
        let width = 7, height = 3
        let image: [Double] = [0, -0.0, 0, 2, 0, 0, -0.0,
                               1, 0, 0, -0.0, 3, 0, 0,
                               0, 0, 0, 0, 0, -0.0, 1]
        let footprint = switch shape {
        case "rect:3x2": try Footprint.rectangle(width: 3, height: 2)
        case "disk:1": try Footprint.disk(radius: 1)
        default: try Footprint(width: 3, height: 2, mask: [true, false, true, false, true, true], spec: "custom:3x2")
        }
        for method in [FilterMethod.minimum, .maximum] {
            let op = NeighbourhoodFilter(method: method, footprint: footprint)
            var workspace = op.makeWorkspace()
            for (tw, th) in [(1, 1), (2, 3), (width, height)] {
                var result = image
                for w in tilesOf(width, height, tw, th) {
                    let fixture = PaddedTileFixture(image: image, valid: nil, width: width, height: height,
                                                    window: w, halo: footprint.halo, edge: .nearest, cval: 0)
                    let out = fixture.run(op, sample: .float, chosen: nil, workspace: &workspace)
                    for y in 0..<w.height {
                        for x in 0..<w.width { result[(w.y + y) * width + w.x + x] = out[y * w.width + x] }
                    }
                }
                let reference = ReferenceNeighbourhood.apply(image: image, width: width, height: height,
                                                             method: method, footprint: footprint, edge: .nearest)
                for k in image.indices {
                    #expect(result[k] == reference[k], "\(method) pixel \(k)")
                    if result[k] == 0 {
                        // Does the window hold a −0 (min: −0 wins) or a +0 (max: +0 wins)?
                        let (x, y) = (k % width, k / width)
                        var holds = false
                        for j in 0..<footprint.height {
                            for i in 0..<footprint.width where footprint.mask[j * footprint.width + i] {
                                let px = min(max(x + i - footprint.halo.left, 0), width - 1)
                                let py = min(max(y + j - footprint.halo.top, 0), height - 1)
                                let v = image[py * width + px]
                                if v == 0 && (v.sign == .minus) == (method == .minimum) { holds = true }
                            }
                        }
                        #expect((result[k].sign == .minus) == (method == .minimum ? holds : !holds),
                                "\(method) \(shape) \(tw)x\(th) pixel \(k): \(result[k])")
                    }
                }
            }
        }
    }
}
