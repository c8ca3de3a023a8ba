@testable import RasterKernels
import RasterTiling
import Testing

/// The C column histograms (`ck_rank_strip` through `RankStrips`) against the reference on tiles large enough to
/// reach every threshold of the kernel: strips holding around 256·k distinct values (the pivot's top bins), around
/// 8192 (32 or 64 top counters) and tiles holding more than `RankStrips.maximumBins` (strips narrowed to fit);
/// holes, NaN, windows without a valid value, rows and columns without a chosen pixel (the window moves down
/// without walking them), forced strip widths, rectangles from one column or row up to 25×21, one workspace
/// reused throughout (the column counters must come back to zero after every strip).
@Suite struct RankStripPropertyTests {
    /// Distinct values around the kernel's thresholds.
    static let distinctCounts = [1, 2, 255, 256, 257, 511, 4000, 8191, 8192, 8193, 12000, 16384, 16385]

    /// A plane of `count` values drawn from `distinct` values (integers of a 16-bit band, or floats).
    static func plane(_ count: Int, distinct: Int, float: Bool, _ rng: inout SplitMix) -> [Double] {
        var pool = Set<Double>()
        while pool.count < distinct {
            pool.insert(float ? Double(Float(Double.random(in: -1e4...1e4, using: &rng)))
                        : Double(Int.random(in: 0...65535, using: &rng)))
        }
        let values = Array(pool)
        // Every pool value at least once (when the plane has room), then random ones.
        return (0..<count).map { i in i < values.count ? values[i] : values.randomElement(using: &rng)! }.shuffled(
            using: &rng)
    }

    @Test(arguments: 0..<26)
    func largeTilesMatchReference(_ seed: Int) {
        var rng = SplitMix(state: UInt64(seed) &* 7_368_787 &+ 11)
        let distinct = RankStripPropertyTests.distinctCounts[seed % RankStripPropertyTests.distinctCounts.count]
        let float = seed % 3 == 2
        let width = Int.random(in: 100...150, using: &rng), height = Int.random(in: 50...90, using: &rng)
        var image = RankStripPropertyTests.plane(width * height, distinct: distinct, float: float, &rng)
        let holes = [0, 0, 0.1, 0.97].randomElement(using: &rng)!
        let valid = (0..<image.count).map { _ in Double.random(in: 0...1, using: &rng) >= holes }
        if float && Bool.random(using: &rng) {
            for i in image.indices where Double.random(in: 0...1, using: &rng) < 0.05 { image[i] = .nan }
        }
        // Dense choices with holes, or whole rows and column bands left out.
        let skipRow = Int.random(in: 2...9, using: &rng), skipColumn = Int.random(in: 20...60, using: &rng)
        let pattern = Int.random(in: 0..<3, using: &rng)
        let selected = (0..<image.count).map { k in
            switch pattern {
            case 0: return Double.random(in: 0...1, using: &rng) < 0.9
            case 1: return (k / width) % skipRow != 0
            default: return (k % width) % skipColumn < skipColumn - 5
            }
        }
        let footprint = try! Footprint.rectangle(width: [1, 3, 8, 15, 25].randomElement(using: &rng)!,
                                                 height: [1, 4, 9, 15, 21].randomElement(using: &rng)!)
        let edge = EdgeMode.allCases.randomElement(using: &rng)!
        let method = [FilterMethod.median, .percentile(25), .percentile(90), .minimum, .maximum]
            .randomElement(using: &rng)!
        let stripWidth = Bool.random(using: &rng) ? nil : Int.random(in: 1...40, using: &rng)
        let sample: SampleKind = float ? .float : .integer(min: 0, max: 65535)
        check(image: image, valid: valid, selected: selected, width: width, height: height, footprint: footprint,
              edge: edge, method: method, sample: sample, stripWidth: stripWidth, workspace: NeighbourhoodWorkspace())
    }

