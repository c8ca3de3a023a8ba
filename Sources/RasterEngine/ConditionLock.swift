#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A pthread mutex and a condition variable on it, owned by one object (the block cache) and
/// freed with it: the cache's table is read and written between `lock` and `unlock`, and a
/// worker waiting for a block another worker is decoding sleeps in `wait` until `broadcast`.
/// pthread primitives, not `Synchronization.Mutex`, because ThreadSanitizer understands them
/// (see `Guarded`).
/// Thread safety: `@unchecked Sendable`, sound because the pthread calls are the synchronization;
/// the primitives never move (allocated once, freed in `deinit`, when no thread can hold them).
final class ConditionLock: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Takes the mutex.
    func lock() { pthread_mutex_lock(mutex) }
    /// Gives the mutex back.
    func unlock() { pthread_mutex_unlock(mutex) }
    /// Gives the mutex back until `broadcast` (or a spurious wake-up), then takes it again.
    /// Called with the mutex held.
    func wait() { pthread_cond_wait(condition, mutex) }
    /// Wakes every thread in `wait`.
    func broadcast() { pthread_cond_broadcast(condition) }
}
