/// A rectangle of pixels: `x`, `y` is the top-left corner, in raster coordinates.
///
/// Windows are small values with named operations (rasterio's `windows.py`, ITK's
/// `PadByRadius`/`Crop`). Thread safety: a plain value, `Sendable`.
public struct Window: Hashable, Sendable, CustomStringConvertible {
    /// Top-left pixel and size.
    public var x: Int, y: Int, width: Int, height: Int

    /// Creates a window; negative sizes are treated as empty.
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x; self.y = y
        self.width = max(0, width); self.height = max(0, height)
    }

    /// The whole raster `width × height`.
    public init(width: Int, height: Int) { self.init(x: 0, y: 0, width: width, height: height) }

    /// One past the last column.
    public var maxX: Int { x + width }
    /// One past the last row.
    public var maxY: Int { y + height }
    /// Number of pixels.
    public var area: Int { width * height }
    /// Whether the window holds no pixel.
    public var isEmpty: Bool { width == 0 || height == 0 }

    /// The window grown by a halo on each side (may extend past the raster).
    public func padded(by halo: Halo) -> Window {
        Window(x: x - halo.left, y: y - halo.top,
               width: width + halo.left + halo.right, height: height + halo.top + halo.bottom)
    }

    /// The overlap with another window, `nil` when they do not overlap.
    public func intersection(_ other: Window) -> Window? {
        let x0 = max(x, other.x), y0 = max(y, other.y)
        let x1 = min(maxX, other.maxX), y1 = min(maxY, other.maxY)
        guard x1 > x0, y1 > y0 else { return nil }
        return Window(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }

    /// The part of the window inside `bounds` (empty when outside).
    public func clamped(to bounds: Window) -> Window {
        intersection(bounds) ?? Window(x: max(bounds.x, min(x, bounds.maxX)), y: max(bounds.y, min(y, bounds.maxY)),
                                       width: 0, height: 0)
    }

    /// `WxH+X+Y`.
    public var description: String { "\(width)x\(height)+\(x)+\(y)" }
}

/// How far a kernel reaches past a pixel on each side; asymmetric for even kernel sizes.
/// Thread safety: a plain value, `Sendable`.
public struct Halo: Hashable, Sendable {
    /// Pixels reached on each side.
    public var left: Int, top: Int, right: Int, bottom: Int
    /// Creates a halo with explicit extents.
    public init(left: Int, top: Int, right: Int, bottom: Int) {
        self.left = left; self.top = top; self.right = right; self.bottom = bottom
    }
}
