import RasterTiling

/// A buffer of `T` that grows as needed and never shrinks, owned by one worker, so a run
/// allocates its working memory once per thread instead of once per tile. It lends its memory
/// as a view to one closure at a time (`withRow`, `withPlane`): the view lives exactly as long
/// as that call, the buffer cannot grow while it is out, and lending it twice traps.
/// Thread safety: owned by one thread; not `Sendable`.
public final class GrowableBuffer<T> {
    private var storage: UnsafeMutablePointer<T>?
    private var capacity = 0
    private var lent = false

    /// An empty buffer.
    public init() {}

    deinit { storage?.deallocate() }

    /// Lends `count` elements (contents undefined) to `body`, growing the buffer first if needed.
    /// - Precondition: the buffer is not lent already.
    @inline(__always)
    public func withRow<R>(count: Int, _ body: (MutablePlaneRow<T>) throws -> R) rethrows -> R {
        precondition(!lent, "a growable buffer lent twice")
        if capacity < max(1, count) {
            storage?.deallocate()
            capacity = max(1, count)
            storage = .allocate(capacity: capacity)
        }
        lent = true
        defer { lent = false }
        return try body(MutablePlaneRow(start: storage!, count: count))
    }

    /// Lends a `width × height` plane (contents undefined) to `body`, as `withRow(count:_:)`.
    @inline(__always)
    public func withPlane<R>(width: Int, height: Int, _ body: (MutablePlane<T>) throws -> R) rethrows -> R {
        try withRow(count: width * height) { try body($0.plane(width: width, height: height)) }
    }
}
