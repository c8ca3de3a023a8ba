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
    ///   - out: `width × height` values, line stride `width`.
    public static func convolve(taps: Taps, padded: UnsafePointer<Double>, paddedWidth: Int,
                                width: Int, height: Int, out: UnsafeMutablePointer<Double>,
                                rows: UnsafeMutablePointer<Double>? = nil) {
        guard width > 0, height > 0 else { return }
        if let rowTaps = taps.rowTaps, let columnTaps = taps.columnTaps, let rows {
            separable(rowTaps, columnTaps, padded: padded, paddedWidth: paddedWidth,
                      paddedHeight: height + taps.height - 1, width: width, height: height, rows: rows, out: out)
            return
        }
        for y in 0..<height {
            let row = out + y * width
            row.initialize(repeating: 0, count: width)
            for tap in taps.taps {
                let src = padded + (y + tap.row) * paddedWidth + tap.column
                let w = tap.weight
                for x in 0..<width {
                    row[x] += w * src[x]
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
                          width: Int, height: Int, rows: UnsafeMutablePointer<Double>, out: UnsafeMutablePointer<Double>) {
        for py in 0..<paddedHeight {
            let dst = rows + py * width
            dst.initialize(repeating: 0, count: width)
            for (i, w) in rowTaps {
                let src = padded + py * paddedWidth + i
                for x in 0..<width { dst[x] += w * src[x] }
            }
        }
        for y in 0..<height {
            let dst = out + y * width
            dst.initialize(repeating: 0, count: width)
            for (j, w) in columnTaps {
                let src = rows + (y + j) * width
                for x in 0..<width { dst[x] += w * src[x] }
            }
        }
    }

    /// Recomputes the chosen pixels (a `width × height` plane of flags) that have an invalid
    /// neighbour, leaving invalid neighbours out as `NodataPolicy.renormalized` says; `out`
    /// must already hold `convolve`'s result, which the other pixels keep. `valid` has the
    /// padded buffer's shape (non-zero = valid).
    public static func convolveMasked(taps: Taps, padded: UnsafePointer<Double>, valid: UnsafePointer<UInt8>,
                                      paddedWidth: Int, width: Int, height: Int,
                                      chosen: UnsafePointer<UInt8>, out: UnsafeMutablePointer<Double>) {
        let cx = taps.width - 1 - taps.width / 2, cy = taps.height - 1 - taps.height / 2
        let list = taps.taps
        for y in 0..<height {
            for x in 0..<width where chosen[y * width + x] != 0 {
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
