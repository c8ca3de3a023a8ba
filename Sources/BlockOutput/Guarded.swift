#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A value that threads share behind a pthread mutex.
///
/// The engine uses this instead of `Synchronization.Mutex` because ThreadSanitizer understands
/// pthread mutexes but not Mutex's futex on Linux (it reported every access under a Mutex as a
/// race), and the engine's thread safety is checked with `--sanitize=thread`.
///
/// Thread safety: `@unchecked Sendable` is sound because `value` is private and only read or
/// written inside `withLock`, while the mutex is held; so a non-`Sendable` value such as the
/// output `Dataset` is touched by one thread at a time, which is what GDAL requires.
public final class Guarded<Value: ~Copyable>: @unchecked Sendable {
    private var value: Value
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    /// Wraps `value`.
    public init(_ value: consuming sending Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with exclusive access to the value.
    public func withLock<R: ~Copyable>(_ body: (inout Value) throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
