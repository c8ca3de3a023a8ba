import RasterTiling

/// Perreault & Hébert's histograms (2007) for one vertical strip of a tile: one histogram per padded column
/// of the strip (the column's `footprint.height` values under the current output row, moved down by one add and
/// one remove per row) and the kernel's histogram (the sum of `width` consecutive columns).
///
/// Both are multi-level: bins are grouped by 32 into the bins of the level above, up to one root segment of 32
/// (levels = ⌈log₃₂ binCount⌉, so 3 for 16-bit values). The kernel's levels are kept *lazily*: every segment
/// (32 sibling bins) records the window position it was last brought up to date at, and is brought up to date
/// only when a rank walk enters it — by adding the columns that entered and removing those that left since
/// (or by summing the window's columns, when that is cheaper). A rank walk enters one segment per level (and
/// keeps the bottom level's two neighbours current), so a pixel costs O(levels · 32) counter operations, as
/// eight-word sums, whatever the footprint's size — plus, at each row start, one rebuild per entered segment from
/// the window's `width` columns. Measured: memory-bound on the counters once there are thousands of values.
///
/// Counts are UInt16: a column holds at most 511 values and a kernel at most 65535 (`maximumCount`).
/// Column histograms are left all zero after a strip (every add is removed), so they are zeroed only when
/// allocated. Thread safety: a view of one worker's scratch arrays.
struct StripHistogram {
    /// Largest footprint count the UInt16 kernel counters hold.
    static let maximumCount = Int(UInt16.max)
    /// Bits of a bin index per level: segments of 32 counters.
    static let bits = 5
    /// Most levels (32⁵ bins: far above any tile's distinct values).
    static let maximumLevels = 6

    /// Number of levels; level 0 is the root segment, level `levels - 1` the bins themselves.
    let levels: Int
    /// Segments (32 counters each) of one histogram, over all levels.
    let segments: Int
    /// Columns of the window, and of the strip.
    let width: Int, columnCount: Int
    /// Column counters, segment-major: segment `s` of column `c` is the 32 counters at `(s · columnCount + c) · 32`,
    /// so a window's columns of one segment are contiguous (one cache line each).
    let columns: MutablePlaneRow<UInt16>
    /// Kernel counters: segment `s` at `s · 32`.
    let kernel: MutablePlaneRow<UInt16>
    /// Per segment, the time (`rowBase + x`) its kernel counters were last brought up to date.
    let marks: MutablePlaneRow<Int>
    /// Per level: shift from a bin to its bin at that level, and the index of its first segment.
    private let shift: MutablePlaneRow<Int>, first: MutablePlaneRow<Int>
    /// Per level: the number of its segments.
    private let count: MutablePlaneRow<Int>
    /// Time of window position 0 on the current row (larger than every mark of earlier rows).
    private var rowBase = 0

    /// The layout for `binCount` bins: levels and segments of one histogram.
    static func layout(binCount: Int) -> (levels: Int, segments: Int) {
        var levels = 1
        while levels < maximumLevels && 1 << (bits * levels) < binCount { levels += 1 }
        var segments = 0
        for l in 0..<levels { segments += parents(level: l, levels: levels, binCount: binCount) }
        return (levels, segments)
    }

    /// The number of segments of level `l`: the bins of level `l − 1`.
    private static func parents(level l: Int, levels: Int, binCount: Int) -> Int {
        let span = bits * (levels - l)
        return l == 0 ? 1 : (binCount + (1 << span) - 1) >> span
    }

    /// Empty histograms of `binCount` bins for `columnCount` columns and a window `width` columns wide.
    init(binCount: Int, columnCount: Int, width: Int, workspace: NeighbourhoodWorkspace) {
        let (levels, segments) = StripHistogram.layout(binCount: binCount)
        self.levels = levels
        self.segments = segments
        self.width = width
        self.columnCount = columnCount
        columns = workspace.columnCounts.zeroedRow((columnCount * segments) << StripHistogram.bits)
        kernel = workspace.kernelCounts.row(segments << StripHistogram.bits)
        marks = workspace.marks.row(segments)
        marks.fill(-1)
        let layout = workspace.layout.row(3 * StripHistogram.maximumLevels), levelCount = StripHistogram.maximumLevels
        shift = layout.part(0, count: levelCount)
        first = layout.part(levelCount, count: levelCount)
        count = layout.part(2 * levelCount, count: levelCount)
        var m = 0
        for l in 0..<levels {
            shift[l] = StripHistogram.bits * (levels - 1 - l)
            first[l] = m
            count[l] = StripHistogram.parents(level: l, levels: levels, binCount: binCount)
            m += count[l]
        }
        rowBase = columnCount + 2
    }

