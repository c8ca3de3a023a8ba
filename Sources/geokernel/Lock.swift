#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A plain mutex (`pthread_mutex_t`) with `lock()` and `unlock()`, for the progress displays;
/// Foundation's `NSLock` is not in `FoundationEssentials`, which is all the project imports.
/// Thread safety: `@unchecked Sendable`, sound because the mutex is the synchronisation itself;
/// its memory is allocated once and never moves.
final class Lock: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    init() { pthread_mutex_init(mutex, nil) }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func lock() { pthread_mutex_lock(mutex) }

    func unlock() { pthread_mutex_unlock(mutex) }
}
