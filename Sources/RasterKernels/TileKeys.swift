import CKernels
import RasterTiling

/// Every padded position of a tile as a small integer key in the order of the values (−1 for an invalid
/// position), and each key's value, so that integer histograms can select a tile's values exactly: a rank
/// taken over keys is the key of the value of that rank, and `value(_:)` gives that value back, bit for bit.
///
/// Integer bands whose tile spans at most `directLimit` values are keyed by `value − tile minimum` (one pass), and
/// so are float tiles of integers without −0 (`directSpan`); everything else (other floats, wide integers, integer
/// bands holding a fraction such as a `cval` of 0.5) by the value's rank among the tile's distinct values, from one
/// LSD radix sort of order-preserving keys in C (`ck_rank_keys`: 11-bit digits, digits on which every key agrees
/// skipped; 32-bit keys, at most three passes, when every value is a Float32, else 64-bit).
/// Thread safety: a view of one worker's scratch arrays.
struct TileKeys {
    /// Widest integer span keyed directly.
    static let directLimit = 1 << 20

    /// `paddedWidth × paddedHeight` keys.
    let keys: PlaneRow<Int32>
    /// Number of keys (0 when no position is valid).
    let count: Int
    /// The value of key 0 for direct keys.
    private let base: Double
    /// The value of each rank for ranked keys (`nil` for direct keys).
    private let table: PlaneRow<Double>?

    /// Renumbers the keys of a `columns × rows` window (its first key at `first`, rows `stride` apart) densely in
    /// order: writes each position's bin (−1 invalid) to `bins` (row-major) and each bin's value to `lookup`;
    /// returns the number of bins. `map` holds `count` entries of scratch. In C (`ck_strip_bins`).
    func renumber(from first: Int, stride: Int, columns: Int, rows: Int, into bins: MutablePlaneRow<Int32>,
                  lookup: MutablePlaneRow<Double>, map: MutablePlaneRow<Int32>) -> Int {
        precondition(columns > 0 && rows > 0 && first + (rows - 1) * stride + columns <= keys.count
                     && bins.count >= columns * rows, "a window outside the tile's keys")
        return ck_strip_bins(keys.dropFirst(first).baseAddress, stride, columns, rows, count, table?.baseAddress, base,
                             map.baseAddress, bins.baseAddress, lookup.baseAddress)
    }

    /// The value whose key is `key`.
    @inline(__always) func value(_ key: Int) -> Double { table.map { $0[key] } ?? base + Double(key) }

    /// The keys of tile `g`.
    init(_ g: TileGeometry, sample: SampleKind, workspace: NeighbourhoodWorkspace) {
        let n = g.paddedWidth * g.paddedHeight
        let keys = workspace.tileKeys.row(n)
        self.keys = keys.readOnly
        if let (low, span) = TileKeys.directSpan(g, sample: sample), span <= TileKeys.directLimit {
            ck_integer_keys(g.values.baseAddress, g.valid?.baseAddress, n, Double(low), keys.baseAddress)
            count = span
            base = Double(low)
            table = nil
            return
        }
        let table = workspace.doubles[1].row(n)
        count = TileKeys.rank(g, into: keys, table: table, workspace: workspace)
        base = 0
        self.table = table.readOnly
    }

    /// The span of a tile keyed directly, if it may be: that of an integer band (`integerSpan`), or of a float
    /// tile whose valid values are all integers of magnitude ≤ 2^52 and none is −0 (so `base + key` gives each
    /// value back bit for bit: an integer-valued Float32 raster is keyed as its integer original would be).
    static func directSpan(_ g: TileGeometry, sample: SampleKind) -> (Int, Int)? {
        switch sample {
        case let .integer(lo, hi): return integerSpan(g, lo: lo, hi: hi)
        case .float: return integerSpan(g, lo: -(1 << 52), hi: 1 << 52, negativeZero: false)
        }
    }

    /// The tile minimum and the number of integers from it to the tile maximum, if every valid value is an
    /// integer of the band's range `lo … hi` (and, unless `negativeZero`, none is −0).
    static func integerSpan(_ g: TileGeometry, lo: Int, hi: Int, negativeZero: Bool = true) -> (Int, Int)? {
        var smallest = 0.0, largest = 0.0
        guard ck_integer_span(g.values.baseAddress, g.valid?.baseAddress, g.paddedWidth * g.paddedHeight,
                              Double(lo), Double(hi), negativeZero ? 1 : 0, &smallest, &largest) != 0 else {
            return nil
        }
        guard smallest <= largest else { return (0, 0) }
        return (Int(smallest), Int(largest) - Int(smallest) + 1)
    }

    /// Writes each valid position's rank among the distinct valid values (−1 elsewhere) and each rank's value;
    /// returns the number of distinct values. −0 and +0 are one value (the first in position order is kept).
    /// In C (`ck_rank_keys`): 32-bit keys when every value is a Float32.
    private static func rank(_ g: TileGeometry, into keys: MutablePlaneRow<Int32>,
                             table: MutablePlaneRow<Double>, workspace: NeighbourhoodWorkspace) -> Int {
        let n = g.paddedWidth * g.paddedHeight
        precondition(n < 1 << 32, "positions are 32-bit")
        precondition(keys.count >= n && table.count >= n && g.values.count >= n)
        return ck_rank_keys(g.values.baseAddress, g.valid?.baseAddress, n, keys.baseAddress, table.baseAddress,
                            workspace.keys.row(n).baseAddress, workspace.sortKeys.row(n).baseAddress,
                            workspace.sortPositions[0].row(n).baseAddress,
                            workspace.sortPositions[1].row(n).baseAddress,
                            workspace.radixCounts.row(6 * 2048).baseAddress)
    }
}