    /// Adds bin `b` to column `c`'s histogram.
    @inline(__always) func add(_ b: Int, column c: Int) {
        let h = c << StripHistogram.bits
        for l in 0..<levels {
            let q = b >> shift[l]
            columns[h + (((first[l] + (q >> StripHistogram.bits)) * columnCount) << StripHistogram.bits)
                    + (q & 31)] &+= 1
        }
    }

    /// Removes bin `b` from column `c`'s histogram.
    @inline(__always) func remove(_ b: Int, column c: Int) {
        let h = c << StripHistogram.bits
        for l in 0..<levels {
            let q = b >> shift[l]
            columns[h + (((first[l] + (q >> StripHistogram.bits)) * columnCount) << StripHistogram.bits)
                    + (q & 31)] &-= 1
        }
    }

    /// Starts a new output row: every kernel segment is out of date.
    mutating func newRow() { rowBase += columnCount + 2 }

    /// Brings segment `s` of level `l` of the kernel up to date for the window whose left column is `x`.
    @inline(__always) private func sync(level l: Int, segment s: Int, x: Int) {
        let t = rowBase + x
        let index = first[l] + s
        let last = marks[index]
        if last == t { return }
        marks[index] = t
        let dst = kernel.part(index << StripHistogram.bits, count: 32)
        // The segment's counters of every column of the strip, one column's 32 after the other's.
        let src = columns.readOnly.part((index * columnCount) << StripHistogram.bits, count: columnCount << 5)
        var sum = Segment()
        if last >= rowBase && 2 * (t - last) <= width {
            sum.load(dst.readOnly, at: 0)
            for c in (last - rowBase + 1)...x {
                sum.slide(src, entering: (c + width - 1) << 5, leaving: (c - 1) << 5)
            }
        } else {
            for c in x..<(x + width) { sum.add(src, at: c << 5) }
        }
        sum.store(dst)
    }

    /// The number of values in the window whose left column is `x`.
    @inline(__always) func total(x: Int) -> Int {
        sync(level: 0, segment: 0, x: x)
        var n = 0
        for i in 0..<32 { n &+= Int(kernel[i]) }
        return n
    }

    /// The bin holding the value of 0-based rank `r` in the window at `x` (`r < total(x:)`). At the bottom level
    /// the walk's neighbour segments are brought up to date too: a rank moving by a segment from one pixel to the
    /// next then finds its segment one step behind instead of rebuilding it from `width` columns.
    @inline(__always) func select(_ r: Int, x: Int) -> Int {
        var s = 0, rest = r
        for l in 0..<levels {
            sync(level: l, segment: s, x: x)
            if l > 0 && l == levels - 1 {
                if s > 0 { sync(level: l, segment: s - 1, x: x) }
                if s + 1 < count[l] { sync(level: l, segment: s + 1, x: x) }
            }
            let counts = kernel.readOnly.part((first[l] + s) << StripHistogram.bits, count: 32)
            // Groups of 8 counters summed as vectors, then at most 8 counters one by one.
            let raw = counts.rawBytes
            var j = 0
            var group = Int(raw.load(as: SIMD8<UInt16>.self).wrappedSum())
            while j < 24 && rest >= group {
                rest -= group
                j += 8
                group = Int(raw.load(fromByteOffset: 2 * j, as: SIMD8<UInt16>.self).wrappedSum())
            }
            while rest >= Int(counts[j]) { rest -= Int(counts[j]); j += 1 }
            s = s * 32 + j
        }
        return s
    }

    /// The fullest bin of the window at `x`, the lowest of equally full ones: a walk down the non-empty
    /// segments, skipping a bin no fuller than the best found (its children cannot be fuller).
    func mostFrequent(x: Int) -> Int {
        var best = 0, bestCount: UInt16 = 0
        visit(level: 0, segment: 0, x: x, best: &best, bestCount: &bestCount)
        return best
    }

