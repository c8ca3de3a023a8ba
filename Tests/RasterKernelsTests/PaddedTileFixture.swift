import RasterKernels
import RasterTiling

/// A padded tile built the engine's way (AxisGather per axis, constant positions = cval and valid) from a
/// whole image in memory, and a helper that runs a tile operation over it.
struct PaddedTileFixture {
    var values: [Double]
    var valid: [UInt8]
    let paddedWidth: Int, paddedHeight: Int
    let halo: Halo
    let window: Window

    init(image: [Double], valid: [Bool]?, width: Int, height: Int, window: Window, halo: Halo,
         edge: EdgeMode, cval: Double) {
        let gx = AxisGather(start: window.x - halo.left, length: window.width + halo.left + halo.right,
                            count: width, edge: edge)
        let gy = AxisGather(start: window.y - halo.top, length: window.height + halo.top + halo.bottom,
                            count: height, edge: edge)
        let columns = gx.runs.flatMap { Array($0) }, rows = gy.runs.flatMap { Array($0) }
        paddedWidth = gx.slots.count
        paddedHeight = gy.slots.count
        self.halo = halo
        self.window = window
        values = []
        self.valid = []
        for py in 0..<paddedHeight {
            for px in 0..<paddedWidth {
                if let sy = gy.slots[py], let sx = gx.slots[px] {
                    let k = rows[sy] * width + columns[sx]
                    values.append(image[k])
                    self.valid.append(valid?[k] ?? true ? 1 : 0)
                } else {
                    values.append(cval)
                    self.valid.append(1)
                }
            }
        }
    }

    /// Runs `op` on the tile; `chosen` is the core's choice (nil = all). Returns the core's results.
    func run<Op: TileOperation>(_ op: Op, sample: SampleKind, chosen: [UInt8]?, useValid: Bool = true,
                                workspace: inout Op.Workspace) -> [Double] {
        withTile(sample: sample, chosen: chosen, useValid: useValid) { tile, out in
            op.apply(tile, into: out, workspace: &workspace)
        }
    }

    /// Lends `body` the tile (its validity plane unless `useValid` is false; `chosen` as the core's
    /// choice, nil = all) and an output of the core's size, filled with NaN; returns that output.
    func withTile(sample: SampleKind, chosen: [UInt8]?, useValid: Bool,
                  _ body: (PaddedTile, MutablePlane<Double>) -> Void) -> [Double] {
        var out = [Double](repeating: .nan, count: window.width * window.height)
        let (w, h, pw, ph) = (window.width, window.height, paddedWidth, paddedHeight)
        values.withPlaneRow { v in
            valid.withPlaneRow { m in
                (chosen ?? []).withPlaneRow { c in
                    out.withMutablePlaneRow { o in
                        let tile = PaddedTile(values: v.plane(width: pw, height: ph),
                                              valid: useValid ? m.plane(width: pw, height: ph) : nil, halo: halo,
                                              chosen: chosen == nil ? nil : c.plane(width: w, height: h),
                                              sample: sample)
                        body(tile, o.plane(width: w, height: h))
                    }
                }
            }
        }
        return out
    }

    /// The choice of `window`'s pixels in an image of `width` columns: selected, valid (when
    /// `valid` is given) and not NaN.
    static func choice(_ window: Window, width: Int, image: [Double], valid: [Bool]?, selected: [Bool]) -> [UInt8] {
        var chosen = [UInt8](repeating: 0, count: window.area)
        for y in 0..<window.height {
            for x in 0..<window.width {
                let k = (window.y + y) * width + window.x + x
                chosen[y * window.width + x] = selected[k] && (valid?[k] ?? true) && !image[k].isNaN ? 1 : 0
            }
        }
        return chosen
    }
}

/// SplitMix64, so property cases are the same on every run.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Whether two results agree as the issue asks: rank methods and `mode` bit for bit (±0 alike), the
/// others within 1e-12 relative (of the value, or of `scale` for results near 0 by cancellation).
func agrees(_ a: Double, _ b: Double, method: FilterMethod, scale: Double) -> Bool {
    if method.selectsInputValue { return a == b }
    if a == b { return true }
    return abs(a - b) <= 1e-12 * max(abs(b), scale)
}
