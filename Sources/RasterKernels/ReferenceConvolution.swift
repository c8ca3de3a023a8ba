import RasterTiling

/// The plain whole-image masked convolution that defines what the engine must produce,
/// kept forever as the test oracle (STYLE habit 7). It works on a whole band in memory and
/// maps every out-of-raster access through `EdgeMode`; it is slow on purpose.
/// Thread safety: stateless.
public enum ReferenceConvolution {
    /// `out = convolve(x, K, mode, cval)` where `selected` and `valid` hold, `x` elsewhere.
    /// - Parameters:
    ///   - image: `width × height` values, row-major.
    ///   - valid: per pixel validity (`nil`: all valid); NaN pixels are also invalid when
    ///     `nanIsInvalid` is set.
    ///   - selected: per pixel selection (`nil`: all selected).
    public static func apply(image: [Double], width: Int, height: Int, kernel: Kernel,
                             edge: EdgeMode, cval: Double = 0, policy: NodataPolicy = .renormalize,
                             valid: [Bool]? = nil, selected: [Bool]? = nil, nanIsInvalid: Bool = false) -> [Double] {
        precondition(image.count == width * height)
        let taps = Taps(kernel)
        let halo = kernel.halo
        let isValid: (Int) -> Bool = { k in
            (valid?[k] ?? true) && !(nanIsInvalid && image[k].isNaN)
        }
        var out = image
        for y in 0..<height {
            for x in 0..<width {
                let k = y * width + x
                guard selected?[k] ?? true, isValid(k) else { continue }
                var sum = 0.0, validWeight = 0.0, invalidWeight = 0.0
                var anyInvalid = false
                for tap in taps.taps {
                    let sy = edge.sourceIndex(y - halo.top + tap.row, count: height)
                    let sx = edge.sourceIndex(x - halo.left + tap.column, count: width)
                    let value: Double
                    let ok: Bool
                    if let sy, let sx {
                        value = image[sy * width + sx]
                        ok = policy == .ignore || isValid(sy * width + sx)
                    } else {
                        value = cval
                        ok = true
                    }
                    if ok {
                        sum += tap.weight * value
                        validWeight += tap.weight
                    } else {
                        invalidWeight += tap.weight
                        anyInvalid = true
                    }
                }
                if anyInvalid {
                    out[k] = NodataPolicy.renormalized(sum: sum, validWeight: validWeight, invalidWeight: invalidWeight,
                                                       anyInvalid: true, centre: image[k], kernelSum: taps.kernelSum)
                } else if let rowTaps = taps.rowTaps, let columnTaps = taps.columnTaps {
                    // A rank-1 kernel: a horizontal 1-D sum on each row the column taps need, then
                    // the vertical sum, in the engine's order.
                    var total = 0.0
                    for (j, wc) in columnTaps {
                        let sy = edge.sourceIndex(y - halo.top + j, count: height)
                        var rowSum = 0.0
                        for (i, wr) in rowTaps {
                            let sx = edge.sourceIndex(x - halo.left + i, count: width)
                            let v = (sy != nil && sx != nil) ? image[sy! * width + sx!] : cval
                            rowSum += wr * v
                        }
                        total += wc * rowSum
                    }
                    out[k] = total
                } else {
                    out[k] = sum
                }
            }
        }
        return out
    }
}
