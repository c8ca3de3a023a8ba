/// A raster cut into `count` rectangles of whole cells (cells are whole output blocks), which
/// tile it and carry about equal work: the partitions of a scaled-out run.
///
/// Recursive bisection, as k-d trees are built: the rectangle is cut across one axis where the
/// two sides' work best matches the partitions each side gets, and each side is cut again. A
/// cell's work is given by the caller (its pixels, more when the selection reaches it). The
/// cut depends only on the cell grid, the weights and the count, so every process of a run
/// computes the same partitions. Partition `i` is the `i`-th leaf, top or left side first.
/// Thread safety: a plain value, `Sendable`.
public struct Partitioning: Sendable, Equatable {
    /// The partitions' pixels, in partition order.
    public let windows: [Window]

    /// Cuts a raster of `width × height` pixels, seen as a grid of `cellWidth × cellHeight`
    /// cells (the last column and row cut by the edge), into `count` partitions.
    /// - Parameter weights: the work of each cell, row-major, every one > 0.
    /// - Precondition: `1 <= count <= ` the number of cells.
    public init(width: Int, height: Int, cellWidth: Int, cellHeight: Int, weights: [Int], count: Int) {
        let grid = BlockGrid(blockWidth: cellWidth, blockHeight: cellHeight, width: width, height: height)
        let across = grid.blocksAcross, down = grid.blocksDown
        precondition(weights.count == across * down && count >= 1 && count <= weights.count)
        let table = PrefixSums(weights: weights, across: across, down: down)
        var leaves: [CellRect] = []
        Partitioning.cut(CellRect(x0: 0, y0: 0, x1: across, y1: down), into: count, table: table, cell: grid,
                         leaves: &leaves)
        windows = leaves.map { r in
            let first = grid.window(column: r.x0, row: r.y0), last = grid.window(column: r.x1 - 1, row: r.y1 - 1)
            return Window(x: first.x, y: first.y, width: last.maxX - first.x, height: last.maxY - first.y)
        }
    }

    /// How many cells of `cellWidth × cellHeight` a raster has: the most partitions it takes.
    public static func cellCount(width: Int, height: Int, cellWidth: Int, cellHeight: Int) -> Int {
        let grid = BlockGrid(blockWidth: cellWidth, blockHeight: cellHeight, width: width, height: height)
        return grid.blocksAcross * grid.blocksDown
    }

    /// A rectangle of cells, `x0..<x1` across and `y0..<y1` down.
    private struct CellRect {
        var x0: Int, y0: Int, x1: Int, y1: Int
        var cells: Int { (x1 - x0) * (y1 - y0) }
    }

    /// Cell weights summed over rectangles in constant time.
    private struct PrefixSums {
        let across: Int
        /// `sums[(y + 1) * (across + 1) + x + 1]`: the weights of cells above and left of (x, y), inclusive.
        let sums: [Int]

        init(weights: [Int], across: Int, down: Int) {
            self.across = across
            var s = [Int](repeating: 0, count: (across + 1) * (down + 1))
            for y in 0..<down {
                var row = 0
                for x in 0..<across {
                    precondition(weights[y * across + x] > 0, "every cell carries work")
                    row += weights[y * across + x]
                    s[(y + 1) * (across + 1) + x + 1] = s[y * (across + 1) + x + 1] + row
                }
            }
            sums = s
        }

        func total(_ r: CellRect) -> Int {
            let w = across + 1
            return sums[r.y1 * w + r.x1] - sums[r.y0 * w + r.x1] - sums[r.y1 * w + r.x0] + sums[r.y0 * w + r.x0]
        }
    }

    /// Appends the partitions of `rect` for `n` of them to `leaves`, first side first.
    private static func cut(_ rect: CellRect, into n: Int, table: PrefixSums, cell: BlockGrid, leaves: inout [CellRect]) {
        guard n > 1 else { leaves.append(rect); return }
        let total = table.total(rect)
        // The longer side in pixels is tried first, so partitions stay compact (less halo to re-read).
        let widthPixels = (rect.x1 - rect.x0) * cell.blockWidth, heightPixels = (rect.y1 - rect.y0) * cell.blockHeight
        var best: (load: Double, first: CellRect, second: CellRect, n: Int)? = nil
        for across in widthPixels >= heightPixels ? [true, false] : [false, true] {
            let length = across ? rect.x1 - rect.x0 : rect.y1 - rect.y0
            guard length >= 2 else { continue }
            for k in 1..<length {
                var first = rect, second = rect
                if across { first.x1 = rect.x0 + k; second.x0 = first.x1 } else { first.y1 = rect.y0 + k; second.y0 = first.y1 }
                let w1 = table.total(first)
                // The partitions each side gets: in proportion to its work, within what its cells allow.
                let share = Int((Double(n) * Double(w1) / Double(total)).rounded())
                let n1 = min(max(share, 1, n - second.cells), n - 1, first.cells)
                let load = max(Double(w1) / Double(n1), Double(total - w1) / Double(n - n1))
                if best == nil || load < best!.load { best = (load, first, second, n1) }
            }
        }
        guard let best else { preconditionFailure("a rectangle of one cell is never cut") }
        cut(best.first, into: best.n, table: table, cell: cell, leaves: &leaves)
        cut(best.second, into: n - best.n, table: table, cell: cell, leaves: &leaves)
    }
}
