#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import GDALKit

/// Why a write to a file failed, when GDAL's message does not say: after a failed
/// `GDALWriteBlock` or close, libtiff reports only `TIFFAppendToStrip:Write error at
/// scanline N` (the system's errno is lost on the way), so the file system is asked
/// (`statvfs`: is it full?) and the process's file-size limit checked (`ulimit -f`).
/// Thread safety: stateless.
enum WriteFailure {
    /// Free space below which a failed write is put down to a full disk.
    static let fullBelowBytes: UInt64 = 1 << 20

    /// `No space left on device (N KiB free on its file system)`, `File too large (…ulimit -f…)`,
    /// or `nil` when neither explains a failed write to `file`.
    static func reason(writing file: String) -> String? {
        var fs = statvfs()
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent().path
        if statvfs(folder, &fs) == 0 {
            let free = UInt64(fs.f_bavail) * UInt64(fs.f_frsize)
            if free < fullBelowBytes {
                return "\(String(cString: strerror(ENOSPC))) (\(free / 1024) KiB free on its file system)"
            }
        }
        var limit = rlimit()
        var st = stat()
        if getrlimit(Int32(RLIMIT_FSIZE.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max,
           stat(file, &st) == 0, UInt64(st.st_size) + fullBelowBytes >= UInt64(limit.rlim_cur) {
            return "\(String(cString: strerror(EFBIG))) (the file-size limit, ulimit -f, is \(limit.rlim_cur) bytes)"
        }
        return nil
    }

    /// A GDAL failure while writing `file` (shown as `path`), with the reason added when
    /// GDAL's message lacks it.
    static func error(_ error: any Error, path: String, writing file: String, context: String) -> EngineError {
        guard let e = error as? GDALError else { return EngineError(wrapping: error, path: path, context: context) }
        guard let reason = reason(writing: file) else { return .gdal(path: path, context: context, e) }
        var with = e
        with.message = "\(reason): \(e.message)"
        return .gdal(path: path, context: context, with)
    }
}
