@testable import RasterKernels
import RasterTiling
import Testing

/// The 3×3 median's fast path (`ck_median3x3`, then the direct path for windows with a hole) against the
/// reference and against the direct path forced on the same tile: every sample kind, NaN and invalid holes
/// (none, a few, many), with and without a validity plane or a choice, every edge mode, odd tile sizes and rows
/// long enough for the vector loops and their tails. One workspace per case, reused over its tiles.
@Suite struct Median3x3PropertyTests {
    @Test(arguments: 0..<40)
    func fastPathMatchesReferenceAndDirectPath(_ seed: Int) {
        var rng = SplitMix(state: UInt64(seed) &* 6_700_417 &+ 11)
        let width = Int.random(in: 1...70, using: &rng), height = Int.random(in: 1...9, using: &rng)
        let kind = seed % 5
        var (image, sample) = NeighbourhoodPropertyTests.plane(width * height, kind: kind, &rng)
        let holes = [0, 0, 0.02, 0.3].randomElement(using: &rng)!
        let valid = (0..<image.count).map { _ in Double.random(in: 0...1, using: &rng) >= holes }
        if sample == .float && seed % 3 != 0 {
            for i in image.indices where Double.random(in: 0...1, using: &rng) < 0.05 { image[i] = .nan }
            if seed % 4 == 0 { image[Int.random(in: 0..<image.count, using: &rng)] = -0.0 }
        }
        let density = [1, 1, 0.6, 0.05].randomElement(using: &rng)!
        let selected = (0..<image.count).map { _ in Double.random(in: 0...1, using: &rng) < density }
        let useValid = holes > 0 || Bool.random(using: &rng)
        let edge = EdgeMode.allCases[seed % EdgeMode.allCases.count]
        let cval = sample == .float ? 0.75 : 50
        let footprint = try! Footprint.rectangle(width: 3, height: 3)
        let reference = ReferenceNeighbourhood.apply(image: image, width: width, height: height, method: .median,
                                                     footprint: footprint, edge: edge, cval: cval,
                                                     valid: useValid ? valid : nil, selected: selected)
        let op = NeighbourhoodFilter(method: .median, footprint: footprint)
        let tileW = Int.random(in: 1...width, using: &rng) | 1, tileH = Int.random(in: 1...height, using: &rng)
        let extra = Int.random(in: 0...2, using: &rng)
        let halo = Halo(left: 1 + extra, top: 1, right: 1, bottom: 1 + extra)
        let everyPixel = density == 1 && !useValid && !image.contains { $0.isNaN }
        let workspace = NeighbourhoodWorkspace()
        var result = image
        for w in tilesOf(width, height, min(tileW, width), tileH) {
            let fixture = PaddedTileFixture(image: image, valid: valid, width: width, height: height,
                                            window: w, halo: halo, edge: edge, cval: cval)
            let chosen = PaddedTileFixture.choice(w, width: width, image: image, valid: useValid ? valid : nil,
                                                  selected: selected)
            let choice: [UInt8]? = everyPixel ? nil : chosen
            let fast = fixture.runMedian(op, sample: sample, chosen: choice, useValid: useValid, direct: false,
                                         workspace: workspace)
            let direct = fixture.runMedian(op, sample: sample, chosen: choice, useValid: useValid, direct: true,
                                           workspace: workspace)
            for i in 0..<w.area where chosen[i] != 0 {
                #expect(fast[i] == direct[i], "tile \(w) pixel \(i): fast \(fast[i]) vs direct \(direct[i])")
                result[(w.y + i / w.width) * width + w.x + i % w.width] = fast[i]
            }
        }
        for k in image.indices {
            let same = result[k] == reference[k] || (result[k].isNaN && reference[k].isNaN)
            #expect(same, "\(edge) \(width)x\(height) pixel \(k): \(result[k]) vs \(reference[k])")
        }
    }
}

extension PaddedTileFixture {
    /// Runs the 3×3 median's fast path, or the direct path, on the tile and returns the core's results.
    func runMedian(_ op: NeighbourhoodFilter, sample: SampleKind, chosen: [UInt8]?, useValid: Bool, direct: Bool,
                   workspace: NeighbourhoodWorkspace) -> [Double] {
        withTile(sample: sample, chosen: chosen, useValid: useValid) { tile, out in
            let g = TileGeometry(tile, footprint: op.footprint)
            if direct {
                op.applyDirect(g, into: out.elements, workspace: workspace)
            } else {
                op.applyMedian3x3(g, into: out.elements, workspace: workspace)
            }
        }
    }
}
