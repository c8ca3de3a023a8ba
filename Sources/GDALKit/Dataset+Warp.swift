import CGDAL
import RasterTiling

extension Dataset {
    /// Warps a raster onto a north-up pixel grid as a virtual dataset (`GDALWarp` with
    /// `-of VRT`): nothing is computed until a window is read, and then only that window.
    /// - Parameters:
    ///   - source: the raster to warp (any path GDAL opens).
    ///   - path: where the VRT is written (e.g. under `/vsimem/`).
    ///   - width, height, geoTransform, wkt: the target grid; the geotransform must be north-up.
    ///   - resampling: GDAL's `-r` name, `near` by default.
    /// - Returns: the VRT, which owns the opened source: GDAL's warped VRT keeps a reference to
    ///   it and reads it until closed, so the source is closed after the VRT, never before.
    /// - Throws: `GDALError` with GDAL's message.
    public static func warpedVRT(_ source: String, to path: String, width: Int, height: Int, geoTransform: GeoTransform,
                                 wkt: String, resampling: String = "near") throws(GDALError) -> Dataset {
        GDALRuntime.ensureReady()
        let gt = geoTransform.coefficients
        precondition(gt[2] == 0 && gt[4] == 0, "a north-up geotransform")
        let src = try Dataset.open(source)
        let xs = [gt[0], gt[0] + Double(width) * gt[1]], ys = [gt[3], gt[3] + Double(height) * gt[5]]
        let args = ["-of", "VRT", "-r", resampling, "-et", "0", "-t_srs", wkt,
                    "-te", "\(xs.min()!)", "\(ys.min()!)", "\(xs.max()!)", "\(ys.max()!)",
                    "-ts", "\(width)", "\(height)"]
        GDALCall.reset()
        guard let options = CStringList.with(args, { GDALWarpAppOptionsNew($0, nil) }) else {
            throw GDALCall.lastError("GDALWarpAppOptionsNew", fallback: "bad warp options")
        }
        defer { GDALWarpAppOptionsFree(options) }
        var usageError: Int32 = 0
        var srcHandle: GDALDatasetH? = src.handle
        let h = try GDALCall.nonNull("GDALWarp") {
            withUnsafeMutablePointer(to: &srcHandle) { GDALWarp(path, nil, 1, $0, options, &usageError) }
        }
        return Dataset(handle: h, owningSource: src.releaseHandle())
    }
}
