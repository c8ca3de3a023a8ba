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
        let list = taps.taps.map { (offset: $0.row * paddedWidth + $0.column, weight: $0.weight) }
        list.withUnsafeBufferPointer { t in
            for y in 0..<height {
                accumulate(t, source: UnsafePointer(padded + y * paddedWidth), into: out + y * width, count: width)
            }
        }
    }

    /// `dst[x] = Σ w · src[x + offset]` over `taps` in order, starting from 0, for `count`
    /// values: eight outputs at a time kept in a vector register while the taps go by (the
    /// same additions in the same order as one tap at a time, so the same bits, without a
    /// load and a store of `dst` per tap).
    @inline(__always)
    static func accumulate(_ taps: UnsafeBufferPointer<(offset: Int, weight: Double)>, source src: UnsafePointer<Double>,
                           into dst: UnsafeMutablePointer<Double>, count: Int) {
        var x = 0
        while x + 8 <= count {
            var acc = SIMD8<Double>(repeating: 0)
            for (offset, w) in taps {
                acc += UnsafeRawPointer(src + x + offset).loadUnaligned(as: SIMD8<Double>.self) * w
            }
            UnsafeMutableRawPointer(dst + x).storeBytes(of: acc, as: SIMD8<Double>.self)
            x += 8
        }
        while x < count {
            var acc = 0.0
            for (offset, w) in taps { acc += src[x + offset] * w }
            dst[x] = acc
            x += 1
        }
    }

    /// A rank-1 kernel as two 1-D passes: `rows[py][x] = Σ row taps · padded[py][x + i]` over
    /// every padded row, then `out[y][x] = Σ column taps · rows[y + j][x]`. `rows` holds
    /// `paddedHeight × width` values. `ReferenceConvolution` adds the same products in the same
    /// order, so both give the same bits.
    static func separable(_ rowTaps: [(offset: Int, weight: Double)], _ columnTaps: [(offset: Int, weight: Double)],
                          padded: UnsafePointer<Double>, paddedWidth: Int, paddedHeight: Int,
                          width: Int, height: Int, rows: UnsafeMutablePointer<Double>, out: UnsafeMutablePointer<Double>) {
        let across = rowTaps.map { (offset: $0.offset, weight: $0.weight) }
        let down = columnTaps.map { (offset: $0.offset * width, weight: $0.weight) }
        across.withUnsafeBufferPointer { t in
            for py in 0..<paddedHeight {
                accumulate(t, source: padded + py * paddedWidth, into: rows + py * width, count: width)
            }
        }
        down.withUnsafeBufferPointer { t in
            for y in 0..<height {
                accumulate(t, source: UnsafePointer(rows + y * width), into: out + y * width, count: width)
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
