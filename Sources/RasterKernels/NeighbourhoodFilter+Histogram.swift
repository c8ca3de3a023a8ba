import RasterTiling

extension NeighbourhoodFilter {
    /// Largest integer range binned directly (value − min); wider bands are binned by sorting.
    static let directBinLimit = 1 << 20

    /// Rank methods and `mode` by a sliding histogram (Huang 1979, with coarse levels as Perreault & Hébert
    /// 2007): along a row, each step removes the values leaving each footprint row's runs and adds those entering,
    /// O(footprint height) per pixel, and a tracked pivot walks to the wanted rank over 16- and 256-bin block
    /// counts, then at most 16 bins. Values are binned by `value − min` on integer bands, otherwise by their
    /// order in the tile
    /// (one sort per tile), so the result is an input value, bit for bit the direct path's.
    func applyHistogramRank(_ g: TileGeometry, sample: SampleKind, into out: MutablePlaneRow<Double>,
                            workspace: NeighbourhoodWorkspace) {
        let (binCount, bins, lookup) = binTile(g, sample: sample, workspace: workspace)
        var h = SlidingHistogram(binCount: binCount, workspace: workspace)
        // Each footprint row's runs as padded offsets from the window origin: leaving at `start`, entering at
        // `end` (both relative to the previous window's origin when stepping right).
        let runCount = footprint.rowRuns.reduce(0) { $0 + $1.count }
        let offsets = workspace.offsets.row(2 * runCount)
        var m = 0
        for (j, rowRuns) in footprint.rowRuns.enumerated() {
            for r in rowRuns {
                offsets[m] = j * g.paddedWidth + r.lowerBound
                offsets[runCount + m] = j * g.paddedWidth + r.upperBound
                m += 1
            }
        }
        // (In a workspace array, not two arrays lent through closures: `h` captured by a closure measured 10 %
        // slower.)
        let rs = offsets.readOnly.part(0, count: runCount), re = offsets.readOnly.dropFirst(runCount)
        for y in 0..<g.height where g.rowHasChosen(y) {
            var last = -1
            for x in 0..<g.width where g.isChosen(x: x, y: y) {
                let base = g.windowOrigin(x: x, y: y)
                if last < 0 || x - last > footprint.width {
                    if last >= 0 {
                        h.window(g.windowOrigin(x: last, y: y), bins: bins, starts: rs, ends: re,
                                 runs: runCount, add: false)
                    }
                    h.window(base, bins: bins, starts: rs, ends: re, runs: runCount, add: true)
                } else {
                    for b in (base - (x - last) + 1)..<(base + 1) {
                        for r in 0..<runCount {
                            let leaving = Int(bins[b - 1 + rs[r]]), entering = Int(bins[b - 1 + re[r]])
                            if leaving >= 0 { h.remove(leaving) }
                            if entering >= 0 { h.add(entering) }
                        }
                    }
                }
                last = x
                let k = y * g.width + x
                if h.total == 0 {
                    out[k] = g.centre(x: x, y: y)
                } else if method == .mode {
                    out[k] = lookup[h.mostFrequent()]
                } else {
                    out[k] = lookup[h.select(method.rank(count: h.total)!)]
                }
            }
            if last >= 0 {
                h.window(g.windowOrigin(x: last, y: y), bins: bins, starts: rs, ends: re, runs: runCount,
                         add: false)
            }
        }
    }

    /// Fills `workspace.bins` (one bin per padded position, −1 for invalid) and `workspace.doubles[1]` (each
    /// bin's value, ascending); returns the number of bins and both (views of the workspace's arrays).
    func binTile(_ g: TileGeometry, sample: SampleKind, workspace: NeighbourhoodWorkspace)
        -> (count: Int, bins: PlaneRow<Int32>, lookup: PlaneRow<Double>) {
        let n = g.paddedWidth * g.paddedHeight
        let bins = workspace.bins.row(n)
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
                let lookup = workspace.doubles[1].row(count)
                for b in 0..<count { lookup[b] = Double(b + lo) }
                return (count, bins.readOnly, lookup.readOnly)
            }
        }
        // Bin by order: sort (value, position) pairs and number the distinct values.
        let keys = workspace.keys.row(n)
        var m = 0
        var float32 = true
        for p in 0..<n where g.isValid(p) {
            let v = g.values[p]
            if Double(Float(v)) != v { float32 = false }
            keys[m] = UInt64(p); m += 1
        }
        let lookup = workspace.doubles[1].row(max(m, 1))
        for p in 0..<n { bins[p] = -1 }
        let sorted = keys.part(0, count: m)
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
        return (max(count, 1), bins.readOnly, lookup.readOnly)
    }

    /// A key whose unsigned order is the numeric order of non-NaN `v` (−0 and +0 are the same key).
    @inline(__always) static func orderKey(_ v: Float) -> UInt32 {
        let bits = (v == 0 ? Float(0) : v).bitPattern
        return bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
    }
}

