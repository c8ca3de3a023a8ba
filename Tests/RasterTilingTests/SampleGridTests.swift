import RasterTiling
import Testing

/// The quick look's sample grid: its size, the pixel each cell takes, and that tiles share its cells out.
@Suite struct SampleGridTests {
    @Test(arguments: [(16384, 16384, 512, 512, 512), (2100, 900, 1024, 1024, 439), (640, 480, 1024, 640, 480),
                      (900, 2100, 512, 219, 512), (5, 3000, 100, 1, 100)])
    func sizeKeepsTheAspectUnderTheCap(_ c: (Int, Int, Int, Int, Int)) {
        let g = SampleGrid(rasterWidth: c.0, rasterHeight: c.1, maximumSide: c.2)
        #expect(g.width == c.3 && g.height == c.4)
        #expect(g.columns.count == g.width && g.rows.count == g.height)
        #expect(g.columns.allSatisfy { $0 >= 0 && $0 < c.0 } && g.rows.allSatisfy { $0 >= 0 && $0 < c.1 })
        #expect(zip(g.columns, g.columns.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test func cellsTakeThePixelUnderTheirCentre() {
        let g = SampleGrid(rasterWidth: 1000, rasterHeight: 10, maximumSide: 64)
        #expect(g.columns.prefix(4) == [7, 23, 39, 54])   // floor((i + 0.5) · 1000 / 64)
        let same = SampleGrid(rasterWidth: 30, rasterHeight: 20, maximumSide: 64)
        #expect(same.columns == Array(0..<30) && same.rows == Array(0..<20))
    }

    @Test(arguments: [1, 7, 32, 100])
    func tilesShareTheCellsOutExactlyOnce(_ tile: Int) {
        let g = SampleGrid(rasterWidth: 333, rasterHeight: 250, maximumSide: 100)
        var hits = [Int](repeating: 0, count: g.count)
        for y in stride(from: 0, to: 250, by: tile) {
            for x in stride(from: 0, to: 333, by: tile) {
                let window = Window(x: x, y: y, width: min(tile, 333 - x), height: min(tile, 250 - y))
                let (rows, cols) = g.cells(in: window)
                for j in rows { for i in cols { hits[j * g.width + i] += 1 } }
            }
        }
        #expect(hits.allSatisfy { $0 == 1 })
    }
}
