import CGDAL
import RasterTiling

extension Dataset {
    /// The affine geotransform, or `nil` when the dataset has none (`GDALGetGeoTransform`).
    public var geoTransform: GeoTransform? {
        var gt = [Double](repeating: 0, count: 6)
        CPLErrorReset()
        let rc = gt.withUnsafeMutableBufferPointer { GDALGetGeoTransform(handle, $0.baseAddress) }
        CPLErrorReset()
        return rc == CE_None ? GeoTransform(gt) : nil
    }

    /// Sets the geotransform (`GDALSetGeoTransform`).
    public func setGeoTransform(_ gt: GeoTransform) throws(GDALError) {
        var copy = gt.coefficients
        try GDALCall.check("GDALSetGeoTransform") {
            copy.withUnsafeMutableBufferPointer { GDALSetGeoTransform(handle, $0.baseAddress) }
        }
    }

    /// The CRS as WKT, empty when there is none (`GDALGetProjectionRef`).
    public var projectionWKT: String {
        GDALGetProjectionRef(handle).map { String(cString: $0) } ?? ""
    }

    /// Sets the CRS from WKT (`GDALSetProjection`).
    public func setProjection(_ wkt: String) throws(GDALError) {
        try GDALCall.check("GDALSetProjection") { GDALSetProjection(handle, wkt) }
    }

    /// The CRS's EPSG code when GDAL knows one (`OSRAutoIdentifyEPSG` on the dataset's WKT).
    public var epsg: Int? { SpatialReference.epsg(ofWKT: projectionWKT) }

    /// Number of ground control points (`GDALGetGCPCount`).
    public var gcpCount: Int { Int(GDALGetGCPCount(handle)) }

    /// Copies the ground control points and their CRS from another dataset (`GDALSetGCPs`).
    public func copyGCPs(from source: borrowing Dataset) throws(GDALError) {
        let n = GDALGetGCPCount(source.handle)
        guard n > 0 else { return }
        let gcps = GDALGetGCPs(source.handle)
        let wkt = GDALGetGCPProjection(source.handle)
        try GDALCall.check("GDALSetGCPs") { GDALSetGCPs(handle, n, gcps, wkt) }
    }

    /// The GCPs as plain values (pixel, line, x, y, z).
    public var gcps: [(pixel: Double, line: Double, x: Double, y: Double, z: Double)] {
        let n = Int(GDALGetGCPCount(handle))
        guard n > 0, let p = GDALGetGCPs(handle) else { return [] }
        return (0..<n).map { i in
            (p[i].dfGCPPixel, p[i].dfGCPLine, p[i].dfGCPX, p[i].dfGCPY, p[i].dfGCPZ)
        }
    }
}

/// Small helpers over OGR's spatial reference API.
public enum SpatialReference {
    /// The EPSG code of a CRS given as WKT, when OGR can identify one
    /// (`OSRImportFromWkt`, `OSRAutoIdentifyEPSG`, `OSRGetAuthorityCode`).
    public static func epsg(ofWKT wkt: String) -> Int? {
        guard !wkt.isEmpty else { return nil }
        GDALRuntime.ensureReady()
        guard let srs = OSRNewSpatialReference(nil) else { return nil }
        defer { OSRDestroySpatialReference(srs) }
        var text: UnsafeMutablePointer<CChar>? = CPLStrdup(wkt)
        let base = text
        defer { VSIFree(base) }
        guard OSRImportFromWkt(srs, &text) == OGRERR_NONE else { CPLErrorReset(); return nil }
        _ = OSRAutoIdentifyEPSG(srs)
        CPLErrorReset()
        for target in [nil, "PROJCS", "GEOGCS"] as [String?] {
            if let name = OSRGetAuthorityName(srs, target), String(cString: name) == "EPSG",
               let code = OSRGetAuthorityCode(srs, target), let v = Int(String(cString: code)) {
                return v
            }
        }
        return nil
    }

    /// Whether two WKT strings describe the same CRS (`OSRIsSame`).
    public static func isSame(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        guard !a.isEmpty, !b.isEmpty else { return false }
        GDALRuntime.ensureReady()
        guard let sa = OSRNewSpatialReference(a),
              let sb = OSRNewSpatialReference(b) else { CPLErrorReset(); return false }
        defer { OSRDestroySpatialReference(sa); OSRDestroySpatialReference(sb) }
        return OSRIsSame(sa, sb) != 0
    }
}
