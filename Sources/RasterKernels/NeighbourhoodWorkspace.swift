/// A growable, uninitialised scratch array owned by one worker. Thread safety: not thread-safe; one per worker.
final class ScratchArray<Element> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var capacity: Int

    init() {
        capacity = 16
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    /// A pointer to at least `count` elements (contents are not kept when it grows).
    func pointer(_ count: Int) -> UnsafeMutablePointer<Element> {
        if count > capacity {
            base.deallocate()
            capacity = max(count, capacity * 2)
            base = .allocate(capacity: capacity)
        }
        return base
    }
}

/// A footprint filter's per-worker scratch state (`NeighbourhoodFilter.makeWorkspace()`): histograms, sorted
/// keys, running-extreme planes and prefix sums, grown on first use and kept for the next tile.
/// Thread safety: not thread-safe; make one per worker thread.
public struct NeighbourhoodWorkspace {
    let doubles = [ScratchArray<Double>(), ScratchArray<Double>(), ScratchArray<Double>(), ScratchArray<Double>()]
    let bins = ScratchArray<Int32>()
    let histogram = ScratchArray<Int32>()
    let coarse = ScratchArray<Int32>()
    let keys = ScratchArray<UInt64>()
    let sums = [ScratchArray<Int64>(), ScratchArray<Int64>(), ScratchArray<Int64>()]
    let offsets = ScratchArray<Int>()

    /// An empty workspace.
    public init() {}
}
