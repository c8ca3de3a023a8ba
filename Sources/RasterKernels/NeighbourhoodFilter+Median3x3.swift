extension NeighbourhoodFilter {
    /// `median` over a full 3×3 footprint by sorted columns: each padded column triple is sorted once
    /// (shared by the three windows containing it), and the median of nine is the median of the largest
    /// column minimum, the median column median and the smallest column maximum — about 20 min/max operations
    /// a pixel, in loops the compiler vectorises. Windows holding an invalid or NaN value take the direct path,
    /// so the result is the rank rule's input value either way.
    func applyMedian3x3(_ g: TileGeometry, into out: UnsafeMutablePointer<Double>,
                        workspace: NeighbourhoodWorkspace) {
        let pw = g.paddedWidth, n = pw * g.paddedHeight
        var holes = false
        for p in 0..<n where !g.isValid(p) { holes = true; break }
        let lo = workspace.doubles[1].pointer(3 * pw)
        let mid = lo + pw, hi = lo + 2 * pw
        for y in 0..<g.height where g.rowHasChosen(y) {
            let r0 = g.values + (y + g.originY) * pw, r1 = r0 + pw, r2 = r1 + pw
            for c in 0..<pw {
                let a = r0[c], b = r1[c], d = r2[c]
                let l = min(a, b), h = max(a, b)
                let m = min(h, d)
                lo[c] = min(l, m)
                mid[c] = max(l, m)
                hi[c] = max(h, d)
            }
            let row = out + y * g.width
            let x0 = g.originX
            for x in 0..<g.width {
                let c = x + x0
                let a = max(max(lo[c], lo[c + 1]), lo[c + 2])
                let b = NeighbourhoodFilter.median3(mid[c], mid[c + 1], mid[c + 2])
                let d = min(min(hi[c], hi[c + 1]), hi[c + 2])
                row[x] = NeighbourhoodFilter.median3(a, b, d)
            }
            guard holes else { continue }
            withUnsafeTemporaryAllocation(of: Double.self, capacity: 9) { buffer in
                let v = buffer.baseAddress!
                for x in 0..<g.width where g.isChosen(x: x, y: y) {
                    let base = g.windowOrigin(x: x, y: y)
                    var n = 0
                    for j in 0..<3 {
                        for i in 0..<3 where g.isValid(base + j * pw + i) { v[n] = g.values[base + j * pw + i]; n += 1 }
                    }
                    if n == 9 { continue }
                    let values = UnsafeMutableBufferPointer(start: v, count: n)
                    row[x] = n == 0 ? g.centre(x: x, y: y)
                        : NeighbourhoodStatistic.evaluate(.median, values: values, centre: g.centre(x: x, y: y))
                }
            }
        }
    }

    /// The middle of three values.
    @inline(__always) static func median3(_ a: Double, _ b: Double, _ c: Double) -> Double {
        max(min(a, b), min(max(a, b), c))
    }
}
