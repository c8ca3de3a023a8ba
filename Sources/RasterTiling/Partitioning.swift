/// A raster cut into `count` rectangles of whole cells (cells are whole output blocks), which
/// tile it and carry about equal work: the partitions of a scaled-out run.
///
/// Recursive bisection, as k-d trees are built: the rectangle is cut across its longer side
/// where the two halves of the partitions get about equal work, and each side is cut again. A
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

    /// A cut of a rectangle in two: where, and how many partitions the first side gets.
    private struct Cut {
        var load: Double, first: CellRect, second: CellRect, n: Int
    }

    /// The best cut of `rect` for `n` partitions across (`across`) or down, by the heavier
    /// side's work per partition; ties go to the cut nearest the middle. `balanced` gives the
    /// first side half the partitions (as far as its cells allow); otherwise a share in
    /// proportion to its work. `nil` when the rectangle is one cell long that way.
    private static func bestCut(_ rect: CellRect, _ n: Int, across: Bool, balanced: Bool, table: PrefixSums) -> Cut? {
        let length = across ? rect.x1 - rect.x0 : rect.y1 - rect.y0
        guard length >= 2 else { return nil }
        let total = table.total(rect)
        var best: Cut? = nil, bestOffset = Int.max
        for k in 1..<length {
            var first = rect, second = rect
            if across {
                first.x1 = rect.x0 + k; second.x0 = first.x1
            } else {
                first.y1 = rect.y0 + k; second.y0 = first.y1
            }
            let w1 = table.total(first)
            let wanted = balanced ? n / 2 : Int((Double(n) * Double(w1) / Double(total)).rounded())
            let n1 = min(max(wanted, 1, n - second.cells), n - 1, first.cells)
            let load = max(Double(w1) / Double(n1), Double(total - w1) / Double(n - n1))
            let offset = abs(2 * k - length)
            if best == nil || load < best!.load || (load == best!.load && offset < bestOffset) {
                best = Cut(load: load, first: first, second: second, n: n1)
                bestOffset = offset
            }
        }
        return best
    }

    /// Appends the partitions of `rect` for `n` of them to `leaves`, first side first: halved
    /// across its longer side (compact partitions re-read less halo), unless cutting the other
    /// way, or sharing the partitions unevenly, balances the work clearly better.
    private static func cut(_ rect: CellRect, into n: Int, table: PrefixSums, cell: BlockGrid,
                            leaves: inout [CellRect]) {
        guard n > 1 else { leaves.append(rect); return }
        let widthPixels = (rect.x1 - rect.x0) * cell.blockWidth, heightPixels = (rect.y1 - rect.y0) * cell.blockHeight
        let long = widthPixels >= heightPixels
        let candidates = [bestCut(rect, n, across: long, balanced: true, table: table),
                          bestCut(rect, n, across: !long, balanced: true, table: table)].compactMap { $0 }
        var choice = candidates[0]
        if candidates.count > 1 && candidates[1].load * 1.25 < choice.load { choice = candidates[1] }
        let uneven = [bestCut(rect, n, across: long, balanced: false, table: table),
                      bestCut(rect, n, across: !long, balanced: false, table: table)].compactMap { $0 }
        for c in uneven where c.load * 1.10 < choice.load { choice = c }
        cut(choice.first, into: choice.n, table: table, cell: cell, leaves: &leaves)
        cut(choice.second, into: n - choice.n, table: table, cell: cell, leaves: &leaves)
    }
}
