import CGDAL

/// Progress reporting shared by GDAL calls that take a `GDALProgressFunc`.
final class ProgressBox {
    let report: (Double) -> Bool
    init(_ report: @escaping (Double) -> Bool) { self.report = report }
}

private let progressTrampoline: GDALProgressFunc = { complete, _, arg in
    guard let arg else { return 1 }
    let box = Unmanaged<ProgressBox>.fromOpaque(arg).takeUnretainedValue()
    return box.report(complete) ? 1 : 0
}

extension Dataset {
    /// Creates a new dataset (`GDALGetDriverByName` + `GDALCreate`).
    /// - Parameters:
    ///   - path: where to create it.
    ///   - driver: GDAL driver short name, `GTiff` by default.
    ///   - width, height, bandCount: the raster's shape.
    ///   - dataType: pixel type of every band.
    ///   - options: creation options as `KEY=VALUE` strings (`-co`).
    /// - Throws: `GDALError` with GDAL's message (unknown driver, unwritable folder, bad option).
    public static func create(
        _ path: String, driver: String = "GTiff", width: Int, height: Int, bandCount: Int,
        dataType: RasterDataType, options: [String] = []
    ) throws(GDALError) -> Dataset {
        GDALRuntime.ensureReady()
        guard let t = dataType.gdal else {
            throw GDALError(function: "GDALCreate",
                            message: "data type \(dataType.name) is not available in GDAL \(GDALRuntime.version)")
        }
        let drv = try GDALCall.nonNull("GDALGetDriverByName") { GDALGetDriverByName(driver) }
        let h = try GDALCall.nonNull("GDALCreate") {
            CStringList.with(options) { opts in
                GDALCreate(drv, path, Int32(width), Int32(height), Int32(bandCount), t, opts)
            }
        }
        return Dataset(handle: h)
    }

    /// Copies this dataset to a new file with a driver (`GDALCreateCopy`).
    /// - Parameters:
    ///   - path: destination.
    ///   - driver: GDAL driver short name, `GTiff` by default.
    ///   - options: creation options as `KEY=VALUE` strings.
    ///   - progress: called with the fraction done; return `false` to cancel.
    /// - Throws: `GDALError` with GDAL's message, "User terminated" when cancelled.
    public func createCopy(
        to path: String, driver: String = "GTiff", options: [String] = [],
        progress: ((Double) -> Bool)? = nil
    ) throws(GDALError) -> Dataset {
        let drv = try GDALCall.nonNull("GDALGetDriverByName") { GDALGetDriverByName(driver) }
        let box = progress.map(ProgressBox.init)
        let h = try GDALCall.nonNull("GDALCreateCopy") {
            CStringList.with(options) { opts in
                if let box {
                    return withExtendedLifetime(box) {
                        GDALCreateCopy(drv, path, handle, 0, opts, progressTrampoline,
                                       Unmanaged.passUnretained(box).toOpaque())
                    }
                }
                return GDALCreateCopy(drv, path, handle, 0, opts, nil, nil)
            }
        }
        return Dataset(handle: h)
    }
}

extension Dataset {
    /// Checks creation options against a driver's option list (`GDALValidateCreationOptions`),
    /// so a misspelt key or value is an error rather than a warning GDAL would only print.
    /// - Throws: `GDALError` carrying GDAL's warning text, function `GDALValidateCreationOptions`.
    public static func validateCreationOptions(_ options: [String], driver: String = "GTiff") throws(GDALError) {
        GDALRuntime.ensureReady()
        let drv = try GDALCall.nonNull("GDALGetDriverByName") { GDALGetDriverByName(driver) }
        GDALCall.reset()
        let ok = CStringList.with(options) { GDALValidateCreationOptions(drv, $0) }
        if ok == 0 {
            throw GDALCall.lastError("GDALValidateCreationOptions", fallback: "invalid creation options \(options)")
        }
        GDALCall.reset()
    }
}
