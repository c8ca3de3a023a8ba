import CKernels
import RasterTiling

/// The convolution itself, over planes the engine lends: a halo-padded input plane and a
/// core-sized output plane, both Float64.
///
/// `out[x, y] = Σ taps w · padded[x + column, y + row]` in tap order, so every path (fast,
/// masked, reference) adds the same products in the same order and gives the same bits.
/// Thread safety: stateless; callers own the planes.
public enum Convolution {
    /// Convolves every pixel of `out`, with no validity test (all neighbours valid, or policy
    /// `ignore`). The inner loop runs along a row in C (`ck_accumulate`), vectorized.
    /// - Parameters:
    ///   - padded: at least `(out.width + taps.width - 1) × (out.height + taps.height - 1)` values
    ///     (any row stride): a part of a larger padded plane gives each pixel the same bits.
    ///   - out: the results (any row stride).
    ///   - rows: for a rank-1 kernel, room for the horizontal pass (`(out.height + taps.height - 1)
    ///     × out.width` values); without it the kernel is applied in one pass.
    public static func convolve(taps: Taps, padded: Plane<Double>, into out: MutablePlane<Double>,
                                rows: MutablePlaneRow<Double>? = nil) {
        let width = out.width, height = out.height
        guard width > 0, height > 0 else { return }
        precondition(padded.width >= width + taps.width - 1 && padded.height >= height + taps.height - 1,
                     "the padded plane does not hold the kernel's reach")
        if let rowTaps = taps.rowTaps, let columnTaps = taps.columnTaps, let rows {
            separable(rowTaps, columnTaps, padded: padded, paddedHeight: height + taps.height - 1,
                      rows: rows.plane(width: width, height: height + taps.height - 1), into: out)
            return
        }
        let stride = padded.rowStride
        let all = Accumulator(taps.taps.map { (offset: $0.row * stride + $0.column, weight: $0.weight) })
        for y in 0..<height { all.run(from: padded.row(y), into: out.row(y)) }
    }

    /// Taps as the C loop takes them: offsets and weights side by side.
    struct Accumulator {
        let offsets: [Int64]
        let weights: [Double]
        init(_ taps: [(offset: Int, weight: Double)]) {
            offsets = taps.map { Int64($0.offset) }
            weights = taps.map(\.weight)
        }

        /// `dst[x] = Σ w · source[x + offset]` over the taps in order, starting from 0, for each
        /// of `dst`'s values, where `source` is the row the offsets count from (they reach into
        /// the rows after it, in the plane it belongs to) (`ck_accumulate`: eight outputs kept in
        /// a vector register while the taps go by, the same additions in the same order as one
        /// tap at a time, so the same bits, on every instruction set).
        @inline(__always)
        func run(from source: PlaneRow<Double>, into dst: MutablePlaneRow<Double>) {
            offsets.withUnsafeBufferPointer { o in
                weights.withUnsafeBufferPointer { w in
                    ck_accumulate(o.baseAddress, w.baseAddress, o.count, source.baseAddress, dst.baseAddress, dst.count)
                }
            }
        }
    }

    /// A rank-1 kernel as two 1-D passes: `rows[x, py] = Σ row taps · padded[x + i, py]` over
    /// every padded row, then `out[x, y] = Σ column taps · rows[x, y + j]`. `ReferenceConvolution`
    /// adds the same products in the same order, so both give the same bits.
    static func separable(_ rowTaps: [(offset: Int, weight: Double)], _ columnTaps: [(offset: Int, weight: Double)],
                          padded: Plane<Double>, paddedHeight: Int, rows: MutablePlane<Double>,
                          into out: MutablePlane<Double>) {
        let width = out.width, height = out.height
        let across = Accumulator(rowTaps.map { (offset: $0.offset, weight: $0.weight) })
        let down = Accumulator(columnTaps.map { (offset: $0.offset * width, weight: $0.weight) })
        for py in 0..<paddedHeight { across.run(from: padded.row(py), into: rows.row(py)) }
        let first = columnTaps.first?.offset ?? 0
        if columnTaps.indices.allSatisfy({ columnTaps[$0].offset == first + $0 }) {
            // Taps on consecutive rows: four output rows at a time share each row's loads.
            columnTaps.map(\.weight).withUnsafeBufferPointer { w in
                ck_accumulate_down(w.baseAddress, w.count, rows.row(first).baseAddress, width, out.baseAddress,
                                   out.rowStride, width, height)
            }
            return
        }
        for y in 0..<height { down.run(from: rows.readOnly.row(y), into: out.row(y)) }
    }

    /// Recomputes the chosen pixels of `out` (`chosen`, of `out`'s size; `nil` means every
    /// pixel) that have an invalid neighbour, leaving invalid neighbours out as
    /// `NodataPolicy.renormalized` says; `out` must already hold `convolve`'s result, which the
    /// other pixels keep. `valid` has the padded plane's shape (non-zero = valid).
    public static func convolveMasked(taps: Taps, padded: Plane<Double>, valid: Plane<UInt8>,
                                      chosen: Plane<UInt8>?, into out: MutablePlane<Double>) {
        let width = out.width, height = out.height
        precondition(padded.width >= width + taps.width - 1 && padded.height >= height + taps.height - 1
                     && valid.width == padded.width && valid.height == padded.height,
                     "the padded planes do not hold the kernel's reach")
        let cx = taps.width - 1 - taps.width / 2, cy = taps.height - 1 - taps.height / 2
        let list = taps.taps
        for y in 0..<height {
            for x in 0..<width where chosen.map({ $0[x, y] != 0 }) ?? true {
                var sum = 0.0, validWeight = 0.0, invalidWeight = 0.0
                var anyInvalid = false
                for tap in list {
                    let px = x + tap.column, py = y + tap.row
                    if valid[px, py] != 0 {
                        sum += tap.weight * padded[px, py]
                        validWeight += tap.weight
                    } else {
                        invalidWeight += tap.weight
                        anyInvalid = true
                    }
                }
                // A pixel with no invalid neighbour keeps the fast path's value (already in `out`).
                guard anyInvalid else { continue }
                let centre = padded[x + cx, y + cy]
                out[x, y] = NodataPolicy.renormalized(
                    sum: sum, validWeight: validWeight, invalidWeight: invalidWeight,
                    anyInvalid: anyInvalid, centre: centre, kernelSum: taps.kernelSum)
            }
        }
    }
}
