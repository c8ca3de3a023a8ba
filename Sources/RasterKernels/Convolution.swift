import CKernels

/// The convolution itself, over buffers the engine owns: a halo-padded input plane and a
/// core-sized output plane, both Float64, row-major.
///
/// `out[y][x] = Σ taps w · padded[y + row][x + column]` in tap order, so every path (fast,
/// masked, reference) adds the same products in the same order and gives the same bits.
/// Thread safety: stateless; callers own the buffers.
public enum Convolution {
    /// Convolves every core pixel, with no validity test (all neighbours valid, or policy
    /// `ignore`). The inner loop runs along a row and is auto-vectorized in release builds.
    /// - Parameters:
    ///   - padded: `(width + kernel.width - 1) × (height + kernel.height - 1)` values,
    ///     line stride `paddedWidth`.
    ///   - out: `width × height` values, line stride `outStride` (default `width`): a sub-window
    ///     of a larger plane can be computed alone, each pixel with the same bits.
    public static func convolve(taps: Taps, padded: UnsafePointer<Double>, paddedWidth: Int,
                                width: Int, height: Int, out: UnsafeMutablePointer<Double>, outStride: Int? = nil,
                                rows: UnsafeMutablePointer<Double>? = nil) {
        guard width > 0, height > 0 else { return }
        let stride = outStride ?? width
        if let rowTaps = taps.rowTaps, let columnTaps = taps.columnTaps, let rows {
            separable(rowTaps, columnTaps, padded: padded, paddedWidth: paddedWidth,
                      paddedHeight: height + taps.height - 1, width: width, height: height, rows: rows, out: out,
                      outStride: stride)
            return
        }
        let all = Accumulator(taps.taps.map { (offset: $0.row * paddedWidth + $0.column, weight: $0.weight) })
        for y in 0..<height {
            all.run(source: padded + y * paddedWidth, into: out + y * stride, count: width)
        }
    }

    /// Taps as the C loop takes them: offsets and weights side by side.
    struct Accumulator {
        let offsets: [Int64]
        let weights: [Double]
        init(_ taps: [(offset: Int, weight: Double)]) {
            offsets = taps.map { Int64($0.offset) }
            weights = taps.map(\.weight)
        }

        /// `dst[x] = Σ w · src[x + offset]` over the taps in order, starting from 0, for
        /// `count` values (`ck_accumulate`: eight outputs kept in a vector register while the
        /// taps go by, the same additions in the same order as one tap at a time, so the same
        /// bits, on every instruction set).
        @inline(__always)
        func run(source src: UnsafePointer<Double>, into dst: UnsafeMutablePointer<Double>, count: Int) {
            offsets.withUnsafeBufferPointer { o in
                weights.withUnsafeBufferPointer { w in
                    ck_accumulate(o.baseAddress, w.baseAddress, o.count, src, dst, count)
                }
            }
        }
    }

    /// A rank-1 kernel as two 1-D passes: `rows[py][x] = Σ row taps · padded[py][x + i]` over
    /// every padded row, then `out[y][x] = Σ column taps · rows[y + j][x]`. `rows` holds
    /// `paddedHeight × width` values. `ReferenceConvolution` adds the same products in the same
    /// order, so both give the same bits.
    static func separable(_ rowTaps: [(offset: Int, weight: Double)], _ columnTaps: [(offset: Int, weight: Double)],
                          padded: UnsafePointer<Double>, paddedWidth: Int, paddedHeight: Int,
                          width: Int, height: Int, rows: UnsafeMutablePointer<Double>,
                          out: UnsafeMutablePointer<Double>,
                          outStride: Int) {
        let across = Accumulator(rowTaps.map { (offset: $0.offset, weight: $0.weight) })
        let down = Accumulator(columnTaps.map { (offset: $0.offset * width, weight: $0.weight) })
        for py in 0..<paddedHeight {
            across.run(source: padded + py * paddedWidth, into: rows + py * width, count: width)
        }
        let first = columnTaps.first?.offset ?? 0
        if columnTaps.indices.allSatisfy({ columnTaps[$0].offset == first + $0 }) {
            // Taps on consecutive rows: four output rows at a time share each row's loads.
            columnTaps.map(\.weight).withUnsafeBufferPointer { w in
                ck_accumulate_down(w.baseAddress, w.count, rows + first * width, width, out, outStride, width, height)
            }
            return
        }
        for y in 0..<height {
            down.run(source: UnsafePointer(rows + y * width), into: out + y * outStride, count: width)
        }
    }

    /// Recomputes the chosen pixels (a `width × height` plane of flags) that have an invalid
    /// neighbour, leaving invalid neighbours out as `NodataPolicy.renormalized` says; `out`
    /// must already hold `convolve`'s result, which the other pixels keep. `valid` has the
    /// padded buffer's shape (non-zero = valid); `chosen` `nil` means every pixel.
    public static func convolveMasked(taps: Taps, padded: UnsafePointer<Double>, valid: UnsafePointer<UInt8>,
                                      paddedWidth: Int, width: Int, height: Int,
                                      chosen: UnsafePointer<UInt8>?, out: UnsafeMutablePointer<Double>) {
        let cx = taps.width - 1 - taps.width / 2, cy = taps.height - 1 - taps.height / 2
        let list = taps.taps
        for y in 0..<height {
            for x in 0..<width where chosen.map({ $0[y * width + x] != 0 }) ?? true {
                var sum = 0.0, validWeight = 0.0, invalidWeight = 0.0
                var anyInvalid = false
                for tap in list {
                    let k = (y + tap.row) * paddedWidth + x + tap.column
                    if valid[k] != 0 {
                        sum += tap.weight * padded[k]
                        validWeight += tap.weight
                    } else {
                        invalidWeight += tap.weight
                        anyInvalid = true
                    }
                }
                // A pixel with no invalid neighbour keeps the fast path's value (already in `out`).
                guard anyInvalid else { continue }
                let centre = padded[(y + cy) * paddedWidth + x + cx]
                out[y * width + x] = NodataPolicy.renormalized(
                    sum: sum, validWeight: validWeight, invalidWeight: invalidWeight,
                    anyInvalid: anyInvalid, centre: centre, kernelSum: taps.kernelSum)
            }
        }
    }
}
