import CGDAL

/// An open GDAL dataset, owned by exactly one Swift value (`GDALDatasetH`).
///
/// `close()` is the real way to finish: it flushes, closes and reports write errors that
/// GDAL 3.6 only signals through its error state. `deinit` closes a dataset that was not
/// closed explicitly, ignoring errors (a safety net, not a path). Bands are lent through
/// `withBand(_:_:)` and cannot outlive the dataset.
///
/// Thread safety: not `Sendable`. GDAL 3.6 datasets are not thread-safe, so each thread opens
/// its own `Dataset` for reading, and exactly one thread owns a dataset being written.
public struct Dataset: ~Copyable {
    /// How a dataset is opened.
    public enum Access: Sendable { case readOnly, update }

    let handle: GDALDatasetH
    /// A dataset this one reads from and owns (a warped VRT's source), closed after it.
    private let source: GDALDatasetH?

    init(handle: GDALDatasetH, owningSource source: GDALDatasetH? = nil) {
        self.handle = handle
        self.source = source
    }

    deinit {
        GDALClose(handle)
        if let source { GDALClose(source) }
    }

    /// Gives up ownership of the handle without closing it, for a dataset that takes it over.
    consuming func releaseHandle() -> GDALDatasetH {
        let h = handle
        discard self
        return h
    }

    /// Opens a raster dataset (`GDALOpenEx` with `GDAL_OF_RASTER | GDAL_OF_VERBOSE_ERROR`).
    /// - Parameters:
    ///   - path: a file path or any GDAL virtual path (`/vsimem/…`, `/vsizip/…`).
    ///   - access: read-only (default) or update.
    /// - Throws: `GDALError` with GDAL's message when GDAL cannot open it.
    public static func open(_ path: String, access: Access = .readOnly) throws(GDALError) -> Dataset {
        GDALRuntime.ensureReady()
        var flags = UInt32(GDAL_OF_RASTER) | UInt32(GDAL_OF_VERBOSE_ERROR)
        if access == .update { flags |= UInt32(GDAL_OF_UPDATE) }
        let h = try GDALCall.nonNull("GDALOpenEx") { GDALOpenEx(path, flags, nil, nil, nil) }
        return Dataset(handle: h)
    }

    /// Flushes and closes the dataset, reporting any write error GDAL raised while doing so
    /// (`GDALClose`; GDAL 3.6 returns void, so the error state is checked).
    /// - Throws: `GDALError` when GDAL failed to write what was pending.
    public consuming func close() throws(GDALError) {
        let (h, s) = (handle, source)
        discard self
        try GDALCall.checkState("GDALClose") {
            GDALClose(h)
            if let s { GDALClose(s) }   // after the dataset that read from it
        }
    }

    /// Writes cached blocks to disk (`GDALFlushCache`), reporting write errors.
    public func flush() throws(GDALError) {
        try GDALCall.checkState("GDALFlushCache") { GDALFlushCache(handle) }
    }

    /// Raster width in pixels (`GDALGetRasterXSize`).
    public var width: Int { Int(GDALGetRasterXSize(handle)) }
    /// Raster height in pixels (`GDALGetRasterYSize`).
    public var height: Int { Int(GDALGetRasterYSize(handle)) }
    /// Number of bands (`GDALGetRasterCount`).
    public var bandCount: Int { Int(GDALGetRasterCount(handle)) }

    /// The dataset's description, normally the path it was opened with (`GDALGetDescription`).
    public var path: String { String(cString: GDALGetDescription(handle)) }

    /// The short name of the driver that opened the dataset, e.g. `GTiff` (`GDALGetDriverShortName`).
    public var driverName: String {
        guard let d = GDALGetDatasetDriver(handle) else { return "" }
        return String(cString: GDALGetDriverShortName(d))
    }

    /// The files that make up the dataset, sidecars included (`GDALGetFileList`).
    public var fileList: [String] {
        guard let list = GDALGetFileList(handle) else { return [] }
        defer { CSLDestroy(list) }
        return CStringList.strings(list)
    }

    /// Lends band `index` (1-based) to `body`; the band cannot escape it (`GDALGetRasterBand`).
    /// - Throws: `GDALError` when the band does not exist, or what `body` throws.
    public func withBand<R>(_ index: Int, _ body: (borrowing Band) throws -> R) throws -> R {
        let b = try GDALCall.nonNull("GDALGetRasterBand") { GDALGetRasterBand(handle, Int32(index)) }
        let band = Band(handle: b, index: index)
        return try body(band)
    }
}

/// Conversions between Swift string arrays and GDAL's NULL-terminated `char **` lists.
enum CStringList {
    /// Reads a NULL-terminated list.
    static func strings(_ list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> [String] {
        var out: [String] = []
        var i = 0
        while let s = list[i] { out.append(String(cString: s)); i += 1 }
        return out
    }

    /// Builds a list for the duration of `body` (`CSLAddString`, `CSLDestroy`).
    static func with<R>(_ items: [String],
                        _ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) throws -> R) rethrows -> R {
        var list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = nil
        for item in items { list = CSLAddString(list, item) }
        defer { CSLDestroy(list) }
        return try body(list)
    }

    /// Builds a list for the duration of `body`, seen as the `const char *const *` some GDAL
    /// functions take (`GDALBuildVRT`'s source names).
    static func withConst<R>(_ items: [String],
                             _ body: (UnsafePointer<UnsafePointer<CChar>?>?) throws -> R) rethrows -> R {
        try with(items) { list in
            try body(list.map { UnsafeRawPointer($0).assumingMemoryBound(to: UnsafePointer<CChar>?.self) })
        }
    }
}
