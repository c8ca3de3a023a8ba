/// GDAL's affine geotransform as a value: pixel (`px`, `py`) (corner coordinates, so a pixel's
/// centre is at `+ 0.5`) lies at `x = c0 + px·c1 + py·c2`, `y = c3 + px·c4 + py·c5` in the CRS.
/// Named operations replace index arithmetic on `[Double]`: apply, invert, and the transform of
/// a sub-window (rasterio's `window_transform`). Thread safety: a plain value, `Sendable`.
public struct GeoTransform: Hashable, Sendable, CustomStringConvertible {
    /// The six coefficients in GDAL's order.
    public let coefficients: [Double]

    /// A geotransform from GDAL's six coefficients; `nil` unless there are six.
    public init?(_ coefficients: [Double]) {
        guard coefficients.count == 6 else { return nil }
        self.coefficients = coefficients
    }

    /// The CRS position of pixel position (`px`, `py`).
    @inline(__always)
    public func apply(_ px: Double, _ py: Double) -> (x: Double, y: Double) {
        let g = coefficients
        return (g[0] + px * g[1] + py * g[2], g[3] + px * g[4] + py * g[5])
    }

    /// The transform from CRS positions back to pixel positions; `nil` when the affine part
    /// is singular.
    public func inverted() -> GeoTransform? {
        let g = coefficients
        let det = g[1] * g[5] - g[2] * g[4]
        guard det != 0, det.isFinite else { return nil }
        let a = g[5] / det, b = -g[2] / det, d = -g[4] / det, e = g[1] / det
        return GeoTransform([-(a * g[0] + b * g[3]), a, b, -(d * g[0] + e * g[3]), d, e])
    }

    /// Whether rows run north to south along the CRS's axes (no rotation, negative y step).
    public var isNorthUp: Bool { coefficients[2] == 0 && coefficients[4] == 0 && coefficients[5] < 0 }

    /// The geotransform of `window` of a raster with this one: the same steps, the origin at
    /// the window's top-left pixel.
    public func of(_ window: Window) -> GeoTransform {
        let (x0, y0) = apply(Double(window.x), Double(window.y))
        let g = coefficients
        return GeoTransform([x0, g[1], g[2], y0, g[4], g[5]])!
    }

    /// GDAL's order, as `gdalinfo` prints it.
    public var description: String { "\(coefficients)" }
}

extension GeoTransform: ExpressibleByArrayLiteral {
    /// Six coefficients in GDAL's order, written out: `[x0, dx, rx, y0, ry, dy]`.
    public init(arrayLiteral coefficients: Double...) {
        precondition(coefficients.count == 6, "a geotransform has six coefficients")
        self.coefficients = coefficients
    }
}