    private func visit(level l: Int, segment s: Int, x: Int, best: inout Int, bestCount: inout UInt16) {
        sync(level: l, segment: s, x: x)
        let counts = kernel.readOnly.part((first[l] + s) << StripHistogram.bits, count: 32)
        for j in 0..<32 where counts[j] > bestCount {
            if l == levels - 1 {
                best = s * 32 + j
                bestCount = counts[j]
            } else {
                visit(level: l + 1, segment: s * 32 + j, x: x, best: &best, bestCount: &bestCount)
            }
        }
    }
}

/// One segment's 32 UInt16 counters (one cache line) as eight words in registers, added and subtracted four
/// lanes at a time (SWAR). Exact: no lane ever carries or borrows into the next, since a kernel's counters
/// never exceed 65535 and a leaving column's counters are part of the sum they are taken from. The counters
/// are read as words through the row's bytes (`rawBytes`, 8-byte aligned: segments start 64 bytes apart).
/// Thread safety: a plain value.
struct Segment {
    var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0, w3: UInt64 = 0
    var w4: UInt64 = 0, w5: UInt64 = 0, w6: UInt64 = 0, w7: UInt64 = 0

    /// Replaces the words by the 32 counters of `row` from counter `i`.
    @inline(__always) mutating func load(_ row: PlaneRow<UInt16>, at i: Int) {
        let p = row.rawBytes, o = 2 * i
        w0 = p.load(fromByteOffset: o, as: UInt64.self); w1 = p.load(fromByteOffset: o + 8, as: UInt64.self)
        w2 = p.load(fromByteOffset: o + 16, as: UInt64.self); w3 = p.load(fromByteOffset: o + 24, as: UInt64.self)
        w4 = p.load(fromByteOffset: o + 32, as: UInt64.self); w5 = p.load(fromByteOffset: o + 40, as: UInt64.self)
        w6 = p.load(fromByteOffset: o + 48, as: UInt64.self); w7 = p.load(fromByteOffset: o + 56, as: UInt64.self)
    }

    /// Adds the 32 counters of `row` from counter `i`.
    @inline(__always) mutating func add(_ row: PlaneRow<UInt16>, at i: Int) {
        let p = row.rawBytes, o = 2 * i
        w0 &+= p.load(fromByteOffset: o, as: UInt64.self); w1 &+= p.load(fromByteOffset: o + 8, as: UInt64.self)
        w2 &+= p.load(fromByteOffset: o + 16, as: UInt64.self); w3 &+= p.load(fromByteOffset: o + 24, as: UInt64.self)
        w4 &+= p.load(fromByteOffset: o + 32, as: UInt64.self); w5 &+= p.load(fromByteOffset: o + 40, as: UInt64.self)
        w6 &+= p.load(fromByteOffset: o + 48, as: UInt64.self); w7 &+= p.load(fromByteOffset: o + 56, as: UInt64.self)
    }

    /// Adds the 32 counters of `row` from counter `e` and subtracts those from counter `l`.
    @inline(__always) mutating func slide(_ row: PlaneRow<UInt16>, entering e: Int, leaving l: Int) {
        let p = row.rawBytes
        @inline(__always) func word(_ k: Int) -> UInt64 {
            p.load(fromByteOffset: 2 * e + k, as: UInt64.self) &- p.load(fromByteOffset: 2 * l + k, as: UInt64.self)
        }
        w0 = w0 &+ word(0); w1 = w1 &+ word(8); w2 = w2 &+ word(16); w3 = w3 &+ word(24)
        w4 = w4 &+ word(32); w5 = w5 &+ word(40); w6 = w6 &+ word(48); w7 = w7 &+ word(56)
    }

    /// Writes the words to the 32 counters of `row`.
    @inline(__always) func store(_ row: MutablePlaneRow<UInt16>) {
        let p = row.rawBytes
        p.storeBytes(of: w0, as: UInt64.self); p.storeBytes(of: w1, toByteOffset: 8, as: UInt64.self)
        p.storeBytes(of: w2, toByteOffset: 16, as: UInt64.self); p.storeBytes(of: w3, toByteOffset: 24, as: UInt64.self)
        p.storeBytes(of: w4, toByteOffset: 32, as: UInt64.self); p.storeBytes(of: w5, toByteOffset: 40, as: UInt64.self)
        p.storeBytes(of: w6, toByteOffset: 48, as: UInt64.self); p.storeBytes(of: w7, toByteOffset: 56, as: UInt64.self)
    }
}
