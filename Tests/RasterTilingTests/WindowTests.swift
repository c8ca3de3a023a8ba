import RasterTiling
import Testing

@Suite struct WindowTests {
    let raster = Window(width: 100, height: 80)

    @Test func paddedIntersectionAndClampOnCornerTiles() {
        let corner = Window(x: 0, y: 0, width: 16, height: 16)
        let p = corner.padded(by: Halo(left: 2, top: 3, right: 1, bottom: 4))
        #expect(p == Window(x: -2, y: -3, width: 19, height: 23))
        #expect(p.intersection(raster) == Window(x: 0, y: 0, width: 17, height: 20))
        let far = Window(x: 96, y: 76, width: 4, height: 4).padded(by: Halo(left: 1, top: 1, right: 5, bottom: 5))
        #expect(far.clamped(to: raster) == Window(x: 95, y: 75, width: 5, height: 5))
        #expect(Window(x: 200, y: 0, width: 3, height: 3).intersection(raster) == nil)
        #expect(Window(x: 200, y: 0, width: 3, height: 3).clamped(to: raster).isEmpty)
    }

    @Test func windowGeoTransform() {
        let gt = [1000.0, 10, 0, 5000, 0, -10]
        #expect(GeoTransform(gt)!.of(Window(x: 3, y: 4, width: 1, height: 1)).coefficients == [1030, 10, 0, 4960, 0,
                                                                                               -10])
    }
}

@Suite struct EdgeModeTests {
    // scipy.ndimage's documented extensions of "a b c d" (indices 0...3).
    @Test func documentedExtensions() {
        func ext(_ m: EdgeMode) -> [Int?] { (-4..<8).map { m.sourceIndex($0, count: 4) } }
        #expect(ext(.reflect) == [3, 2, 1, 0, 0, 1, 2, 3, 3, 2, 1, 0])
        #expect(ext(.mirror) == [2, 3, 2, 1, 0, 1, 2, 3, 2, 1, 0, 1])
        #expect(ext(.nearest) == [0, 0, 0, 0, 0, 1, 2, 3, 3, 3, 3, 3])
        #expect(ext(.wrap) == [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3])
        #expect(ext(.constant) == [nil, nil, nil, nil, 0, 1, 2, 3, nil, nil, nil, nil])
    }

    @Test func singlePixelLines() {
        for m in EdgeMode.allCases where m != .constant {
            #expect((-5...5).allSatisfy { m.sourceIndex($0, count: 1) == 0 })
        }
    }
}

@Suite struct AxisGatherTests {
    @Test func reflectNeedsOneRunAndWrapTheOppositeEdge() {
        let r = AxisGather(start: -2, length: 6, count: 10, edge: .reflect)
        #expect(r.runs == [0..<4])
        #expect(r.slots == [1, 0, 0, 1, 2, 3])
        let w = AxisGather(start: -2, length: 6, count: 10, edge: .wrap)
        #expect(w.runs == [0..<4, 8..<10])
        #expect(w.slots == [4, 5, 0, 1, 2, 3])
        let c = AxisGather(start: 8, length: 4, count: 10, edge: .constant)
        #expect(c.runs == [8..<10])
        #expect(c.slots == [0, 1, nil, nil])
    }

    /// Every padded position reads, through its slot, the source the edge mode names; runs
    /// are ascending, disjoint and read each source once — inside the line (one run) and
    /// across either edge alike.
    @Test(arguments: EdgeMode.allCases)
    func slotsReadWhatTheEdgeModeNames(_ edge: EdgeMode) {
        for count in [1, 2, 7, 40] {
            for start in -9...(count + 3) {
                for length in [0, 1, 3, 8, 30] {
                    let g = AxisGather(start: start, length: length, count: count, edge: edge)
                    let gathered = g.runs.flatMap { Array($0) }
                    #expect(Set(gathered).count == gathered.count && gathered == gathered.sorted())
                    for i in 0..<length {
                        let source = edge.sourceIndex(start + i, count: count)
                        #expect(g.slots[i].map { gathered[$0] } == source,
                                "\(edge) start \(start) length \(length) count \(count) position \(i)")
                    }
                    if start >= 0 && start + length <= count {
                        #expect(g.runs == (length > 0 ? [start ..< start + length] : []))
                    }
                }
            }
        }
    }
}

