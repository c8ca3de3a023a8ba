import RasterTiling

import CKernels
import RasterTiling

extension NeighbourhoodFilter {
    /// Bytes of column histograms one worker may hold (`StripHistogram`); strips are made narrow enough.
    static let columnHistogramBudget = 16 << 20
    /// Column histograms above this many bytes leave the caches; strips are narrowed towards it.
    static let cacheTarget = 1 << 21
    /// Narrowest strip the cache target may ask for (narrower strips repeat more column updates).
    static let minimumStrip = 24
    /// Integer tiles spanning at most this many values take the column histograms (at most two levels of counters).
    static let fewKeys = 1024
    /// Footprints at least this high take the column histograms whatever the number of distinct values.
    static let tallFootprint = 48

    /// Rank methods and `mode` over a rectangle in constant time per pixel (Perreault & Hébert 2007): the chosen
    /// pixels' bounding box is cut into vertical strips; in each, one histogram per padded column moves down a
    /// row by one add and one remove, and a pixel's window histogram is the sum of its columns, kept on several
    /// levels. Values are keyed in the tile's order (`TileKeys`) and renumbered per strip over the keys the strip
    /// holds, so counters stay few and every result is an input value, bit for bit. Invalid values are never
    /// added, so a window's total is its valid count `k` and the rank rule is applied to `k` per pixel.
    ///
    /// Two implementations of the counters. Rank methods take the C kernel (`RankStrips`, `ck_rank_strip`: top
    /// counters slid along the row as vectors, the mid and fine counters of one pivot top bin slid with them; 8-bit
    /// column counters) when it holds the footprint (≤ 255 rows) and the tile's values fit strips of at least
    /// `RankStrips.narrowest` columns (`RankStrips.maximumBins` values a strip). `mode`, and the rest, take the
    /// Swift `StripHistogram` (32-ary lazy levels, 16-bit counters).
    ///
    /// Returns `false` (nothing written) when the path does not fit: not a rectangle, more pixels than the UInt16
    /// counters hold, strips that would not fit `columnHistogramBudget` (C: `RankStrips.budget`); and, unless
    /// `force`, where the sliding histogram measured faster: chosen pixels sparser than one in `height / 2` of their
    /// bounding box (its restarts cost less), or, for the Swift counters under a footprint less than
    /// `tallFootprint` high, a float band or an integer tile spanning more than `fewKeys` values (three or more
    /// levels of counters, touched at random, cost more than its O(height) walk at those heights).
    /// - Parameter stripWidth: forces the strips' width (tests), otherwise chosen for the cache.
    func applyColumnHistogram(_ g: TileGeometry, sample: SampleKind, into out: MutablePlaneRow<Double>,
                              workspace: NeighbourhoodWorkspace, force: Bool = false,
                              stripWidth forced: Int? = nil) -> Bool {
        guard footprint.isRectangle, footprint.count <= StripHistogram.maximumCount else { return false }
        guard let (box, chosenCount) = g.chosenBox() else { return true }
        let fw = footprint.width, fh = footprint.height
        let rows = box.height + fh - 1
        let rankMethod = method != .mode && RankStrips.holds(width: fw, height: fh)
        let tall = fh >= NeighbourhoodFilter.tallFootprint
        if !force {
            if 2 * chosenCount * max(fh, 2) < 4 * box.width * box.height { return false }
            if !rankMethod && !tall && !fewKeys(g, sample: sample) { return false }  // look before keying
        }
        let keys = TileKeys(g, sample: sample, workspace: workspace)
        // The C counters when the tile's values fit strips of `RankStrips.narrowest` columns or more.
        let widest = RankStrips.widest(rows: rows, keys: keys.count)
        let compiled = rankMethod && widest >= min(box.width, RankStrips.narrowest) + fw - 1
        if !force && !compiled && !tall && !fewKeys(g, sample: sample) { return false }
        func bytes(_ columns: Int) -> Int {
            let bins = min(keys.count, columns * rows)
            return compiled ? RankStrips.bytes(binCount: bins, columns: columns)
                : 64 * columns * StripHistogram.layout(binCount: bins).segments
        }
        // Strips as wide as fit the cache target (the counters are touched at random), at least `minimumStrip`
        // wide if the memory budget allows.
        let target = compiled ? RankStrips.cacheTarget : NeighbourhoodFilter.cacheTarget
        var columns = box.width + fw - 1
        let narrowest = min(box.width, NeighbourhoodFilter.minimumStrip) + fw - 1
        while columns > narrowest && bytes(columns) > target {
            columns = max(narrowest, columns * 3 / 4)
        }
        if let forced { columns = min(box.width, max(1, forced)) + fw - 1 }
        if compiled { columns = min(columns, widest) }
        let stripWidth = columns - fw + 1
        guard bytes(columns) <= (compiled ? RankStrips.budget : NeighbourhoodFilter.columnHistogramBudget) else {
            return false
        }
        let ranks = compiled ? RankStrips.rankTable(method, count: footprint.count, workspace: workspace) : nil
        var x0 = box.x
        while x0 < box.x + box.width {
            let width = min(stripWidth, box.x + box.width - x0)
            strip(g, keys: keys, box: Window(x: x0, y: box.y, width: width, height: box.height), ranks: ranks,
                  into: out, workspace: workspace)
            x0 += width
        }
        return true
    }

