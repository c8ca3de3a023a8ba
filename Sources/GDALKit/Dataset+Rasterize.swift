import CGDAL

extension Dataset {
    /// Burns a vector layer into band 1 of this (already created, georeferenced) raster
    /// (`GDALRasterize`): 1 inside the polygons, pixels whose centre is inside unless
    /// `allTouched`. Features are reprojected to the raster's CRS when their layer's differs.
    /// - Parameters:
    ///   - vectorPath: any vector source OGR opens (GeoPackage, Shapefile, GeoJSON, FlatGeobuf).
    ///   - layer: a layer name, `nil` for the first layer.
    ///   - sqlWhere: an attribute filter (`-where`), `nil` for all features.
    /// - Throws: `GDALError` with GDAL's message (unreadable vector, unknown layer, bad filter).
    public func rasterize(vectorPath: String, layer: String?, sqlWhere: String?, allTouched: Bool) throws(GDALError) {
        GDALRuntime.ensureReady()
        let vector = try GDALCall.nonNull("GDALOpenEx") {
            GDALOpenEx(vectorPath, UInt32(GDAL_OF_VECTOR) | UInt32(GDAL_OF_VERBOSE_ERROR), nil, nil, nil)
        }
        defer { GDALClose(vector) }
        let layerName: String
        if let layer {
            guard GDALDatasetGetLayerByName(vector, layer) != nil else {
                throw GDALError(function: "GDALDatasetGetLayerByName", message: "\(vectorPath) has no layer '\(layer)'")
            }
            layerName = layer
        } else {
            guard GDALDatasetGetLayerCount(vector) > 0, let first = GDALDatasetGetLayer(vector, 0) else {
                throw GDALError(function: "GDALDatasetGetLayer", message: "\(vectorPath) has no layer")
            }
            layerName = String(cString: OGR_L_GetName(first))
        }
        var args = ["-burn", "1", "-l", layerName]
        if let sqlWhere { args += ["-where", sqlWhere] }
        if allTouched { args.append("-at") }
        GDALCall.reset()
        guard let options = CStringList.with(args, { GDALRasterizeOptionsNew($0, nil) }) else {
            throw GDALCall.lastError("GDALRasterizeOptionsNew", fallback: "bad rasterize options")
        }
        defer { GDALRasterizeOptionsFree(options) }
        var usageError: Int32 = 0
        _ = try GDALCall.nonNull("GDALRasterize") { GDALRasterize(nil, handle, vector, options, &usageError) }
        try flush()
    }
}
