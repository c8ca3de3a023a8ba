import CGDAL

extension Dataset {
    /// Creates a raster held in memory only (GDAL's `MEM` driver, `GDALCreate` with an empty name).
    /// - Throws: `GDALError` with GDAL's message (out of memory, bad size).
    /// Thread safety: the new dataset belongs to the calling thread.
    public static func inMemory(width: Int, height: Int, bandCount: Int,
                                dataType: RasterDataType) throws(GDALError) -> Dataset {
        try create("", driver: "MEM", width: width, height: height, bandCount: bandCount, dataType: dataType)
    }

    /// This dataset encoded as a PNG (`GDALCreateCopy` with the `PNG` driver into a `/vsimem/` file, whose
    /// bytes are then taken), its default-domain metadata items as the PNG's `tEXt` chunks
    /// (`WRITE_METADATA_AS_TEXT=YES`; GDAL reads them back as metadata items). No `.aux.xml` is written
    /// (`GDAL_PAM_ENABLED=NO` on this thread during the copy).
    /// - Parameter zlevel: DEFLATE level 1–9 (`ZLEVEL`); 1 is the fastest.
    /// - Throws: `GDALError` with GDAL's message (unsupported band count or type).
    /// Thread safety: as the dataset, one thread at a time.
    public func pngBytes(zlevel: Int = 6) throws(GDALError) -> [UInt8] {
        let previous = CPLGetThreadLocalConfigOption("GDAL_PAM_ENABLED", nil).map { String(cString: $0) }
        CPLSetThreadLocalConfigOption("GDAL_PAM_ENABLED", "NO")
        defer { CPLSetThreadLocalConfigOption("GDAL_PAM_ENABLED", previous) }
        let path = "/vsimem/geokernel-png-\(UInt64.random(in: 0 ... .max)).png"   // one per call, any thread
        defer { VSIUnlink(path) }
        let png = try createCopy(to: path, driver: "PNG", options: ["ZLEVEL=\(zlevel)", "WRITE_METADATA_AS_TEXT=YES"])
        try png.close()
        var length: vsi_l_offset = 0
        guard let data = VSIGetMemFileBuffer(path, &length, 0) else {
            throw GDALError(function: "VSIGetMemFileBuffer", message: "the PNG driver wrote nothing to \(path)")
        }
        return [UInt8](UnsafeBufferPointer(start: data, count: Int(length)))
    }
}
