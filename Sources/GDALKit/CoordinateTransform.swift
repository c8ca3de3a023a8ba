import CGDAL

/// A transformation between two CRSs (`OGRCoordinateTransformationH`), owned by one value.
/// Axis order is x = easting/longitude, y = northing/latitude (GIS order) for both CRSs.
/// Thread safety: not `Sendable`; create one per thread.
public struct CoordinateTransform: ~Copyable {
    let handle: OGRCoordinateTransformationH
    let source: OGRSpatialReferenceH
    let target: OGRSpatialReferenceH

    /// Builds the transformation (`OSRSetFromUserInput`, `OCTNewCoordinateTransformation`).
    /// - Parameters:
    ///   - from, to: anything `OSRSetFromUserInput` takes: `EPSG:4326`, WKT, PROJ strings.
    /// - Throws: `GDALError` naming the CRS GDAL could not read or relate.
    public init(from: String, to: String) throws(GDALError) {
        GDALRuntime.ensureReady()
        let s = try CoordinateTransform.srs(from)
        let t: OGRSpatialReferenceH
        do { t = try CoordinateTransform.srs(to) } catch { OSRDestroySpatialReference(s); throw error }
        GDALCall.reset()
        guard let ct = OCTNewCoordinateTransformation(s, t) else {
            OSRDestroySpatialReference(s); OSRDestroySpatialReference(t)
            throw GDALCall.lastError("OCTNewCoordinateTransformation",
                                     fallback: "no transformation from \(from) to \(to)")
        }
        handle = ct; source = s; target = t
    }

    private static func srs(_ text: String) throws(GDALError) -> OGRSpatialReferenceH {
        guard let srs = OSRNewSpatialReference(nil) else {
            throw GDALError(function: "OSRNewSpatialReference", message: "out of memory")
        }
        GDALCall.reset()
        if OSRSetFromUserInput(srs, text) != OGRERR_NONE {
            OSRDestroySpatialReference(srs)
            let e = GDALCall.lastError("OSRSetFromUserInput", fallback: "unknown CRS '\(text)'")
            throw GDALError(function: e.function, severity: e.severity, number: e.number,
                            message: "unknown CRS '\(text.prefix(60))': \(e.message)")
        }
        OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER)
        return srs
    }

    deinit {
        OCTDestroyCoordinateTransformation(handle)
        OSRDestroySpatialReference(source)
        OSRDestroySpatialReference(target)
    }

    /// Transforms points in place (`OCTTransformEx`); `ok[i]` is false where a point failed.
    public func transform(x: inout [Double], y: inout [Double]) -> [Bool] {
        precondition(x.count == y.count)
        var ok = [Int32](repeating: 0, count: x.count)
        var z = [Double](repeating: 0, count: x.count)
        GDALCall.reset()
        _ = x.withUnsafeMutableBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                z.withUnsafeMutableBufferPointer { zp in
                    ok.withUnsafeMutableBufferPointer { op in
                        OCTTransformEx(handle, Int32(xp.count), xp.baseAddress, yp.baseAddress, zp.baseAddress,
                                       op.baseAddress)
                    }
                }
            }
        }
        GDALCall.reset()
        return ok.map { $0 != 0 }
    }
}
