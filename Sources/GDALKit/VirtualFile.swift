import CGDAL

/// A file opened for reading through GDAL's virtual file layer (`VSIFOpenL`), so local
/// paths, `/vsimem/`, `/vsizip/` and `/vsicurl/` read alike. Owns its handle; closed in
/// `deinit`. Thread safety: one value per thread (a VSI handle keeps a position).
public struct VirtualFile: ~Copyable {
    private let handle: UnsafeMutablePointer<VSILFILE>
    public let path: String

    /// Opens `path` for reading.
    /// - Throws: `GDALError` with GDAL's message when the file cannot be opened.
    public init(reading path: String) throws(GDALError) {
        GDALCall.reset()
        guard let h = VSIFOpenL(path, "rb") else {
            throw GDALCall.lastError("VSIFOpenL", fallback: "cannot open \(path)")
        }
        handle = h
        self.path = path
    }

    deinit { VSIFCloseL(handle) }

    /// Reads `count` bytes at `offset` into `buffer` (resized to what was read).
    /// - Throws: `GDALError` when the seek fails or fewer bytes could be read.
    public func read(at offset: Int, count: Int, into buffer: inout [UInt8]) throws(GDALError) {
        if buffer.count != count { buffer = [UInt8](repeating: 0, count: count) }
        guard VSIFSeekL(handle, vsi_l_offset(offset), SEEK_SET) == 0 else {
            throw GDALError(function: "VSIFSeekL", message: "cannot seek to \(offset) in \(path)")
        }
        let n = buffer.withUnsafeMutableBytes { VSIFReadL($0.baseAddress, 1, count, handle) }
        if n != count {
            throw GDALError(function: "VSIFReadL", message: "read \(n) of \(count) bytes at \(offset) in \(path)")
        }
    }
}
