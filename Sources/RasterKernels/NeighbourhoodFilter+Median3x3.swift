import CKernels
import RasterTiling

extension NeighbourhoodFilter {
    /// `median` over a full 3×3 footprint by sorted columns: each padded column triple is sorted once
    /// (shared by the three windows containing it), and the median of nine is the median of the largest
    /// column minimum, the median column median and the smallest column maximum — 18 min/max operations
    /// a pixel, run by `ck_median3x3` (C, built for AVX-512, AVX2 and baseline x86-64) over every row
    /// holding a chosen pixel; it also flags the rows whose windows may hold NaN. Windows holding an
    /// invalid or NaN value then take the direct path, so the result is the rank rule's input value either
    /// way; rows whose three padded rows hold no such value are not looked at again.
    func applyMedian3x3(_ g: TileGeometry, into out: MutablePlaneRow<Double>,
                        workspace: NeighbourhoodWorkspace) {
        let pw = g.paddedWidth, h = g.height, span = g.width + 2
        let flags = workspace.flags.row(3 * h + 2 + span)
        let rowInvalid = flags.part(0, count: h + 2), rows = flags.part(h + 2, count: h)
        let rowNaN = flags.part(2 * h + 2, count: h), columnHoles = flags.part(3 * h + 2, count: span)
        if g.chosen != nil {
            for y in 0..<h { rows[y] = g.rowHasChosen(y) ? 1 : 0 }
        }
        let first = g.originY * pw + g.originX
        let window = g.values.dropFirst(first)
        ck_median3x3(window.baseAddress, pw, g.width, h, g.chosen == nil ? nil : rows.readOnly.baseAddress,
                     out.baseAddress, g.width, workspace.doubles[1].row(3 * span).baseAddress, rowNaN.baseAddress)
        // The kernel flags the rows of windows that may hold NaN; invalid flags are looked for here.
        let invalid = g.valid.map {
            ck_flag_holes(window.baseAddress, $0.dropFirst(first).baseAddress, pw, span, h + 2, rowInvalid.baseAddress)
        }
        var holes = invalid ?? 0
        for y in 0..<g.height where g.chosen == nil || rows[y] != 0 { holes |= Int32(rowNaN[y]) }
        guard holes != 0 else { return }
        let v = workspace.doubles[0].row(9)
        for y in 0..<g.height where (g.chosen == nil || rows[y] != 0)
            && (rowNaN[y] != 0 || invalid != nil && rowInvalid[y] | rowInvalid[y + 1] | rowInvalid[y + 2] != 0) {
            let base = first + y * pw
            for c in 0..<span {
                columnHoles[c] = g.isValid(base + c) && g.isValid(base + pw + c) && g.isValid(base + 2 * pw + c) ? 0 : 1
            }
            let row = out.part(y * g.width, count: g.width)
            for x in 0..<g.width where columnHoles[x] | columnHoles[x + 1] | columnHoles[x + 2] != 0
                && g.isChosen(x: x, y: y) {
                var n = 0
                for j in 0..<3 {
                    let p = base + x + j * pw
                    for i in 0..<3 where g.isValid(p + i) { v[n] = g.values[p + i]; n += 1 }
                }
                let centre = g.centre(x: x, y: y)
                row[x] = n == 0 ? centre
                    : NeighbourhoodStatistic.evaluate(.median, values: v.part(0, count: n), centre: centre)
            }
        }
    }
}
