import RasterKernels
import RasterTiling
import Testing

/// Every tile path against the reference on random planes, validity, choices, footprints and tilings.
@Suite struct NeighbourhoodPropertyTests {
    static let methods: [FilterMethod] = [.median, .minimum, .maximum, .range, .percentile(10), .percentile(50),
                                          .percentile(73.5), .percentile(100), .mean, .variance,
                                          .standardDeviation, .mode, .lee(looks: 3)]

    /// A random footprint: a rectangle, a disk or a random mask, even sizes included.
    static func footprint(_ rng: inout SplitMix) -> Footprint {
        switch Int.random(in: 0..<3, using: &rng) {
        case 0: return try! .rectangle(width: .random(in: 1...7, using: &rng), height: .random(in: 1...7, using: &rng))
        case 1: return try! .disk(radius: .random(in: 0...3, using: &rng))
        default:
            let w = Int.random(in: 1...6, using: &rng), h = Int.random(in: 1...6, using: &rng)
            var mask = (0..<(w * h)).map { _ in Bool.random(using: &rng) }
            mask[Int.random(in: 0..<(w * h), using: &rng)] = true
            return try! Footprint(width: w, height: h, mask: mask, spec: "custom:\(w)x\(h)")
        }
    }

    /// A random plane of the sample kind: class-map integers, 16-bit integers, or floats with ties.
    static func plane(_ count: Int, kind: Int, _ rng: inout SplitMix) -> (values: [Double], sample: SampleKind) {
        switch kind {
        case 0: return ((0..<count).map { _ in Double(Int.random(in: 0...4, using: &rng) * 50) },
                        .integer(min: 0, max: 255))
        case 1: return ((0..<count).map { _ in Double(Int.random(in: 0...65535, using: &rng)) },
                        .integer(min: 0, max: 65535))
        case 2: return ((0..<count).map { _ in Double(Int.random(in: -32768...32767, using: &rng)) },
                        .integer(min: -32768, max: 32767))
        case 3: return ((0..<count).map { _ in Double(Float(Double.random(in: 0...3, using: &rng).rounded() + 0.25)) },
                        .float)
        default: return ((0..<count).map { _ in Double.random(in: -1e6...1e6, using: &rng) }, .float)
        }
    }

