import BlockOutput
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

/// The quick look's temporary file beside its target, opened when the run is about to finish — before the
/// output is renamed into place, which holds the folder's lock while the replaced file's blocks are freed
/// (over 0.1 s for a 512 MiB output), so the PNG's creation never waits behind it — then written, and
/// renamed over the target or removed (by whoever made it: `writing`, `PreviewJob`). Owns its descriptor
/// (closed by `commit`, `discard` or `deinit`).
/// Thread safety: one thread at a time (created on the main thread, written on the drawing thread, then
/// committed or discarded on the main thread after that thread has finished).
final class PreviewFile: @unchecked Sendable {
    /// Where the PNG goes, and its temporary name beside it.
    let path: String, temporary: String
    private var fd: Int32

    /// Creates (or truncates) the temporary file beside `path`.
    init(for path: String) throws(EngineError) {
        self.path = path
        temporary = path + ".geokernel-tmp-\(getpid()).png"
        fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw EngineError.fileSystem(path: path, context: "writing the preview", reason: reason)
        }
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Writes all of `bytes` (the encoded PNG) and closes the file.
    func write(_ bytes: [UInt8]) throws(EngineError) {
        let e = bytes.withUnsafeBytes { FileWriting.writeAll(fd, $0).error }
        guard e == 0 else { throw failure(e) }
        let closed = close(fd)
        fd = -1
        guard closed == 0 else { throw failure() }
    }

    /// Puts the written file in place.
    func commit() throws(EngineError) {
        guard rename(temporary, path) == 0 else { throw failure() }
    }

    /// Opens the temporary file for `path`, lets `body` write it, then commits it, or removes it if
    /// `body` or the rename throws.
    static func writing<T>(_ path: String, _ body: (PreviewFile) throws -> T) throws -> T {
        let file = try PreviewFile(for: path)
        do {
            let result = try body(file)
            try file.commit()
            return result
        } catch {
            file.discard()
            throw error
        }
    }

    /// Removes the temporary file (the run or the drawing failed).
    func discard() {
        if fd >= 0 { close(fd); fd = -1 }
        unlink(temporary)
    }

    /// The error of a failed write, close or rename (`errno` unless given); the caller discards the file.
    private func failure(_ code: Int32 = errno) -> EngineError {
        EngineError.fileSystem(path: path, context: "writing the preview", reason: String(cString: strerror(code)))
    }
}