    /// More distinct values in the tile than a strip may hold: strips are narrowed to fit, whatever was asked.
    @Test(arguments: [1, 5, 30, 0])
    func tilesBeyondTheBinsAreNarrowed(_ stripWidth: Int) {
        var rng = SplitMix(state: UInt64(stripWidth) + 99)
        let width = 190, height = 110
        let image = RankStripPropertyTests.plane(width * height, distinct: width * height, float: true, &rng)
        let footprint = try! Footprint.rectangle(width: 5, height: 3)
        let workspace = NeighbourhoodWorkspace()
        for method in [FilterMethod.median, .percentile(60)] {
            check(image: image, valid: nil, selected: nil, width: width, height: height, footprint: footprint,
                  edge: .mirror, method: method, sample: .float, stripWidth: stripWidth == 0 ? nil : stripWidth,
                  workspace: workspace)
        }
    }

    /// The dispatch takes the C counters for large rectangles on 16-bit tiles of thousands of values, tiled.
    @Test func dispatchMatchesReferenceOverTiles() {
        var rng = SplitMix(state: 2024)
        let width = 130, height = 75
        let image = RankStripPropertyTests.plane(width * height, distinct: 6000, float: false, &rng)
        let valid = (0..<image.count).map { _ in Double.random(in: 0...1, using: &rng) >= 0.05 }
        let selected = (0..<image.count).map { _ in Double.random(in: 0...1, using: &rng) < 0.95 }
        let footprint = try! Footprint.rectangle(width: 15, height: 15)
        let op = NeighbourhoodFilter(method: .median, footprint: footprint)
        let reference = ReferenceNeighbourhood.apply(image: image, width: width, height: height, method: .median,
                                                     footprint: footprint, edge: .reflect, valid: valid,
                                                     selected: selected)
        var workspace = op.makeWorkspace()
        var result = image
        for w in tilesOf(width, height, 64, 40) {
            let fixture = PaddedTileFixture(image: image, valid: valid, width: width, height: height, window: w,
                                            halo: footprint.halo, edge: .reflect, cval: 0)
            let chosen = PaddedTileFixture.choice(w, width: width, image: image, valid: valid, selected: selected)
            let out = fixture.run(op, sample: .integer(min: 0, max: 65535), chosen: chosen, workspace: &workspace)
            for y in 0..<w.height {
                for x in 0..<w.width where chosen[y * w.width + x] != 0 {
                    result[(w.y + y) * width + w.x + x] = out[y * w.width + x]
                }
            }
        }
        #expect(result.map(\.bitPattern) == reference.map(\.bitPattern))
    }

    /// Each width of the kernel's window counters, with and without holes: 8 bits throughout (a window of ≤ 255
    /// values: 15×15), 8-bit fine counters only (16×16 over thousands of values: no bin 256 times in a strip), and
    /// 16 bits (17×17 over three values, each thousands of times in a strip).
    @Test(arguments: [(15, 15, 4000), (16, 16, 4000), (17, 17, 3), (25, 11, 3), (3, 85, 9000)])
    func everyCounterWidth(_ fw: Int, _ fh: Int, _ distinct: Int) {
        var rng = SplitMix(state: UInt64(fw * 1000 + fh * 10 + distinct))
        let width = 90, height = 60
        let image = RankStripPropertyTests.plane(width * height, distinct: distinct, float: false, &rng)
        let footprint = try! Footprint.rectangle(width: fw, height: fh)
        let workspace = NeighbourhoodWorkspace()
        for holes in [0, 0.1] {
            let valid = (0..<image.count).map { _ in Double.random(in: 0...1, using: &rng) >= holes }
            for method in [FilterMethod.median, .percentile(80)] {
                check(image: image, valid: valid, selected: nil, width: width, height: height, footprint: footprint,
                      edge: .reflect, method: method, sample: .integer(min: 0, max: 65535), stripWidth: nil,
                      workspace: workspace)
            }
        }
    }

