/// The raster pixels a quick look samples: a `width × height` grid, at most `maximumSide`
/// on its long side (never more than the raster), whose cell `(i, j)` takes the raster pixel
/// under its centre, column `floor((i + 0.5) · rasterWidth / width)` — the pixel GDAL's
/// nearest-neighbour decimated read picks, so samples taken tile by tile and a decimated
/// read of the finished file agree. Thread safety: a plain value, `Sendable`.
public struct SampleGrid: Sendable, Equatable {
    /// The raster's size.
    public let rasterWidth: Int, rasterHeight: Int
    /// The grid's size.
    public let width: Int, height: Int
    /// The raster column of each grid column, and the raster row of each grid row (ascending).
    public let columns: [Int], rows: [Int]

    /// The grid for a raster, its long side at most `maximumSide` (the aspect kept, each side ≥ 1).
    public init(rasterWidth: Int, rasterHeight: Int, maximumSide: Int) {
        let w = max(1, rasterWidth), h = max(1, rasterHeight), side = max(1, maximumSide)
        let scale = min(1.0, Double(side) / Double(max(w, h)))
        let gw = max(1, min(w, Int((Double(w) * scale).rounded())))
        let gh = max(1, min(h, Int((Double(h) * scale).rounded())))
        self.rasterWidth = w
        self.rasterHeight = h
        width = gw
        height = gh
        columns = SampleGrid.positions(count: gw, over: w)
        rows = SampleGrid.positions(count: gh, over: h)
    }

    /// Number of cells.
    public var count: Int { width * height }

    /// The grid columns whose raster column lies in `x0..<x1`.
    public func columns(in range: Range<Int>) -> Range<Int> { SampleGrid.span(columns, range) }

    /// The grid rows whose raster row lies in `y0..<y1`.
    public func rows(in range: Range<Int>) -> Range<Int> { SampleGrid.span(rows, range) }

    /// Cells of a window: the grid rows and columns that sample it.
    public func cells(in window: Window) -> (rows: Range<Int>, columns: Range<Int>) {
        (rows(in: window.y..<window.maxY), columns(in: window.x..<window.maxX))
    }

    static func positions(count n: Int, over size: Int) -> [Int] {
        let ratio = Double(size) / Double(n)
        return (0..<n).map { i in min(size - 1, Int(((Double(i) + 0.5) * ratio + 1e-10).rounded(.down))) }
    }

    static func span(_ sorted: [Int], _ range: Range<Int>) -> Range<Int> {
        func firstIndex(atLeast v: Int) -> Int {
            var lo = 0, hi = sorted.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if sorted[mid] < v { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
        let a = firstIndex(atLeast: range.lowerBound), b = firstIndex(atLeast: range.upperBound)
        return a..<max(a, b)
    }
}
