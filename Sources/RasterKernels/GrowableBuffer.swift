/// A buffer of `T` that grows as needed and never shrinks, owned by one worker, so a run
/// allocates its working memory once per thread instead of once per tile.
/// Thread safety: owned by one thread; not `Sendable`.
public final class GrowableBuffer<T> {
    private var storage: UnsafeMutablePointer<T>?
    private var capacity = 0

    /// An empty buffer.
    public init() {}

    deinit { storage?.deallocate() }

    /// At least `count` elements, contents undefined; valid until the next call or the
    /// buffer's end.
    public func pointer(count: Int) -> UnsafeMutablePointer<T> {
        if capacity < max(1, count) {
            storage?.deallocate()
            capacity = max(1, count)
            storage = .allocate(capacity: capacity)
        }
        return storage!
    }
}