    /// The 32-bit radix path (every value a Float32): −0 and +0 share a key (the first kept), infinities at the
    /// ends, NaN and invalid positions unkeyed; and the same plane with one non-Float32 value (64-bit path).
    @Test func float32KeysFollowTheValuesOrder() {
        for extra in [0.5, 0.1] {
            let values: [Double] = [3, -0.0, .infinity, 0, -7.5, 3, -.infinity, extra, .nan, 9]
            let valid: [UInt8] = [1, 1, 1, 1, 1, 1, 1, 1, 1, 0]
            values.withPlaneRow { v in
                valid.withPlaneRow { m in
                    let tile = PaddedTile(values: v.plane(width: 10, height: 1), valid: m.plane(width: 10, height: 1),
                                          halo: Halo(left: 0, top: 0, right: 0, bottom: 0), chosen: nil,
                                          sample: .float)
                    let g = TileGeometry(tile, footprint: try! Footprint.rectangle(width: 1, height: 1))
                    let workspace = NeighbourhoodWorkspace()
                    withExtendedLifetime(workspace) {
                        let keys = TileKeys(g, sample: .float, workspace: workspace)
                        #expect(keys.count == 6)
                        #expect((0..<10).map { Int(keys.keys[$0]) } == [4, 2, 5, 2, 1, 4, 0, 3, -1, -1])
                        let table = (0..<6).map { keys.value($0) }
                        #expect(table.map(\.bitPattern) == [-Double.infinity, -7.5, -0.0, extra, 3, .infinity]
                            .map(\.bitPattern))
                    }
                }
            }
        }
    }

    /// Float tiles of integers are keyed directly (as their integer band would be) unless one holds −0, which the
    /// ranked keys keep apart from +0's bits; either way the results are the reference's.
    @Test(arguments: [false, true])
    func integerFloatTiles(_ negativeZero: Bool) {
        var rng = SplitMix(state: negativeZero ? 7 : 8)
        let width = 120, height = 70
        var image = (0..<(width * height)).map { _ in Double(Int.random(in: -3000...3000, using: &rng)) }
        for i in image.indices where Double.random(in: 0...1, using: &rng) < 0.05 { image[i] = .nan }
        for i in image.indices where Double.random(in: 0...1, using: &rng) < 0.02 { image[i] = negativeZero ? -0.0 : 0 }
        let window = Window(width: width, height: height)
        let fixture = PaddedTileFixture(image: image, valid: nil, width: width, height: height, window: window,
                                        halo: Halo(left: 0, top: 0, right: 0, bottom: 0), edge: .reflect, cval: 0)
        _ = fixture.withTile(sample: .float, chosen: nil, useValid: false) { tile, _ in
            let g = TileGeometry(tile, footprint: try! Footprint.rectangle(width: 1, height: 1))
            #expect((TileKeys.directSpan(g, sample: .float) == nil) == negativeZero)
        }
        for method in [FilterMethod.median, .percentile(30)] {
            check(image: image, valid: nil, selected: nil, width: width, height: height,
                  footprint: try! Footprint.rectangle(width: 11, height: 9), edge: .nearest, method: method,
                  sample: .float, stripWidth: nil, workspace: NeighbourhoodWorkspace())
        }
    }

    private func check(image: [Double], valid: [Bool]?, selected: [Bool]?, width: Int, height: Int,
                       footprint: Footprint, edge: EdgeMode, method: FilterMethod, sample: SampleKind,
                       stripWidth: Int?, workspace: NeighbourhoodWorkspace) {
        let reference = ReferenceNeighbourhood.apply(image: image, width: width, height: height, method: method,
                                                     footprint: footprint, edge: edge, cval: 7, valid: valid,
                                                     selected: selected)
        let window = Window(width: width, height: height)
        let fixture = PaddedTileFixture(image: image, valid: valid, width: width, height: height, window: window,
                                        halo: footprint.halo, edge: edge, cval: 7)
        let chosen = PaddedTileFixture.choice(window, width: width, image: image, valid: valid,
                                              selected: selected ?? Array(repeating: true, count: image.count))
        let op = NeighbourhoodFilter(method: method, footprint: footprint)
        let out = fixture.runColumnHistogram(op, sample: sample, chosen: chosen, stripWidth: stripWidth,
                                             workspace: workspace)
        var wrong = 0, first = ""
        for k in image.indices where chosen[k] != 0 {
            let same = out[k].bitPattern == reference[k].bitPattern || (out[k] == 0 && reference[k] == 0)
            if !same {
                if wrong == 0 { first = "pixel \(k): \(out[k]) vs \(reference[k])" }
                wrong += 1
            }
        }
        #expect(wrong == 0, "\(method) \(footprint) \(edge) strip \(stripWidth ?? 0): \(wrong) wrong, \(first)")
    }
}
