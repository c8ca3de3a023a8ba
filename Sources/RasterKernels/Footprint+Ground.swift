/// A `--footprint` whose size carries a ground unit (`disk:50m`, `square:120m`, `rect:90mx30m`),
/// kept as written until the input's pixel size is known, then made a `Footprint` in pixels:
/// `disk:R` holds the pixels whose centre lies within R metres of the centre pixel's (measured
/// with the pixel's own width and height, so non-square pixels give an ellipse in pixels);
/// `square:L` and `rect:WxH` take, on each axis, the odd number of pixels nearest to the length
/// (ties up, at least 1), so the footprint stays centred, as `box:L` does for kernels.
/// Thread safety: a plain value, `Sendable`.
public struct GroundFootprintSpec: Sendable, Hashable, CustomStringConvertible {
    /// The spec as written.
    public let text: String
    /// The shape and its ground lengths (`rect` has two, the others one).
    public enum Shape: String, Sendable, Hashable { case disk, square, rect }
    public let shape: Shape
    public let lengths: [GroundLength]

    /// Parses a shape whose size carries a ground unit; `nil` for anything else (a size in
    /// pixels, a matrix, a file), which `Footprint(parsing:)` takes.
    public static func parse(_ spec: String) -> GroundFootprintSpec? {
        let text = String(Substring(spec).trimmingSpaces)
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let shape = Shape(rawValue: parts[0].lowercased()) else { return nil }
        let sizes = shape == .rect ? splitRect(parts[1]) : [parts[1]]
        let lengths = sizes.compactMap(GroundLength.init(parsing:))
        guard lengths.count == (shape == .rect ? 2 : 1), lengths.contains(where: \.isGround) else { return nil }
        return GroundFootprintSpec(text: text, shape: shape, lengths: lengths)
    }

    /// `90mx30m` → `["90m", "30m"]`: the `x` that follows a number or a unit separates them.
    private static func splitRect(_ s: String) -> [String] {
        guard let i = s.lastIndex(where: { $0 == "x" || $0 == "X" }), i != s.startIndex else { return [s] }
        return [String(s[..<i]), String(s[s.index(after: i)...])]
    }

    /// The footprint in pixels on a raster whose pixels are `scale` metres.
    /// - Throws: `FootprintError.badSize` for a length that is not positive, `.tooLarge` past 511 pixels.
    public func resolve(on scale: GroundScale) throws(FootprintError) -> Footprint {
        var pixels: [(x: Double, y: Double)] = []
        for l in lengths {
            guard l.value > 0, l.value.isFinite, let p = l.pixels(on: scale) else {
                throw .badSize(text: l.description, what: "a \(shape.rawValue) size", expected: "a positive length")
            }
            pixels.append(p)
        }
        switch shape {
        case .disk:
            let r = pixels[0]
            let hx = Int(r.x.rounded(.down)), hy = Int(r.y.rounded(.down))
            let w = 2 * hx + 1, h = 2 * hy + 1
            guard w <= Footprint.maximumSize, h <= Footprint.maximumSize else {
                throw .tooLarge(width: w, height: h, limit: Footprint.maximumSize)
            }
            // Within R of the centre, in pixel units of each axis: (dx/rx)² + (dy/ry)² ≤ 1.
            var mask = [Bool](repeating: false, count: w * h)
            for j in 0..<h {
                for i in 0..<w {
                    let dx = Double(i - hx) / r.x, dy = Double(j - hy) / r.y
                    mask[j * w + i] = dx * dx + dy * dy <= 1
                }
            }
            return try Footprint(width: w, height: h, mask: mask, spec: text)
        case .square, .rect:
            let wide = pixels[0].x, high = (shape == .rect ? pixels[1] : pixels[0]).y
            // The odd number nearest to each length, as box:L (ties up, at least 1).
            let w = (try? GroundKernelSpec.nearestOdd(wide)) ?? Int.max
            let h = (try? GroundKernelSpec.nearestOdd(high)) ?? Int.max
            guard w <= Footprint.maximumSize, h <= Footprint.maximumSize else {
                throw .tooLarge(width: w, height: h, limit: Footprint.maximumSize)
            }
            return try Footprint(width: w, height: h, mask: [Bool](repeating: true, count: w * h), spec: text)
        }
    }

    /// The spec as written.
    public var description: String { text }
}
