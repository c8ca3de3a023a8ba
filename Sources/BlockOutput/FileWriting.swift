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

/// Writing a whole buffer to a file descriptor: the one write-all loop of the block files
/// (`BlockFile`, `AppendedBlockFile`) and of the engine's copies and quick looks.
/// Thread safety: stateless; as safe as the descriptor and the buffer.
public enum FileWriting {
    /// Writes all of `bytes` to `fd`, at `offset` (`pwrite`) or, when `offset` is `nil`, at the
    /// file's position (`write`), retrying after a signal (`EINTR`) and after short writes.
    /// - Returns: the bytes written, and 0 or the errno of the failure that stopped it (`EIO`
    ///   for a write that wrote nothing): the caller decides what a failure means (a retry on
    ///   another descriptor, an error naming its file).
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer,
                                at offset: UInt64? = nil) -> (written: Int, error: Int32) {
        var done = 0
        while done < bytes.count {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[done...])
            let n = offset.map { pwrite(fd, rest.baseAddress, rest.count, off_t($0) + off_t(done)) }
                ?? write(fd, rest.baseAddress, rest.count)
            if n > 0 { done += n; continue }
            let e = n < 0 ? errno : EIO
            if e == EINTR { continue }
            return (done, e)
        }
        return (done, 0)
    }
}
