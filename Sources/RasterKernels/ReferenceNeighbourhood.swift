import RasterTiling

/// The plain whole-image footprint filter that defines what the tile operations must produce, kept as the
/// test oracle (like `ReferenceConvolution`). Each pixel gathers its footprint's valid neighbours through
/// `EdgeMode` and applies `NeighbourhoodStatistic`; slow on purpose. Thread safety: stateless.
public enum ReferenceNeighbourhood {
    /// `out = method(x over footprint)` where `selected` and `valid` hold, `x` elsewhere.
    /// - Parameters:
    ///   - image: `width × height` values, row-major; NaN values are invalid.
    ///   - valid: per pixel validity (`nil`: all valid); out-of-raster `constant` positions hold `cval`, valid.
    ///   - selected: per pixel selection (`nil`: all selected).
    /// A selected valid pixel with no valid neighbour keeps its value.
    public static func apply(image: [Double], width: Int, height: Int, method: FilterMethod, footprint: Footprint,
                             edge: EdgeMode, cval: Double = 0, valid: [Bool]? = nil,
                             selected: [Bool]? = nil) -> [Double] {
        precondition(image.count == width * height)
        let halo = footprint.halo
        let isValid: (Int) -> Bool = { k in (valid?[k] ?? true) && !image[k].isNaN }
        var out = image
        var buffer = [Double](repeating: 0, count: footprint.count)
        for y in 0..<height {
            for x in 0..<width {
                let k = y * width + x
                guard selected?[k] ?? true, isValid(k) else { continue }
                var n = 0
                for j in 0..<footprint.height {
                    for i in 0..<footprint.width where footprint[i, j] {
                        let sy = edge.sourceIndex(y - halo.top + j, count: height)
                        let sx = edge.sourceIndex(x - halo.left + i, count: width)
                        if let sy, let sx {
                            if isValid(sy * width + sx) { buffer[n] = image[sy * width + sx]; n += 1 }
                        } else if !cval.isNaN {
                            buffer[n] = cval; n += 1
                        }
                    }
                }
                guard n > 0 else { continue }
                out[k] = buffer.withMutablePlaneRow { b in
                    NeighbourhoodStatistic.evaluate(method, values: b.part(0, count: n), centre: image[k])
                }
            }
        }
        return out
    }
}