/// Counts of bins with two coarser levels (blocks of 16 and of 256 bins) and a pivot block whose count of
/// values below is tracked as values come and go. Thread safety: a view of one worker's scratch arrays.
struct SlidingHistogram {
    let fine: MutablePlaneRow<Int32>, mid: MutablePlaneRow<Int32>, top: MutablePlaneRow<Int32>
    /// Values held.
    private(set) var total = 0
    /// The pivot's 16-bin block, and the number of values in bins below it.
    private var block = 0, below = 0

    /// An empty histogram of `binCount` bins over the workspace's arrays.
    init(binCount: Int, workspace: NeighbourhoodWorkspace) {
        let midCount = (binCount + 15) >> 4 + 1, topCount = (binCount + 255) >> 8 + 1
        fine = workspace.histogram.row(binCount + 16)
        let coarse = workspace.coarse.row(midCount + topCount)
        mid = coarse.part(0, count: midCount)
        top = coarse.dropFirst(midCount)
        fine.fill(0)
        coarse.fill(0)
    }

    /// Adds (or removes) every valid value of the window whose origin is `base`: runs `starts[r] ..< ends[r]`.
    mutating func window(_ base: Int, bins: PlaneRow<Int32>, starts: PlaneRow<Int>, ends: PlaneRow<Int>, runs: Int,
                         add: Bool) {
        for r in 0..<runs {
            for p in (base + starts[r])..<(base + ends[r]) {
                let b = Int(bins[p])
                if b >= 0 { if add { self.add(b) } else { remove(b) } }
            }
        }
    }

    @inline(__always) mutating func add(_ b: Int) {
        fine[b] &+= 1; mid[b >> 4] &+= 1; top[b >> 8] &+= 1; total &+= 1
        below &+= b >> 4 < block ? 1 : 0
    }

    @inline(__always) mutating func remove(_ b: Int) {
        fine[b] &-= 1; mid[b >> 4] &-= 1; top[b >> 8] &-= 1; total &-= 1
        below &-= b >> 4 < block ? 1 : 0
    }

    /// The fullest bin, the lowest of equally full ones: scans the 256-bin blocks, then the non-empty
    /// 16-bin blocks of the non-empty ones, then their bins.
    mutating func mostFrequent() -> Int {
        var best = 0, bestCount: Int32 = 0
        var remaining = total
        var t = 0
        while remaining > 0 {
            let inTop = Int(top[t])
            if inTop > Int(bestCount) {  // only a block fuller than the best can hold a fuller bin
                for m in (t << 4)..<((t + 1) << 4) where mid[m] > bestCount {
                    for b in (m << 4)..<((m + 1) << 4) where fine[b] > bestCount { best = b; bestCount = fine[b] }
                }
            }
            remaining -= inTop
            t += 1
        }
        return best
    }

    /// The bin holding the value of 0-based rank `r` (`r < total`).
    @inline(__always) mutating func select(_ r: Int) -> Int {
        while below > r {
            if block & 15 == 0 && block >= 16 && below - Int(top[(block >> 4) - 1]) > r {
                block -= 16; below -= Int(top[block >> 4]); continue
            }
            block -= 1; below -= Int(mid[block])
        }
        while true {
            if block & 15 == 0 {
                let t = Int(top[block >> 4])
                if below + t <= r { below += t; block += 16; continue }
            }
            let m = Int(mid[block])
            if below + m > r { break }
            below += m; block += 1
        }
        var b = block << 4, count = below
        while count + Int(fine[b]) <= r { count += Int(fine[b]); b += 1 }
        return b
    }
}