    /// One strip: the core columns `box.x ..< box.x + box.width`, rows `box.y ..< box.y + box.height`; by
    /// `ck_rank_strip` when `ranks` (the rank of each valid count) is given, otherwise by `StripHistogram`.
    private func strip(_ g: TileGeometry, keys: TileKeys, box: Window, ranks: PlaneRow<Int32>?,
                       into out: MutablePlaneRow<Double>, workspace: NeighbourhoodWorkspace) {
        let fw = footprint.width, fh = footprint.height
        let columns = box.width + fw - 1, rows = box.height + fh - 1
        let first = (box.y + g.originY) * g.paddedWidth + box.x + g.originX
        // Renumber the strip's keys 0 ..< binCount, in order.
        let lookup = workspace.doubles[2].row(max(min(keys.count, rows * columns), 1))
        let bins = workspace.stripBins.row(rows * columns)
        let binCount = keys.renumber(from: first, stride: g.paddedWidth, columns: columns, rows: rows, into: bins,
                                     lookup: lookup, map: workspace.keyMap.row(max(keys.count, 1)))
        if let ranks {
            RankStrips.run(bins: bins.readOnly, columns: columns, rows: rows, binCount: binCount, footprint: footprint,
                           ranks: ranks, lookup: lookup.readOnly, g: g, box: box, into: out, workspace: workspace)
            return
        }
        var h = StripHistogram(binCount: binCount, columnCount: columns, width: fw, workspace: workspace)
        let counters = h  // the column counters, which `newRow` does not change
        func update(row r: Int, add: Bool) {
            let line = bins.part(r * columns, count: columns)
            for c in 0..<columns where line[c] >= 0 {
                if add { counters.add(Int(line[c]), column: c) } else { counters.remove(Int(line[c]), column: c) }
            }
        }
        for r in 0..<(fh - 1) { update(row: r, add: true) }
        for y in 0..<box.height {
            update(row: y + fh - 1, add: true)
            let cy = box.y + y
            if g.rowHasChosen(cy, from: box.x, to: box.x + box.width) {
                h.newRow()
                let line = out.part(cy * g.width + box.x, count: box.width)
                for x in 0..<box.width where g.isChosen(x: box.x + x, y: cy) {
                    let k = h.total(x: x)
                    if k == 0 {
                        line[x] = g.centre(x: box.x + x, y: cy)
                    } else if method == .mode {
                        line[x] = lookup[h.mostFrequent(x: x)]
                    } else {
                        line[x] = lookup[h.select(method.rank(count: k)!, x: x)]
                    }
                }
            }
            update(row: y, add: false)
        }
        for r in box.height..<rows { update(row: r, add: false) }
    }
}

extension NeighbourhoodFilter {
    /// Whether tile `g` is an integer tile spanning at most `fewKeys` values (two levels of Swift counters).
    private func fewKeys(_ g: TileGeometry, sample: SampleKind) -> Bool {
        guard case let .integer(lo, hi) = sample, let (_, span) = TileKeys.integerSpan(g, lo: lo, hi: hi) else {
            return false
        }
        return span <= NeighbourhoodFilter.fewKeys
    }
}

extension TileGeometry {
    /// The smallest window of the core holding every chosen pixel, and their number; `nil` when none is.
    func chosenBox() -> (Window, Int)? {
        guard let chosen else {
            return width * height == 0 ? nil : (Window(width: width, height: height), width * height)
        }
        let plane = chosen.plane(width: width, height: height)
        guard let box = plane.nonZeroBounds else { return nil }
        return (box, plane.part(box).nonZeroCount)
    }

    /// Whether any pixel of core row `y` in columns `from ..< to` needs a result.
    func rowHasChosen(_ y: Int, from: Int, to: Int) -> Bool {
        guard let chosen else { return true }
        for x in from..<to where chosen[y * width + x] != 0 { return true }
        return false
    }
}
