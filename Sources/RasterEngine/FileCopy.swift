import BlockOutput
import CFileSystem
import Dispatch
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

/// Copies a file's bytes the cheapest way the kernel offers: a reflink (shared extents, no
/// data copied) where the file system has them, else `copy_file_range` (page cache to page
/// cache, no trip through user memory), else plain reads and writes.
/// Thread safety: stateless; each call owns its descriptors.
enum FileCopy {
    /// Bytes per step, between which `cancelled` is polled.
    static let step = 64 << 20

    /// Copies `source` to a new `target` (created, or truncated) and returns the bytes copied.
    /// - Throws: `EngineError.fileSystem` with the system's message (e.g. a full disk), or
    ///   `EngineError.interrupted` when `cancelled` returns a signal number.
    @discardableResult
    static func copy(_ source: String, to target: String, cancelled: () -> Int32 = { 0 }) throws(EngineError) -> Int {
        let src = open(source, O_RDONLY | O_CLOEXEC)
        guard src >= 0 else { throw failure(source, "opening for the copy") }
        defer { close(src) }
        let dst = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard dst >= 0 else { throw failure(target, "creating") }
        var closed = false
        defer { if !closed { close(dst) } }
        // The copy's descriptor is closed with its result checked (a deferred write error shows there).
        func finish(_ bytes: Int) throws(EngineError) -> Int {
            closed = true
            guard close(dst) == 0 else { throw failure(target, "closing the copy of \(source)") }
            return bytes
        }
        var st = stat()
        guard fstat(src, &st) == 0 else { throw failure(source, "reading its size") }
        let size = Int(st.st_size)
        if cfs_clone(src, dst) == 0 { return try finish(size) }

        var copied = 0
        var inKernel = true
        let buffer = AlignedBytes(alignment: 4096)   // allocated only if the kernel cannot copy
        let bufferSize = 8 << 20
        while copied < size {
            let signal = cancelled()
            if signal != 0 { throw .interrupted(signal: signal) }
            let want = min(step, size - copied)
            var n = -1
            if inKernel {
                n = cfs_copy_range(src, dst, want)
                // Not offered between these files: fall back to reads and writes from here on.
                if n < 0 && [EXDEV, ENOSYS, EINVAL, EOPNOTSUPP, EBADF].contains(errno) { inKernel = false; continue }
            } else {
                let buf = buffer.bytes(count: bufferSize)
                n = read(src, buf.baseAddress, min(want, bufferSize))
                if n > 0 {
                    let e = FileWriting.writeAll(dst, buf.part(0, count: n).readOnly.bytes).error
                    guard e == 0 else {
                        throw .fileSystem(path: target, context: "writing the copy of \(source)",
                                          reason: String(cString: strerror(e)))
                    }
                }
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure(target, "copying \(source)")
            }
            if n == 0 {
                throw .fileSystem(path: source, context: "copying",
                                  reason: "the file ended at \(copied) of \(size) bytes (is it being written?)")
            }
            copied += n
        }
        return try finish(copied)
    }

    private static func failure(_ path: String, _ context: String) -> EngineError {
        .fileSystem(path: path, context: context, reason: String(cString: strerror(errno)))
    }
}

/// A `FileCopy` on a thread of its own, so the workers read selections and convolve while
/// the kernel copies; the writer waits for it before its first block.
/// Thread safety: `Sendable`; the outcome is set once under a lock and read after the
/// semaphore says the thread is done.
final class BackgroundCopy: Sendable {
    private let outcome = Guarded<EngineError??>(nil)
    private let stopper = Cancellation()
    private let done = DispatchSemaphore(value: 0)

    /// Starts copying `source` to `target`; a signal in `cancellation` (or `stop()`) ends it early.
    init(_ source: String, to target: String, cancellation: Cancellation) {
        BackgroundCopy.detach { [outcome, stopper, done] in
            var failure: EngineError? = nil
            do throws(EngineError) {
                try FileCopy.copy(source, to: target) {
                    stopper.cancelledBy != 0 ? stopper.cancelledBy : cancellation.cancelledBy
                }
            } catch {
                failure = error
            }
            outcome.withLock { $0 = .some(failure) }
            done.signal()
        }
    }

    /// Runs `body` on a new detached POSIX thread (Foundation's `Thread` is not in
    /// `FoundationEssentials`); on the calling thread when no thread can be started.
    private static func detach(_ body: @escaping @Sendable () -> Void) {
        final class Body: Sendable {
            let run: @Sendable () -> Void
            init(_ run: @escaping @Sendable () -> Void) { self.run = run }
        }
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { context in
            Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
            return nil
        }, context)
        guard started == 0 else {
            Unmanaged<Body>.fromOpaque(context).takeRetainedValue().run()
            return
        }
        pthread_detach(thread)
    }

    /// Waits for the copy; throws what stopped it.
    func wait() throws(EngineError) {
        done.wait()
        done.signal()   // later waits return at once
        if let failure = outcome.withLock({ $0 }) ?? nil { throw failure }
    }

    /// Stops the copy (if it is still running) and waits for its thread to let go of the files.
    func stop() {
        stopper.cancel(signal: SIGTERM)
        try? wait()
    }
}
