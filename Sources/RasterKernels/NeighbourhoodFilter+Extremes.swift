import CKernels
import RasterTiling

extension NeighbourhoodFilter {
    /// `min`, `max` and `range` by running extremes: invalid positions become ±∞. A rectangle takes
    /// `ck_extreme_rect` (C: doubling spans, whole rows per branch-free pass, ⌈log₂ W⌉ + ⌈log₂ H⌉ passes). A disk
    /// or custom footprint takes van Herk / Gil-Werman passes: a horizontal pass gives each run length's extreme
    /// in O(1) per position (3 comparisons), and a window is the extreme of its rows' runs, O(runs) per pixel.
    /// Both order −0 before +0, so a window's zero does not depend on the tiling. Returns `false` (nothing
    /// written) when a valid value is infinite, so the caller takes the direct path.
    func applyExtremes(_ g: TileGeometry, into out: MutablePlaneRow<Double>,
                       workspace: NeighbourhoodWorkspace) -> Bool {
        let n = g.paddedWidth * g.paddedHeight
        let wantMin = method != .maximum, wantMax = method != .minimum
        let low = workspace.doubles[0].row(n)   // valid ? v : +∞
        let high = workspace.doubles[1].row(n)  // valid ? v : −∞
        for p in 0..<n {
            let v = g.values[p]
            if g.isValid(p) {
                if v.isInfinite { return false }
                low[p] = v; high[p] = v
            } else {
                low[p] = .infinity; high[p] = -.infinity
            }
        }
        let tempA = workspace.doubles[2].row(n)
        let tempB = workspace.doubles[3].row(max(g.paddedWidth, g.paddedHeight) * 2)
        if footprint.isRectangle {
            // Horizontal then vertical spans, in place over the padded planes.
            for (plane, isMin) in [(low, true), (high, false)] where isMin ? wantMin : wantMax {
                ck_extreme_rect(plane.baseAddress, g.paddedWidth, g.paddedHeight, footprint.width, footprint.height,
                                isMin ? 1 : 0, plane.baseAddress, tempA.baseAddress, tempB.baseAddress)
            }
            for y in 0..<g.height where g.rowHasChosen(y) {
                for x in 0..<g.width where g.isChosen(x: x, y: y) {
                    let p = g.windowOrigin(x: x, y: y)
                    out[y * g.width + x] = combine(low[p], high[p], centre: g.centre(x: x, y: y))
                }
            }
            return true
        }
        // Disk or custom: per distinct run length, a horizontal pass into its own plane, then per pixel the
        // extreme over the footprint's runs. Planes are made one length at a time and folded into `out`.
        var runsByLength: [Int: [(row: Int, start: Int)]] = [:]
        for (j, rowRuns) in footprint.rowRuns.enumerated() {
            for r in rowRuns { runsByLength[r.count, default: []].append((j * g.paddedWidth, r.lowerBound)) }
        }
        let core = g.width * g.height
        var lows = [Double](repeating: .infinity, count: core), highs = [Double](repeating: -.infinity, count: core)
        lows.withMutablePlaneRow { bestLow in
            highs.withMutablePlaneRow { bestHigh in
                foldRuns(runsByLength, g, low: low, high: high, temp: tempA, line: tempB,
                         into: (bestLow, bestHigh))
                for y in 0..<g.height where g.rowHasChosen(y) {
                    for x in 0..<g.width where g.isChosen(x: x, y: y) {
                        let k = y * g.width + x
                        out[k] = combine(bestLow[k], bestHigh[k], centre: g.centre(x: x, y: y))
                    }
                }
            }
        }
        return true
    }

