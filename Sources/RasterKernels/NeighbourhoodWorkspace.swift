import RasterTiling

/// A growable, uninitialised scratch array owned by one worker's workspace. It lends its memory as views
/// (`row`), which the kernels hold only during the `apply` call the workspace is lent to (`inout`), and
/// never across the array's next `row`, which may grow it (the contents are not kept when it grows).
/// Thread safety: not thread-safe; one per worker.
final class ScratchArray<Element> {
    private var base: UnsafeMutablePointer<Element>
    private var capacity: Int

    init() {
        capacity = 16
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    /// `count` elements (contents undefined).
    @inline(__always)
    func row(_ count: Int) -> MutablePlaneRow<Element> {
        if count > capacity {
            base.deallocate()
            capacity = max(count, capacity * 2)
            base = .allocate(capacity: capacity)
        }
        return MutablePlaneRow(start: base, count: count)
    }
}

/// A scratch array whose elements are zero when handed out: zeroed when allocated, and its user must leave
/// it all zero again (as `StripHistogram`'s columns are after each strip). Lends views as `ScratchArray`.
/// Thread safety: one per worker.
final class ZeroedScratch<Element: FixedWidthInteger> {
    private var base: UnsafeMutablePointer<Element>?
    private var capacity = 0

    deinit { base?.deallocate() }

    /// `count` zero elements.
    func zeroedRow(_ count: Int) -> MutablePlaneRow<Element> {
        if let base, count <= capacity { return MutablePlaneRow(start: base, count: count) }
        base?.deallocate()
        capacity = max(count, capacity * 2, 64)
        let fresh = UnsafeMutablePointer<Element>.allocate(capacity: capacity)
        fresh.initialize(repeating: 0, count: capacity)
        base = fresh
        return MutablePlaneRow(start: fresh, count: count)
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
    /// Row and column flags (the 3×3 median's rows with holes, rows with a chosen pixel, columns with holes).
    let flags = ScratchArray<UInt8>()
    // Column histograms (`StripHistogram`) and the tile's value order (`TileKeys`).
    let columnCounts = ZeroedScratch<UInt16>()
    let kernelCounts = ScratchArray<UInt16>()
    let marks = ScratchArray<Int>()
    let layout = ScratchArray<Int>()
    let tileKeys = ScratchArray<Int32>()
    let stripBins = ScratchArray<Int32>()
    let keyMap = ScratchArray<Int32>()
    let sortKeys = ScratchArray<UInt64>()
    let sortPositions = [ScratchArray<UInt32>(), ScratchArray<UInt32>()]
    let radixCounts = ScratchArray<UInt32>()
    // The C column histograms (`RankStrips`): column counters, window counters, the rank of each valid count.
    let rankColumns = ZeroedScratch<UInt8>()
    let rankWork = ScratchArray<UInt8>()
    let ranks = ScratchArray<Int32>()

    /// An empty workspace.
    public init() {}
}

extension NeighbourhoodFilter {
    /// An upper bound of what a `NeighbourhoodWorkspace` holds after tiles of at most `tile`'s
    /// size: per padded pixel, three Float64 planes, the bins, the keys and their sort copies,
    /// the tile's keys, three prefix sums, the strip's bins and the key map (88 bytes); 16 bytes
    /// times the longer padded side (row and column flags among them); the sliding histogram
    /// (at most `max(directBinLimit, pixels)` bins) and its coarse levels;
    /// the column histograms (`columnHistogramBudget`, and `RankStrips.budget` for the C counters, with
    /// 2 KiB of window counters and the rank of each count); the radix counts and the footprint's
    /// offsets. Every scratch array grows to at most twice what it was asked for.
    public func workspaceBytes(tile: Window) -> Int {
        let padded = tile.padded(by: halo)
        let pixels = (padded.width + 1) * (padded.height + 1)
        let bins = max(NeighbourhoodFilter.directBinLimit, pixels) + 16
        let perPixel = 88 * pixels + 16 * max(padded.width, padded.height)
        let histograms = 5 * bins + NeighbourhoodFilter.columnHistogramBudget + RankStrips.budget + 2048 + 4096
        let counts = 8 * max(footprint.count, 6 * 2048) + 4 * (footprint.count + 1)
        return 2 * (perPixel + histograms + counts)
    }
}
