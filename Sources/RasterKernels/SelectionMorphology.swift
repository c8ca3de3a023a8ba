import RasterTiling

/// `--grow-mask R` / `--shrink-mask R`: binary dilation and erosion of a selection plane (1 = selected) by
/// the disk of `Footprint.disk(radius: R)` (any R ≥ 0, not limited to footprint sizes), equal to
/// `scipy.ndimage.binary_dilation` / `binary_erosion` with that disk as `structure` and the default
/// `border_value=0`: positions outside the raster count as unselected, so shrinking also clears pixels within
/// R of the raster's border. The caller pads the plane by R on every side with 0 outside the raster. Each
/// pixel tests the disk's row runs against row prefix counts: O(R) per pixel, 4 bytes of scratch per padded
/// pixel. Thread safety: stateless.
public enum SelectionMorphology {
    /// Dilates (`grow`) or erodes (`!grow`) the core of a padded selection plane.
    /// - Parameters:
    ///   - padded: `(width + 2R) × (height + 2R)` bytes, core pixel (x, y) at (x + R, y + R); non-zero = selected.
    ///   - out: `width × height` bytes, 1 = selected, 0 = not.
    public static func apply(grow: Bool, radius: Int, padded: Plane<UInt8>, into out: MutablePlane<UInt8>) {
        precondition(radius >= 0)
        let width = out.width, height = out.height
        let pw = width + 2 * radius, ph = height + 2 * radius
        precondition(padded.width == pw && padded.height == ph, "the padded plane is not the core padded by R")
        // Row prefix counts of selected pixels over the whole padded plane.
        var counts = [Int32](repeating: 0, count: ph * (pw + 1))
        counts.withMutablePlaneRow { prefix in
            for r in 0..<ph {
                var c: Int32 = 0
                let row = padded.row(r)
                for x in 0..<pw {
                    if row[x] != 0 { c += 1 }
                    prefix[r * (pw + 1) + x + 1] = c
                }
            }
            dilateOrErode(grow: grow, radius: radius, prefix: prefix.readOnly, into: out)
        }
    }

    /// The core's pixels from the row prefix counts (`pw + 1` a row).
    private static func dilateOrErode(grow: Bool, radius: Int, prefix: PlaneRow<Int32>,
                                      into out: MutablePlane<UInt8>) {
        let width = out.width, height = out.height, pw = width + 2 * radius
        // Row j of the disk (dy = j − R) spans R − half … R + half, half = ⌊√(R² − dy²)⌋ (as `disk:R`, any R).
        let runs = (0...(2 * radius)).map { j -> (Int, Range<Int>) in
            let dy = j - radius
            var half = Int(Double(radius * radius - dy * dy).squareRoot())
            while half * half > radius * radius - dy * dy { half -= 1 }
            while (half + 1) * (half + 1) <= radius * radius - dy * dy { half += 1 }
            return (j, (radius - half) ..< (radius + half + 1))
        }
        for y in 0..<height {
            for x in 0..<width {
                var hit = !grow
                for (j, run) in runs {
                    let o = (y + j) * (pw + 1) + x
                    let n = prefix[o + run.upperBound] - prefix[o + run.lowerBound]
                    if grow ? n > 0 : Int(n) < run.count { hit = grow; break }
                }
                out[x, y] = hit ? 1 : 0
            }
        }
    }

    /// The whole-plane form: `selected` is `width × height`, outside the raster is unselected.
    public static func apply(grow: Bool, radius: Int, selected: [UInt8], width: Int, height: Int) -> [UInt8] {
        precondition(selected.count == width * height)
        let pw = width + 2 * radius
        var padded = [UInt8](repeating: 0, count: pw * (height + 2 * radius))
        for y in 0..<height {
            for x in 0..<width { padded[(y + radius) * pw + x + radius] = selected[y * width + x] }
        }
        var out = [UInt8](repeating: 0, count: width * height)
        padded.withPlaneRow { p in
            out.withMutablePlaneRow { o in
                apply(grow: grow, radius: radius, padded: p.plane(width: pw, height: height + 2 * radius),
                      into: o.plane(width: width, height: height))
            }
        }
        return out
    }
}
