import CGDAL
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Process-wide GDAL set-up: driver registration and the quiet error handler, done exactly once.
///
/// Every GDALKit entry point calls `GDALRuntime.ensureReady()`, so registration cannot be
/// forgotten. GDAL's messages never reach stderr by themselves: they are captured per thread
/// and carried by `GDALError`. Thread safety: safe from any thread (Swift's global `let`
/// initialisation runs once).
public enum GDALRuntime {
    private static let ready: Bool = {
        CPLSetErrorHandler(CPLQuietErrorHandler)
        GDALAllRegister()
        return true
    }()

    /// Registers all drivers and installs the quiet error handler, once per process.
    /// Wraps `GDALAllRegister` and `CPLSetErrorHandler`.
    public static func ensureReady() { _ = ready }

    /// The GDAL release this process runs, e.g. `3.6.2` (`GDALVersionInfo("RELEASE_NAME")`).
    public static var version: String {
        ensureReady()
        return String(cString: GDALVersionInfo("RELEASE_NAME"))
    }

    /// `GDAL_VERSION_NUM` of the headers GDALKit was built against, e.g. 3060200.
    public static var versionNumber: Int { Int(CGDAL_VersionNum()) }

    /// The size of GDAL's global block cache in bytes (`GDALGetCacheMax64`).
    public static var cacheMax: Int64 {
        get { ensureReady(); return GDALGetCacheMax64() }
        set { ensureReady(); GDALSetCacheMax64(newValue) }
    }

    /// Sets a process-wide GDAL configuration option (`CPLSetConfigOption`).
    public static func setConfigOption(_ key: String, _ value: String?) {
        CPLSetConfigOption(key, value)
    }

    /// Deletes a file through GDAL's virtual file layer (`VSIUnlink`); works for `/vsimem/` too.
    @discardableResult
    public static func unlink(_ path: String) -> Bool { VSIUnlink(path) == 0 }

    /// Whether a path exists for GDAL's virtual file layer (`VSIStatL`).
    public static func exists(_ path: String) -> Bool {
        ensureReady()
        // VSIStatBufL is `struct stat64`, which Swift sees only as an opaque pointer: lend it raw memory.
        return withUnsafeTemporaryAllocation(byteCount: 512, alignment: 16) { buf in
            VSIStatL(path, OpaquePointer(buf.baseAddress)) == 0
        }
    }

    /// Writes bytes to a path through GDAL's virtual file layer (`VSIFOpenL`/`VSIFWriteL`),
    /// for fixtures under `/vsimem/`.
    public static func writeFile(_ path: String, bytes: [UInt8]) throws(GDALError) {
        ensureReady()
        let fp = try GDALCall.nonNull("VSIFOpenL") { VSIFOpenL(path, "wb") }
        let n = bytes.withUnsafeBytes { VSIFWriteL($0.baseAddress, 1, $0.count, fp) }
        VSIFCloseL(fp)
        if n != bytes.count { throw GDALError(function: "VSIFWriteL", message: "short write to \(path)") }
    }

    /// Size and modification time (whole seconds) of a path through GDAL's virtual file layer
    /// (`VSIStatL`), for `/vsimem/`, `/vsizip/`, `/vsicurl/` paths; `nil` when it does not exist.
    public static func statVirtual(_ path: String) -> (size: Int64, modified: Int64)? {
        ensureReady()
        // On 64-bit Linux glibc's `struct stat64` (VSIStatBufL) is `struct stat`, which Swift knows.
        var st = stat()
        let ok = withUnsafeMutablePointer(to: &st) { VSIStatL(path, OpaquePointer($0)) == 0 }
        return ok ? (Int64(st.st_size), Int64(st.st_mtim.tv_sec)) : nil
    }

    /// The files GDAL reads for the raster or vector dataset at `path`, sidecars included
    /// (`GDALOpenEx` read-only, `GDALGetFileList`); empty when GDAL cannot open it.
    /// Thread safety: opens its own handle; call from any thread.
    public static func fileList(of path: String) -> [String] {
        ensureReady()
        let flags = UInt32(GDAL_OF_RASTER) | UInt32(GDAL_OF_VECTOR)
        GDALCall.reset()
        guard let h = GDALOpenEx(path, flags, nil, nil, nil) else { GDALCall.reset(); return [] }
        defer { GDALClose(h) }
        guard let list = GDALGetFileList(h) else { return [] }
        defer { CSLDestroy(list) }
        return CStringList.strings(list)
    }
}
