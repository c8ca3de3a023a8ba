import GDALKit
import RasterKernels

extension GroundScale {
    /// The metres per pixel of an open raster, from its geotransform and its CRS's unit (see
    /// `GroundScale`: in a geographic CRS, at the latitude of the raster's centre).
    /// - Parameters:
    ///   - dataset: the raster.
    ///   - path: its name in messages.
    ///   - neededBy: what asks for it, as written (`gaussian:30m`), for the messages.
    /// - Throws: `EngineError.badOption` when the raster has no geotransform (GCPs alone do not
    ///   say a pixel's size), no CRS (the geotransform's unit is unknown), or a zero pixel size.
    /// Thread safety: on the thread that owns `dataset`.
    public static func of(_ dataset: borrowing Dataset, path: String,
                          neededBy what: String) throws(EngineError) -> GroundScale {
        guard let gt = dataset.geoTransform else {
            let gcps = dataset.gcpCount > 0 ? " (only GCPs)" : ""
            throw .badOption("\(what) needs a georeferenced input; \(path) has no geotransform\(gcps)")
        }
        guard let u = SpatialReference.units(of: dataset.projectionWKT) else {
            throw .badOption("\(what) needs the input's CRS to know the unit of its pixel size; "
                             + "\(path) has a geotransform but no CRS")
        }
        let units: CRSUnits = u.isGeographic
            ? .geographic(radiansPerUnit: u.radiansPerAngularUnit, semiMajorMetres: u.semiMajorMetres,
                          inverseFlattening: u.inverseFlattening)
            : .linear(metresPerUnit: u.metresPerLinearUnit)
        guard let scale = GroundScale(geoTransform: gt, width: dataset.width, height: dataset.height,
                                      units: units) else {
            throw .badOption("\(what): the pixel size of \(path) is zero or not finite on the ground "
                             + "(geotransform \(gt))")
        }
        return scale
    }
}
