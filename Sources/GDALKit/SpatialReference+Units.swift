import CGDAL

extension SpatialReference {
    /// What a CRS's coordinates are measured in: for a geographic CRS its angular unit and
    /// ellipsoid, otherwise its linear unit. Thread safety: a plain value, `Sendable`.
    public struct Units: Sendable, Equatable {
        /// Whether the CRS is geographic (longitude and latitude, `OSRIsGeographic`).
        public var isGeographic: Bool
        /// Metres per linear unit and its name (`OSRGetLinearUnits`; 1 and `metre` for a metric CRS).
        public var metresPerLinearUnit: Double, linearUnitName: String
        /// Radians per angular unit and its name (`OSRGetAngularUnits`; π/180 and `degree` usually).
        public var radiansPerAngularUnit: Double, angularUnitName: String
        /// The ellipsoid's semi-major axis in metres and inverse flattening (0 for a sphere)
        /// (`OSRGetSemiMajor`, `OSRGetInvFlattening`).
        public var semiMajorMetres: Double, inverseFlattening: Double
    }

    /// The units of a CRS given as WKT (or anything `OSRSetFromUserInput` reads); `nil` when it
    /// is empty or OGR cannot read it.
    public static func units(of text: String) -> Units? {
        guard !text.isEmpty else { return nil }
        GDALRuntime.ensureReady()
        guard let srs = OSRNewSpatialReference(nil) else { return nil }
        defer { OSRDestroySpatialReference(srs); CPLErrorReset() }
        guard OSRSetFromUserInput(srs, text) == OGRERR_NONE else { return nil }
        var linearName: UnsafeMutablePointer<CChar>? = nil, angularName: UnsafeMutablePointer<CChar>? = nil
        let linear = OSRGetLinearUnits(srs, &linearName)
        let angular = OSRGetAngularUnits(srs, &angularName)
        var err = OGRERR_NONE
        let a = OSRGetSemiMajor(srs, &err)
        let invf = OSRGetInvFlattening(srs, &err)
        return Units(isGeographic: OSRIsGeographic(srs) != 0,
                     metresPerLinearUnit: linear, linearUnitName: linearName.map { String(cString: $0) } ?? "",
                     radiansPerAngularUnit: angular, angularUnitName: angularName.map { String(cString: $0) } ?? "",
                     semiMajorMetres: a, inverseFlattening: invf)
    }
}
