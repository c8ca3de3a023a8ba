import CGDAL

extension Dataset {
    /// Builds a VRT at `path` mosaicking the rasters `sources` by their geotransforms
    /// (`GDALBuildVRT`, gdalbuildvrt's options in `arguments`), and returns it open.
    /// - Throws: `GDALError` with GDAL's message (a source it cannot open or place, a bad option).
    public static func buildVRT(_ path: String, sources: [String],
                                arguments: [String] = []) throws(GDALError) -> Dataset {
        GDALRuntime.ensureReady()
        GDALCall.reset()
        guard let options = CStringList.with(arguments, { GDALBuildVRTOptionsNew($0, nil) }) else {
            throw GDALCall.lastError("GDALBuildVRTOptionsNew", fallback: "bad gdalbuildvrt options")
        }
        defer { GDALBuildVRTOptionsFree(options) }
        var usageError: Int32 = 0
        let h = try GDALCall.nonNull("GDALBuildVRT") {
            CStringList.withConst(sources) { names in
                GDALBuildVRT(path, Int32(sources.count), nil, names, options, &usageError)
            }
        }
        return Dataset(handle: h)
    }
}
