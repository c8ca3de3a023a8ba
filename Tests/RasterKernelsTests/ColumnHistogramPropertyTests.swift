@testable import RasterKernels
import RasterTiling
import Testing

/// The column-histogram path (Perreault & Hébert strips, `TileKeys`) forced on, against the reference: random
/// planes (few and many distinct values, integer and float, fractions on integer bands), validity, NaN, choices
/// (dense and sparse), rectangles, edge modes, tilings and strip widths, one workspace reused throughout (so the
/// column counters must come back to zero after every strip).
@Suite struct ColumnHistogramPropertyTests {
    static let methods: [FilterMethod] = [.median, .percentile(0), .percentile(37.5), .percentile(100), .minimum,
                                          .maximum, .mode]

    @Test(arguments: 0..<48)
    func forcedPathMatchesReference(_ seed: Int) {
        var rng = SplitMix(state: UInt64(seed) &* 104_729 &+ 3)
        let width = Int.random(in: 1...24, using: &rng), height = Int.random(in: 1...16, using: &rng)
        let kind = Int.random(in: 0..<5, using: &rng)
        var (image, sample) = NeighbourhoodPropertyTests.plane(width * height, kind: kind, &rng)
        if sample != .float && Int.random(in: 0..<6, using: &rng) == 0 { image[0] += 0.5 }  // not an integer
        let holes = [0, 0.1, 0.5, 0.9].randomElement(using: &rng)!
        let valid = (0..<image.count).map { _ in Double.random(in: 0...1, using: &rng) >= holes }
        if sample == .float && Bool.random(using: &rng) {
            for i in image.indices where Double.random(in: 0...1, using: &rng) < 0.1 { image[i] = .nan }
        }
        let density = [1, 0.7, 0.1, 0.02].randomElement(using: &rng)!
        let selected = (0..<image.count).map { _ in Double.random(in: 0...1, using: &rng) < density }
        let big = Int.random(in: 0..<4, using: &rng) == 0
        let footprint = try! Footprint.rectangle(width: .random(in: 1...(big ? 17 : 7), using: &rng),
                                                 height: .random(in: 1...(big ? 15 : 7), using: &rng))
        let edge = EdgeMode.allCases.randomElement(using: &rng)!
        let cval = sample == .float ? 0.75 : 50
        let tileW = Int.random(in: 1...width, using: &rng), tileH = Int.random(in: 1...height, using: &rng)
        let stripWidth = Bool.random(using: &rng) ? nil : Int.random(in: 1...9, using: &rng)
        let workspace = NeighbourhoodWorkspace()
        for method in ColumnHistogramPropertyTests.methods {
            if method == .mode && sample == .float { continue }
            let reference = ReferenceNeighbourhood.apply(image: image, width: width, height: height, method: method,
                                                         footprint: footprint, edge: edge, cval: cval, valid: valid,
                                                         selected: selected)
            let op = NeighbourhoodFilter(method: method, footprint: footprint)
            var result = image
            for w in tilesOf(width, height, tileW, tileH) {
                let fixture = PaddedTileFixture(image: image, valid: valid, width: width, height: height,
                                                window: w, halo: footprint.halo, edge: edge, cval: cval)
                let chosen = PaddedTileFixture.choice(w, width: width, image: image, valid: valid, selected: selected)
                let out = fixture.runColumnHistogram(op, sample: sample, chosen: chosen, stripWidth: stripWidth,
                                                     workspace: workspace)
                for y in 0..<w.height {
                    for x in 0..<w.width where chosen[y * w.width + x] != 0 {
                        result[(w.y + y) * width + w.x + x] = out[y * w.width + x]
                    }
                }
            }
            for k in image.indices {
                let same = result[k].bitPattern == reference[k].bitPattern || (result[k] == 0 && reference[k] == 0)
                let what = "\(method) \(footprint) \(edge) strip \(stripWidth ?? 0) pixel \(k)"
                #expect(same || (result[k].isNaN && reference[k].isNaN), "\(what): \(result[k]) vs \(reference[k])")
            }
        }
    }

    /// Many distinct values (three and more levels of counters) in one tile, strips of every width.
    @Test(arguments: [1, 4])
    func manyValuesEveryStripWidth(_ kind: Int) {
        var rng = SplitMix(state: UInt64(kind) + 4242)
        let width = 30, height = 12
        let (image, sample) = NeighbourhoodPropertyTests.plane(width * height, kind: kind, &rng)
        let footprint = try! Footprint.rectangle(width: 9, height: 6)
        let workspace = NeighbourhoodWorkspace()
        for method in [FilterMethod.median, .percentile(90)] {
            let reference = ReferenceNeighbourhood.apply(image: image, width: width, height: height, method: method,
                                                         footprint: footprint, edge: .wrap)
            let fixture = PaddedTileFixture(image: image, valid: nil, width: width, height: height,
                                            window: Window(width: width, height: height), halo: footprint.halo,
                                            edge: .wrap, cval: 0)
            let op = NeighbourhoodFilter(method: method, footprint: footprint)
            for strip in [1, 2, 5, 13, 30] {
                let out = fixture.runColumnHistogram(op, sample: sample, chosen: nil, stripWidth: strip,
                                                     workspace: workspace)
                #expect(out.map(\.bitPattern) == reference.map(\.bitPattern), "\(method) strips of \(strip)")
            }
        }
    }

    @Test func ranksFollowTheValuesOrder() {
        // −0 and +0 share a key; infinities sort to the ends; keys are dense and ascending with the values.
        let values: [Double] = [3, -0.0, .infinity, 0, -7.5, 3, -.infinity, 1e-300]
        values.withPlaneRow { v in
            let tile = PaddedTile(values: v.plane(width: 8, height: 1), valid: nil,
                                  halo: Halo(left: 0, top: 0, right: 0, bottom: 0), chosen: nil, sample: .float)
            let g = TileGeometry(tile, footprint: try! Footprint.rectangle(width: 1, height: 1))
            let workspace = NeighbourhoodWorkspace()  // owns the keys' memory
            withExtendedLifetime(workspace) {
                let keys = TileKeys(g, sample: .float, workspace: workspace)
                #expect(keys.count == 6)
                #expect((0..<8).map { Int(keys.keys[$0]) } == [4, 2, 5, 2, 1, 4, 0, 3])
                #expect((0..<6).map { keys.value($0) } == [-.infinity, -7.5, 0, 1e-300, 3, .infinity])
            }
        }
    }
}

extension PaddedTileFixture {
    /// Runs the column-histogram path alone (forced on) and returns the core's results.
    func runColumnHistogram(_ op: NeighbourhoodFilter, sample: SampleKind, chosen: [UInt8]?, stripWidth: Int?,
                            workspace: NeighbourhoodWorkspace) -> [Double] {
        withTile(sample: sample, chosen: chosen, useValid: true) { tile, out in
            let done = op.applyColumnHistogram(TileGeometry(tile, footprint: op.footprint), sample: sample,
                                               into: out.elements,
                                               workspace: workspace, force: true, stripWidth: stripWidth)
            #expect(done, "the forced path applies to \(op.footprint)")
        }
    }
}
