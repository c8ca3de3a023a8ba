import RasterTiling

extension NeighbourhoodFilter {
    /// `mean`, `variance`, `stddev` and `lee` on integer bands by exact integer sums: per padded row, prefix
    /// sums of the valid count, Σx and Σx² (Int64, wrapping, so only a window's own sums must fit), summed
    /// over the footprint's runs — for a rectangle a summed-area table, O(1) per pixel; otherwise O(runs).
    /// The window's k·Σx² − (Σx)² is formed exactly in Int128, so `mean = Σx / k` and
    /// `variance = (k·Σx² − (Σx)²) / k²` are each rounded twice at most, whatever the tiling.
    /// Exact while `2·bits(max |value|) + bits(footprint count) ≤ 62` (16-bit bands up to 2^30 pixels per
    /// footprint, i.e. every footprint); returns `false` (nothing written) on float bands, wider integer bands or
    /// a value that is not an integer of the band's range, so the caller takes the direct two-pass path.
    func applyMoments(_ g: TileGeometry, sample: SampleKind, into out: MutablePlaneRow<Double>,
                      workspace: NeighbourhoodWorkspace) -> Bool {
        guard case let .integer(lo, hi) = sample, hi >= lo else { return false }
        let magnitude = max(lo.magnitude, hi.magnitude)
        let valueBits = UInt.bitWidth - magnitude.leadingZeroBitCount
        let countBits = Int.bitWidth - footprint.count.leadingZeroBitCount
        guard 2 * valueBits + countBits <= 62 else { return false }
        let pw = g.paddedWidth, ph = g.paddedHeight
        let stride = pw + 1
        let rect = footprint.isRectangle
        let rows = rect ? ph + 1 : ph
        let cnt = workspace.sums[0].row(rows * stride)
        let s1 = workspace.sums[1].row(rows * stride)
        let s2 = workspace.sums[2].row(rows * stride)
        let low = Double(lo), high = Double(hi)
        // Row prefix sums (rectangle: the summed-area table, one row of zeros first).
        let first = rect ? 1 : 0
        if rect { for c in 0..<stride { cnt[c] = 0; s1[c] = 0; s2[c] = 0 } }
        for r in 0..<ph {
            let o = (r + first) * stride
            cnt[o] = 0; s1[o] = 0; s2[o] = 0
            var a: Int64 = 0, b: Int64 = 0, c: Int64 = 0
            for x in 0..<pw {
                let p = r * pw + x
                if g.isValid(p) {
                    let v = g.values[p]
                    guard v >= low, v <= high, v == v.rounded(.towardZero) else { return false }
                    let q = Int64(v)
                    a &+= 1; b &+= q; c &+= q &* q
                }
                if rect {
                    let u = o - stride + x + 1
                    cnt[o + x + 1] = cnt[u] &+ a; s1[o + x + 1] = s1[u] &+ b; s2[o + x + 1] = s2[u] &+ c
                } else {
                    cnt[o + x + 1] = a; s1[o + x + 1] = b; s2[o + x + 1] = c
                }
            }
        }
        var runs: [(row: Int, start: Int, end: Int)] = []
        for (j, rowRuns) in footprint.rowRuns.enumerated() {
            for r in rowRuns { runs.append((j * stride, r.lowerBound, r.upperBound)) }
        }
        let fw = footprint.width, fh = footprint.height
        for y in 0..<g.height where g.rowHasChosen(y) {
            for x in 0..<g.width where g.isChosen(x: x, y: y) {
                let base = (y + g.originY) * stride + x + g.originX
                var k: Int64 = 0, sum: Int64 = 0, squares: Int64 = 0
                if rect {
                    let a = base, b = base + fw, c = base + fh * stride, d = c + fw
                    k = cnt[d] &- cnt[b] &- cnt[c] &+ cnt[a]
                    sum = s1[d] &- s1[b] &- s1[c] &+ s1[a]
                    squares = s2[d] &- s2[b] &- s2[c] &+ s2[a]
                } else {
                    for run in runs {
                        let a = base + run.row + run.start, b = base + run.row + run.end
                        k &+= cnt[b] &- cnt[a]; sum &+= s1[b] &- s1[a]; squares &+= s2[b] &- s2[a]
                    }
                }
                let centre = g.centre(x: x, y: y)
                guard k > 0 else { out[y * g.width + x] = centre; continue }
                out[y * g.width + x] = moments(count: k, sum: sum, squares: squares, centre: centre)
            }
        }
        return true
    }

    /// The method's value from a window's exact count, Σx and Σx².
    @inline(__always)
    private func moments(count k: Int64, sum: Int64, squares: Int64, centre: Double) -> Double {
        let mean = Double(sum) / Double(k)
        if method == .mean { return mean }
        // k·Σx² − (Σx)² = k·T − r² with S = q·k + r (0 ≤ r < k) and T = Σ(x − q)² = Σx² − q·(S + r),
        // exact in Int64 while it fits (it is k²·variance); Int128 otherwise (slow, for huge windows of huge values).
        let q = sum >= 0 ? sum / k : -((-sum + k - 1) / k)
        let r = sum - q * k
        let t = squares - q * (sum + r)
        let (kt, overflow) = k.multipliedReportingOverflow(by: t)
        let numerator: Double
        if !overflow, kt <= Int64.max - r * r {
            numerator = Double(kt - r * r)
        } else {
            numerator = Double(Int128(k) * Int128(squares) - Int128(sum) * Int128(sum))
        }
        let variance = numerator / Double(k * k)
        switch method {
        case .variance: return variance
        case .standardDeviation: return variance.squareRoot()
        case let .lee(looks): return NeighbourhoodStatistic.lee(mean: mean, variance: variance, centre: centre,
                                                               looks: looks)
        default: preconditionFailure("not a moment method")
        }
    }
}