    /// Folds, per distinct run length, the runs' extremes (a horizontal pass of `low` and `high` into
    /// `temp`) into each chosen pixel's best minimum and maximum.
    private func foldRuns(_ runsByLength: [Int: [(row: Int, start: Int)]], _ g: TileGeometry,
                          low: MutablePlaneRow<Double>, high: MutablePlaneRow<Double>,
                          temp tempA: MutablePlaneRow<Double>, line tempB: MutablePlaneRow<Double>,
                          into best: (low: MutablePlaneRow<Double>, high: MutablePlaneRow<Double>)) {
        let wantMin = method != .maximum, wantMax = method != .minimum
        let bestLow = best.low, bestHigh = best.high
        for (length, runs) in runsByLength.sorted(by: { $0.key < $1.key }) {
            for (plane, isMin) in [(low, true), (high, false)] where isMin ? wantMin : wantMax {
                for r in 0..<g.paddedHeight {
                    slidingExtreme(plane.readOnly.part(r * g.paddedWidth, count: g.paddedWidth),
                                   count: g.paddedWidth, stride: 1, length: length, isMin: isMin,
                                   into: tempA.part(r * g.paddedWidth, count: g.paddedWidth), line: tempB)
                }
                let best = isMin ? bestLow : bestHigh
                for y in 0..<g.height where g.rowHasChosen(y) {
                    for x in 0..<g.width where g.isChosen(x: x, y: y) {
                        let p = g.windowOrigin(x: x, y: y)
                        var e = best[y * g.width + x]
                        for run in runs {
                            let v = tempA[p + run.row + run.start]
                            if beats(v, e, isMin: isMin) { e = v }
                        }
                        best[y * g.width + x] = e
                    }
                }
            }
        }
    }

    /// Whether `v` replaces the extreme `e` so far: smaller (larger), or −0 against +0 for the minimum (+0 against
    /// −0 for the maximum) — the order `ck_extreme_rect` uses, so a window holding both zeros gives the same zero
    /// on any tiling and for any footprint.
    @inline(__always) private func beats(_ v: Double, _ e: Double, isMin: Bool) -> Bool {
        if v == e { return v == 0 && (v.sign == .minus) == isMin && (e.sign == .minus) != isMin }
        return isMin ? v < e : v > e
    }

    /// The method's value from a window's extremes; ±∞ means no valid value, so the centre.
    @inline(__always) private func combine(_ lo: Double, _ hi: Double, centre: Double) -> Double {
        switch method {
        case .minimum: return lo == .infinity ? centre : lo
        case .maximum: return hi == -.infinity ? centre : hi
        default: return lo == .infinity ? centre : hi - lo
        }
    }

    /// van Herk / Gil-Werman: `out[i·stride] = extreme(a[i…i+length−1])` for `i` in `0 … count − length`, from
    /// prefix extremes `g` and suffix extremes `h` over blocks of `length`: `extreme(h[i], g[i + length − 1])`.
    /// `line` holds `2 · count` doubles.
    @inline(__always)
    private func slidingExtreme(_ a: PlaneRow<Double>, count: Int, stride: Int, length: Int,
                                isMin: Bool, into out: MutablePlaneRow<Double>, line: MutablePlaneRow<Double>) {
        guard count >= length else { return }
        if length == 1 {
            for i in 0..<count { out[i * stride] = a[i * stride] }
            return
        }
        let gp = line, hp = line.dropFirst(count)
        var i = 0
        while i < count {
            let end = min(i + length, count)
            var e = a[i * stride]
            gp[i] = e
            for t in (i + 1)..<end {
                let v = a[t * stride]
                if beats(v, e, isMin: isMin) { e = v }
                gp[t] = e
            }
            e = a[(end - 1) * stride]
            hp[end - 1] = e
            var t = end - 2
            while t >= i {
                let v = a[t * stride]
                if beats(v, e, isMin: isMin) { e = v }
                hp[t] = e
                t -= 1
            }
            i = end
        }
        for i in 0...(count - length) {
            let l = hp[i], r = gp[i + length - 1]
            out[i * stride] = beats(r, l, isMin: isMin) ? r : l
        }
    }
}
