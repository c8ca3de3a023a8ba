#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Reading a few bytes of a file (a TIFF header, a kernel file) with the C library, where
/// Foundation's `FileHandle` was used before the project kept to `FoundationEssentials`.
/// Thread safety: stateless; each call owns its descriptor.
public enum FileBytes {
    /// Up to `limit` bytes from the start of the file at `path`, fewer when it is shorter;
    /// `nil` when it cannot be opened or read.
    public static func prefix(_ path: String, limit: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: max(0, limit))
        var filled = 0
        while filled < bytes.count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { return nil }
            if n == 0 { break }
            filled += n
        }
        return Array(bytes.prefix(filled))
    }
}
