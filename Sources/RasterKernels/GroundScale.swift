#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import RasterTiling

/// Metres on the ground per pixel, along the raster's x (columns) and y (rows), as a ground
/// length (`gaussian:30m`, `disk:50m`) is converted to pixels. Thread safety: a plain value, `Sendable`.
///
/// Made from the raster's geotransform and its CRS's unit: in a projected CRS the pixel size
/// times the linear unit (`OSRGetLinearUnits`, metres per unit) — a distance on the map plane,
/// not corrected for the projection's scale factor; in a geographic CRS the pixel size in
/// degrees (or the CRS's angular unit) converted to metres on the ellipsoid at the latitude of
/// the raster's centre (the meridian and prime-vertical radii of curvature there), so the same
/// length is fewer pixels across near the equator than near the poles.
public struct GroundScale: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Metres from one pixel to the next along a row (x) and along a column (y); both positive.
    public let metresPerPixelX: Double, metresPerPixelY: Double

    /// A scale from metres per pixel; `nil` unless both are positive and finite.
    public init?(metresPerPixelX: Double, metresPerPixelY: Double) {
        guard metresPerPixelX > 0, metresPerPixelY > 0, metresPerPixelX.isFinite, metresPerPixelY.isFinite else {
            return nil
        }
        self.metresPerPixelX = metresPerPixelX
        self.metresPerPixelY = metresPerPixelY
    }

    /// What a CRS's unit says about its coordinates.
    public enum CRSUnits: Sendable, Hashable {
        /// A projected (or local) CRS: coordinates in a linear unit of `metresPerUnit` metres.
        case linear(metresPerUnit: Double)
        /// A geographic CRS: longitude and latitude in an angular unit of `radiansPerUnit`
        /// radians, on an ellipsoid (`inverseFlattening` 0 for a sphere).
        case geographic(radiansPerUnit: Double, semiMajorMetres: Double, inverseFlattening: Double)
    }

    /// The scale of a raster from its affine geotransform (GDAL's six coefficients, x = easting
    /// or longitude) and its CRS's units. The pixel steps `(gt[1], gt[4])` along a row and
    /// `(gt[2], gt[5])` down a column are measured in metres, so rotated grids work too; in a
    /// geographic CRS at the latitude of the raster's centre. `nil` when a step is zero or
    /// not finite (or the centre is at a pole).
    public init?(geoTransform: GeoTransform, width: Int, height: Int, units: CRSUnits) {
        let gt = geoTransform.coefficients
        let kx: Double, ky: Double   // metres per CRS unit along x and along y
        switch units {
        case let .linear(m):
            kx = m; ky = m
        case let .geographic(radiansPerUnit, a, invf):
            let lat = gt[3] + gt[4] * Double(width) / 2 + gt[5] * Double(height) / 2
            let phi = max(-Double.pi / 2, min(Double.pi / 2, lat * radiansPerUnit))
            let (parallel, meridian) = GroundScale.radiiOfCurvature(latitude: phi, semiMajor: a,
                                                                    inverseFlattening: invf)
            kx = parallel * cos(phi) * radiansPerUnit
            ky = meridian * radiansPerUnit
        }
        self.init(metresPerPixelX: ((gt[1] * kx) * (gt[1] * kx) + (gt[4] * ky) * (gt[4] * ky)).squareRoot(),
                  metresPerPixelY: ((gt[2] * kx) * (gt[2] * kx) + (gt[5] * ky) * (gt[5] * ky)).squareRoot())
    }

    /// The ellipsoid's radii of curvature at a latitude (radians): in the prime vertical `N`
    /// (a parallel's radius is `N cos φ`) and in the meridian `M`.
    public static func radiiOfCurvature(latitude phi: Double, semiMajor a: Double,
                                        inverseFlattening invf: Double) -> (primeVertical: Double, meridian: Double) {
        let f = invf == 0 ? 0 : 1 / invf
        let e2 = f * (2 - f)
        let w = (1 - e2 * sin(phi) * sin(phi)).squareRoot()
        return (a / w, a * (1 - e2) / (w * w * w))
    }

    /// Whether x and y pixels are the same size on the ground (within one part in 10⁹).
    public var isSquare: Bool {
        abs(metresPerPixelX - metresPerPixelY) <= 1e-9 * max(metresPerPixelX, metresPerPixelY)
    }

    /// A ground distance in pixels along x and along y.
    public func pixels(metres: Double) -> (x: Double, y: Double) {
        (metres / metresPerPixelX, metres / metresPerPixelY)
    }

    /// `30 x 30 m per pixel`.
    public var description: String {
        return "\(format6(metresPerPixelX)) x \(format6(metresPerPixelY)) m per pixel"
    }
}

/// At most six significant digits, without a trailing `.0`: `3`, `2.93321`, `0.000123457`.
func format6(_ v: Double) -> String {
    guard v != 0, v.isFinite else { return String(v) }
    let digits = max(0, min(15, 5 - Int(log10(abs(v)).rounded(.down))))
    let p = pow(10, Double(digits))
    return GroundLength.format((v * p).rounded() / p)
}
