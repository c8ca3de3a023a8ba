import RasterTiling
import Testing

/// `Partitioning`: the partitions tile the raster in whole cells, take the work in about equal
/// shares, and any count up to the number of cells works.
@Suite struct PartitioningTests {
    /// How many times each pixel is covered.
    static func coverage(_ cut: Partitioning, width: Int, height: Int) -> [Int] {
        var covered = [Int](repeating: 0, count: width * height)
        for w in cut.windows { for y in w.y..<w.maxY { for x in w.x..<w.maxX { covered[y * width + x] += 1 } } }
        return covered
    }

    @Test(arguments: [1, 2, 3, 5, 7, 16, 31, 35])
    func partitionsTileTheRasterInWholeCells(_ n: Int) {
        // 7x5 cells of 16x16, the last column and row cut (100x70 pixels).
        let weights = [Int](repeating: 1, count: 35)
        let cut = Partitioning(width: 100, height: 70, cellWidth: 16, cellHeight: 16, weights: weights, count: n)
        #expect(cut.windows.count == n)
        #expect(PartitioningTests.coverage(cut, width: 100, height: 70).allSatisfy { $0 == 1 })
        for w in cut.windows {
            #expect(w.x % 16 == 0 && w.y % 16 == 0 && !w.isEmpty)
            #expect(w.maxX % 16 == 0 || w.maxX == 100, "\(w)")
            #expect(w.maxY % 16 == 0 || w.maxY == 70, "\(w)")
        }
        #expect(cut == Partitioning(width: 100, height: 70, cellWidth: 16, cellHeight: 16, weights: weights, count: n),
                "the same cut every time")
    }

    @Test func workIsShared() {
        // 16x16 cells, uniform: 4 partitions of 64 cells each.
        let uniform = Partitioning(width: 256, height: 256, cellWidth: 16, cellHeight: 16,
                                   weights: [Int](repeating: 1, count: 256), count: 4)
        #expect(uniform.windows.map(\.area) == [128 * 128, 128 * 128, 128 * 128, 128 * 128])
        // Compact: 16 of a 64x64-cell raster are its 16x16-cell squares.
        let sixteen = Partitioning(width: 1024, height: 1024, cellWidth: 16, cellHeight: 16,
                                   weights: [Int](repeating: 1, count: 4096), count: 16)
        #expect(sixteen.windows.allSatisfy { $0.width == 256 && $0.height == 256 }, "\(sixteen.windows)")
        let seven = Partitioning(width: 1024, height: 1024, cellWidth: 16, cellHeight: 16,
                                 weights: [Int](repeating: 1, count: 4096), count: 7)
        #expect(seven.windows.allSatisfy { max($0.width, $0.height) <= 3 * min($0.width, $0.height) },
                "\(seven.windows)")
        // The top-left 4x4 cells weigh 20 times the rest: 4 partitions of about equal work, so the
        // heavy corner is cut small, not a quarter of the raster.
        var weights = [Int](repeating: 1, count: 256)
        for y in 0..<4 { for x in 0..<4 { weights[y * 16 + x] = 20 } }
        let skewed = Partitioning(width: 256, height: 256, cellWidth: 16, cellHeight: 16, weights: weights, count: 4)
        let loads = skewed.windows.map { w in
            (w.y / 16..<w.maxY / 16).flatMap { y in
                (w.x / 16..<w.maxX / 16).map { x in weights[y * 16 + x] }
            }.reduce(0, +)
        }
        #expect(loads.reduce(0, +) == 560 && loads.max()! <= 560 / 4 + 80, "\(loads) \(skewed.windows)")
        // With 3 partitions of one heavy cell among light ones, the heavy cell gets one of its own side.
        var one = [Int](repeating: 1, count: 4)
        one[0] = 100
        let heavy = Partitioning(width: 32, height: 32, cellWidth: 16, cellHeight: 16, weights: one, count: 3)
        #expect(heavy.windows.contains(Window(x: 0, y: 0, width: 16, height: 16)), "\(heavy.windows)")
    }

    @Test func stripsAndSingleRows() {
        // One cell across (a strip-organized output): partitions are bands of rows.
        let strips = Partitioning(width: 500, height: 40, cellWidth: 500, cellHeight: 4,
                                  weights: [Int](repeating: 1, count: 10), count: 3)
        #expect(strips.windows.allSatisfy { $0.x == 0 && $0.width == 500 })
        #expect(PartitioningTests.coverage(strips, width: 500, height: 40).allSatisfy { $0 == 1 })
        #expect(Partitioning.cellCount(width: 500, height: 40, cellWidth: 500, cellHeight: 4) == 10)
    }
}
