extension NeighbourhoodFilter {
    /// Largest integer range binned directly (value − min); wider bands are binned by sorting.
    static let directBinLimit = 1 << 20

    /// Rank methods by a sliding two-level histogram (Huang 1979, with Perreault & Hébert's coarse level of
    /// 256-bin blocks to skip empty ranges): along a row, each step removes the values leaving each footprint
    /// row's runs and adds those entering, O(footprint height) per pixel, and a tracked pivot bin walks to the
    /// wanted rank. Values are binned by `value − min` on integer bands, otherwise by their order in the tile
    /// (one sort per tile), so the result is an input value, bit for bit the direct path's.
    func applyHistogramRank(_ g: TileGeometry, sample: SampleKind, into out: UnsafeMutablePointer<Double>,
                            workspace: NeighbourhoodWorkspace) {
        let binCount = binTile(g, sample: sample, workspace: workspace)
        let bins = workspace.bins.base
        let lookup = workspace.doubles[1].base
        let hist = workspace.histogram.pointer(binCount)
        let coarseCount = (binCount + 255) >> 8
        let coarse = workspace.coarse.pointer(coarseCount + 1)
        hist.initialize(repeating: 0, count: binCount)
        coarse.initialize(repeating: 0, count: coarseCount + 1)
        var pivot = 0, below = 0, total = 0

        // Footprint rows' runs as (row offset, run start, run end) in padded coordinates from the window origin.
        var runs: [(row: Int, start: Int, end: Int)] = []
        for (j, rowRuns) in footprint.rowRuns.enumerated() {
            for r in rowRuns { runs.append((j * g.paddedWidth, r.lowerBound, r.upperBound)) }
        }
        @inline(__always) func add(_ p: Int) {
            let b = Int(bins[p])
            if b < 0 { return }
            hist[b] += 1; coarse[b >> 8] += 1; total += 1
            if b < pivot { below += 1 }
        }
        @inline(__always) func remove(_ p: Int) {
            let b = Int(bins[p])
            if b < 0 { return }
            hist[b] -= 1; coarse[b >> 8] -= 1; total -= 1
            if b < pivot { below -= 1 }
        }
        func addWindow(_ base: Int) { for r in runs { for i in r.start..<r.end { add(base + r.row + i) } } }
        func removeWindow(_ base: Int) { for r in runs { for i in r.start..<r.end { remove(base + r.row + i) } } }

        for y in 0..<g.height where g.rowHasChosen(y) {
            var last = -1
            for x in 0..<g.width where g.isChosen(x: x, y: y) {
                let base = g.windowOrigin(x: x, y: y)
                if last < 0 || x - last > footprint.width {
                    if last >= 0 { removeWindow(g.windowOrigin(x: last, y: y)) }
                    addWindow(base)
                } else {
                    for s in (last + 1)..<(x + 1) {
                        let b = g.windowOrigin(x: s, y: y)
                        for r in runs {
                            remove(b - 1 + r.row + r.start)
                            add(b - 1 + r.row + r.end)
                        }
                    }
                }
                last = x
                guard total > 0 else { out[y * g.width + x] = g.centre(x: x, y: y); continue }
                let rank = method.rank(count: total)!
                while below > rank {
                    pivot -= 1
                    if pivot & 255 == 255 { while coarse[pivot >> 8] == 0 { pivot -= 256 } }
                    below -= Int(hist[pivot])
                }
                while below + Int(hist[pivot]) <= rank {
                    below += Int(hist[pivot])
                    pivot += 1
                    if pivot & 255 == 0 { while coarse[pivot >> 8] == 0 { pivot += 256 } }
                }
                out[y * g.width + x] = lookup[pivot]
            }
            if last >= 0 { removeWindow(g.windowOrigin(x: last, y: y)) }
        }
    }

    /// Fills `workspace.bins` (one bin per padded position, −1 for invalid) and `workspace.doubles[1]` (each
    /// bin's value, ascending); returns the number of bins.
    func binTile(_ g: TileGeometry, sample: SampleKind, workspace: NeighbourhoodWorkspace) -> Int {
        let n = g.paddedWidth * g.paddedHeight
        let bins = workspace.bins.pointer(n)
        if case let .integer(lo, hi) = sample, hi >= lo, hi - lo < NeighbourhoodFilter.directBinLimit {
            let low = Double(lo), high = Double(hi)
            var ok = true
            for p in 0..<n {
                guard g.isValid(p) else { bins[p] = -1; continue }
                let v = g.values[p]
                guard v >= low, v <= high, v == v.rounded(.towardZero) else { ok = false; break }
                bins[p] = Int32(Int(v) - lo)
            }
            if ok {
                let count = hi - lo + 1
                let lookup = workspace.doubles[1].pointer(count)
                for b in 0..<count { lookup[b] = Double(b + lo) }
                return count
            }
        }
        // Bin by order: sort (value, position) pairs and number the distinct values.
        let keys = workspace.keys.pointer(n)
        var m = 0
        var float32 = true
        for p in 0..<n where g.isValid(p) {
            let v = g.values[p]
            if Double(Float(v)) != v { float32 = false }
            keys[m] = UInt64(p); m += 1
        }
        let lookup = workspace.doubles[1].pointer(max(m, 1))
        for p in 0..<n { bins[p] = -1 }
        var sorted = UnsafeMutableBufferPointer(start: keys, count: m)
        if float32 && n < (1 << 32) {
            // Pack an order-preserving key of the Float32 value above the position: one integer sort.
            for i in 0..<m {
                let p = Int(sorted[i])
                sorted[i] = UInt64(NeighbourhoodFilter.orderKey(Float(g.values[p]))) << 32 | UInt64(p)
            }
            sorted.sort()
            for i in 0..<m { sorted[i] &= 0xFFFF_FFFF }
        } else {
            sorted.sort { g.values[Int($0)] < g.values[Int($1)] }
        }
        var count = 0
        for i in 0..<m {
            let p = Int(sorted[i])
            let v = g.values[p]
            if count == 0 || lookup[count - 1] != v { lookup[count] = v; count += 1 }
            bins[p] = Int32(count - 1)
        }
        return max(count, 1)
    }

    /// A key whose unsigned order is the numeric order of non-NaN `v` (−0 and +0 are the same key).
    @inline(__always) static func orderKey(_ v: Float) -> UInt32 {
        let bits = (v == 0 ? Float(0) : v).bitPattern
        return bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
    }
}