@Suite struct TilePlanTests {
    /// Strip order visits every chunk once, strip by strip, each strip top to bottom.
    @Test(arguments: [1, 2, 3, 5, 7, 100])
    func stripOrderIsAPermutationGoingDownEachStrip(_ strip: Int) {
        let plan = TilePlan(width: 1000, height: 300, blockWidth: 64, blockHeight: 64, tileSize: 128)   // 8 x 3 chunks
        let order = (0..<plan.chunkCount).map { plan.chunkIndex(order: $0, stripChunks: strip) }
        #expect(Set(order).count == plan.chunkCount && order.allSatisfy { (0..<plan.chunkCount).contains($0) })
        let s = min(strip, plan.chunksAcross)
        var lastStrip = 0
        for (k, i) in order.enumerated() {
            let column = i % plan.chunksAcross, stripIndex = column / s
            #expect(stripIndex >= lastStrip, "order \(k): chunk \(i) goes back to strip \(stripIndex)")
            lastStrip = stripIndex
        }
        if strip >= plan.chunksAcross { #expect(order == Array(0..<plan.chunkCount), "one strip is row-major order") }
    }

    @Test(arguments: [1, 5, 16, 100, 256, 300, 512, 4096])
    func chunksAreWholeBlocksAndTilesCoverEachPixelOnce(tile: Int) {
        let plan = TilePlan(width: 523, height: 301, blockWidth: 128, blockHeight: 64, tileSize: tile)
        var seen = [Int](repeating: 0, count: 523 * 301)
        for i in 0..<plan.chunkCount {
            let c = plan.chunk(i)
            #expect(c.x % 128 == 0 && c.y % 64 == 0)
            #expect(c.maxX == 523 || c.width % 128 == 0)
            #expect(c.maxY == 301 || c.height % 64 == 0)
            for t in plan.tiles(in: c) {
                #expect(c.intersection(t) == t, "a tile inside its chunk")
                #expect(t.width <= tile && t.height <= tile)
                for y in t.y..<t.maxY { for x in t.x..<t.maxX { seen[y * 523 + x] += 1 } }
            }
            let blocks = plan.blocks(in: c)
            #expect(blocks.reduce(0) { $0 + $1.window.area } == c.area)
        }
        #expect(seen.allSatisfy { $0 == 1 })
    }

    @Test func defaultTileIs512RoundedToBlocks() {
        let plan = TilePlan(width: 2000, height: 2000, blockWidth: 256, blockHeight: 256)
        #expect(plan.chunkWidth == 512 && plan.tileWidth == 512)
        let strips = TilePlan(width: 2000, height: 2000, blockWidth: 2000, blockHeight: 3)
        #expect(strips.chunkWidth == 2000 && strips.chunkHeight == 510 && strips.tileWidth == 512)
    }
}

@Suite struct HugeRasterTests {
    /// Pixel counts past 32 bits: the plan's arithmetic is 64-bit throughout.
    @Test func planOfA100000SquareRaster() {
        let plan = TilePlan(width: 100_000, height: 100_000, blockWidth: 256, blockHeight: 256)
        #expect(plan.raster.area == 10_000_000_000)
        #expect(plan.chunkCount == 196 * 196)
        let last = plan.chunk(plan.chunkCount - 1)
        #expect(last.maxX == 100_000 && last.maxY == 100_000)
        #expect(last.width == 100_000 - 195 * 512 && last.height == 100_000 - 195 * 512)
        #expect(plan.blocks(in: last).count == 1)
        let g = AxisGather(start: 99_990, length: 20, count: 100_000, edge: .wrap)
        #expect(g.runs == [0..<10, 99_990..<100_000])
    }
}