    @Test(arguments: 0..<60)
    func tilesMatchReference(_ seed: Int) throws {
        var rng = SplitMix(state: UInt64(seed) &* 7919 &+ 17)
        let width = Int.random(in: 1...13, using: &rng), height = Int.random(in: 1...11, using: &rng)
        let kind = Int.random(in: 0..<5, using: &rng)
        var (image, sample) = NeighbourhoodPropertyTests.plane(width * height, kind: kind, &rng)
        let holes = Double.random(in: 0...0.6, using: &rng)
        let valid = (0..<image.count).map { _ in Double.random(in: 0...1, using: &rng) >= holes }
        if sample == .float && Bool.random(using: &rng) {
            for i in image.indices where Double.random(in: 0...1, using: &rng) < 0.1 { image[i] = .nan }
        }
        let selected = (0..<image.count).map { _ in Double.random(in: 0...1, using: &rng) < 0.7 }
        let footprint = NeighbourhoodPropertyTests.footprint(&rng)
        let edge = EdgeMode.allCases.randomElement(using: &rng)!
        let cval = sample == .float ? 0.75 : 50
        // Random tiling of the raster, each tile with the footprint's halo (or a larger one).
        let tileW = Int.random(in: 1...width, using: &rng), tileH = Int.random(in: 1...height, using: &rng)
        let extra = Int.random(in: 0...1, using: &rng)
        let h = footprint.halo
        let halo = Halo(left: h.left + extra, top: h.top, right: h.right, bottom: h.bottom + extra)
        for method in NeighbourhoodPropertyTests.methods {
            if method == .mode && sample == .float { continue }
            let reference = ReferenceNeighbourhood.apply(image: image, width: width, height: height, method: method,
                                                         footprint: footprint, edge: edge, cval: cval, valid: valid,
                                                         selected: selected)
            let op = NeighbourhoodFilter(method: method, footprint: footprint)
            var workspace = op.makeWorkspace()
            var tiled = image, whole = image
            let tilings = [(0, tilesOf(width, height, tileW, tileH)), (1, [Window(width: width, height: height)])]
            for (target, tiles) in tilings {
                for w in tiles {
                    let fixture = PaddedTileFixture(image: image, valid: valid, width: width, height: height,
                                                    window: w, halo: halo, edge: edge, cval: cval)
                    let chosen = PaddedTileFixture.choice(w, width: width, image: image, valid: valid,
                                                          selected: selected)
                    let out = fixture.run(op, sample: sample, chosen: chosen, workspace: &workspace)
                    for y in 0..<w.height {
                        for x in 0..<w.width where chosen[y * w.width + x] != 0 {
                            let k = (w.y + y) * width + w.x + x
                            if target == 0 { tiled[k] = out[y * w.width + x] } else { whole[k] = out[y * w.width + x] }
                        }
                    }
                }
            }
            let scale = image.filter { !$0.isNaN }.map(abs).max() ?? 1
            #expect(tiled.map(\.bitPattern) == whole.map(\.bitPattern), "\(method) \(footprint): tiled == untiled")
            for k in image.indices {
                let same = agrees(tiled[k], reference[k], method: method, scale: scale)
                #expect(same || (tiled[k].isNaN && reference[k].isNaN),
                        "\(method) \(footprint) \(edge) pixel \(k): \(tiled[k]) vs \(reference[k])")
                if sample == .float || method.selectsInputValue || method == .range {
                    #expect(tiled[k].bitPattern == reference[k].bitPattern || (tiled[k] == 0 && reference[k] == 0),
                            "\(method): the direct and selecting paths give the reference's bits")
                }
            }
        }
    }

    /// The direct rank path against the histogram path on the same tile (forcing both by footprint size).
    @Test(arguments: [0, 1, 2, 3, 4])
    func histogramRankMatchesSorting(_ kind: Int) {
        var rng = SplitMix(state: UInt64(kind) + 1000)
        let width = 20, height = 9
        let (image, sample) = NeighbourhoodPropertyTests.plane(width * height, kind: kind, &rng)
        let valid = (0..<image.count).map { _ in Double.random(in: 0...1, using: &rng) > 0.2 }
        for footprint in [try! Footprint.disk(radius: 3), try! Footprint.rectangle(width: 6, height: 5)] {
            for method in [FilterMethod.median, .percentile(0), .percentile(33), .percentile(100), .mode] {
                if method == .mode && sample == .float { continue }
                let reference = ReferenceNeighbourhood.apply(image: image, width: width, height: height, method: method,
                                                             footprint: footprint, edge: .reflect, valid: valid)
                let fixture = PaddedTileFixture(image: image, valid: valid, width: width, height: height,
                                                window: Window(width: width, height: height), halo: footprint.halo,
                                                edge: .reflect, cval: 0)
                let op = NeighbourhoodFilter(method: method, footprint: footprint)
                var workspace = op.makeWorkspace()
                let out = fixture.run(op, sample: sample, chosen: valid.map { $0 ? 1 : 0 }, workspace: &workspace)
                for k in image.indices where valid[k] { #expect(out[k] == reference[k], "\(method) pixel \(k)") }
            }
        }
    }

    /// Large footprints over many distinct values (the histogram's block skipping), with sparse choices
    /// (window restarts after gaps longer than the footprint).
    @Test(arguments: [1, 4])
    func largeFootprintsAndSparseChoices(_ kind: Int) {
        var rng = SplitMix(state: UInt64(kind) + 77)
        let width = 40, height = 22
        let (image, sample) = NeighbourhoodPropertyTests.plane(width * height, kind: kind, &rng)
        let chosen = (0..<image.count).map { _ in UInt8(Double.random(in: 0...1, using: &rng) < 0.08 ? 1 : 0) }
        for footprint in [try! Footprint.rectangle(width: 15, height: 14), try! Footprint.disk(radius: 7)] {
            for method in [FilterMethod.median, .percentile(95), .minimum, .range, .variance] {
                let reference = ReferenceNeighbourhood.apply(image: image, width: width, height: height,
                                                             method: method, footprint: footprint, edge: .mirror)
                let fixture = PaddedTileFixture(image: image, valid: nil, width: width, height: height,
                                                window: Window(width: width, height: height), halo: footprint.halo,
                                                edge: .mirror, cval: 0)
                let op = NeighbourhoodFilter(method: method, footprint: footprint)
                var workspace = op.makeWorkspace()
                let out = fixture.run(op, sample: sample, chosen: chosen, useValid: false, workspace: &workspace)
                for k in image.indices where chosen[k] != 0 {
                    #expect(agrees(out[k], reference[k], method: method, scale: 1e6), "\(method) pixel \(k)")
                }
            }
        }
    }

    @Test func integerSamplesWithNonIntegerValuesFallBack() {
        // cval 0.5 on a "Byte" band: the histogram and the exact sums must notice and take another path.
        let image: [Double] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
        let footprint = try! Footprint.rectangle(width: 4, height: 4)
        for method in [FilterMethod.median, .mean, .variance, .minimum] {
            let reference = ReferenceNeighbourhood.apply(image: image, width: 4, height: 3, method: method,
                                                         footprint: footprint, edge: .constant, cval: 0.5)
            let fixture = PaddedTileFixture(image: image, valid: nil, width: 4, height: 3,
                                            window: Window(width: 4, height: 3), halo: footprint.halo,
                                            edge: .constant, cval: 0.5)
            let op = NeighbourhoodFilter(method: method, footprint: footprint)
            var workspace = op.makeWorkspace()
            let out = fixture.run(op, sample: .integer(min: 0, max: 255), chosen: nil, useValid: false,
                                  workspace: &workspace)
            for k in image.indices { #expect(agrees(out[k], reference[k], method: method, scale: 12)) }
        }
    }

    @Test func infiniteValuesTakeTheDirectPath() {
        let image: [Double] = [1, .infinity, 3, -.infinity, 5, 6]
        let footprint = try! Footprint.rectangle(width: 3, height: 3)
        for method in [FilterMethod.minimum, .maximum, .range] {
            let reference = ReferenceNeighbourhood.apply(image: image, width: 3, height: 2, method: method,
                                                         footprint: footprint, edge: .nearest)
            let fixture = PaddedTileFixture(image: image, valid: nil, width: 3, height: 2,
                                            window: Window(width: 3, height: 2), halo: footprint.halo,
                                            edge: .nearest, cval: 0)
            let op = NeighbourhoodFilter(method: method, footprint: footprint)
            var workspace = op.makeWorkspace()
            let out = fixture.run(op, sample: .float, chosen: nil, workspace: &workspace)
            #expect(out.map(\.bitPattern) == reference.map(\.bitPattern))
            // Pixel 0 reads 1, +∞ and −∞ (edge nearest): min −∞, max +∞, range +∞.
            #expect(out[0] == (method == .minimum ? -.infinity : .infinity))
        }
    }
}

/// Tiles of `tw × th` covering a `width × height` raster.
func tilesOf(_ width: Int, _ height: Int, _ tw: Int, _ th: Int) -> [Window] {
    stride(from: 0, to: height, by: th).flatMap { y in
        stride(from: 0, to: width, by: tw).map { x in
            Window(x: x, y: y, width: min(tw, width - x), height: min(th, height - y))
        }
    }
}
