/// Every padded position of a tile as a small integer key in the order of the values (−1 for an invalid
/// position), and each key's value, so that integer histograms can select a tile's values exactly: a rank
/// taken over keys is the key of the value of that rank, and `value(_:)` gives that value back, bit for bit.
///
/// Integer bands whose tile spans at most `directLimit` values are keyed by `value − tile minimum` (one pass);
/// everything else (floats, wide integers, integer bands holding a fraction such as a `cval` of 0.5) by the
/// value's rank among the tile's distinct values, from one LSD radix sort of order-preserving 64-bit keys
/// (11-bit digits; digits on which every key agrees are skipped, so Float32 values take 4 passes, not 6).
/// Thread safety: a view of one worker's scratch arrays.
struct TileKeys {
    /// Widest integer span keyed directly.
    static let directLimit = 1 << 20

    /// `paddedWidth × paddedHeight` keys.
    let keys: UnsafeMutablePointer<Int32>
    /// Number of keys (0 when no position is valid).
    let count: Int
    /// The value of key 0 for direct keys.
    private let base: Double
    /// The value of each rank for ranked keys (`nil` for direct keys).
    private let table: UnsafeMutablePointer<Double>?

    /// The value whose key is `key`.
    @inline(__always) func value(_ key: Int) -> Double { table.map { $0[key] } ?? base + Double(key) }

    /// The keys of tile `g`.
    init(_ g: TileGeometry, sample: SampleKind, workspace: NeighbourhoodWorkspace) {
        let n = g.paddedWidth * g.paddedHeight
        keys = workspace.tileKeys.pointer(n)
        if case let .integer(lo, hi) = sample, let (low, span) = TileKeys.integerSpan(g, lo: lo, hi: hi),
           span <= TileKeys.directLimit {
            for p in 0..<n { keys[p] = g.isValid(p) ? Int32(Int(g.values[p]) - low) : -1 }
            count = span
            base = Double(low)
            table = nil
            return
        }
        let table = workspace.doubles[1].pointer(n)
        count = TileKeys.rank(g, into: keys, table: table, workspace: workspace)
        base = 0
        self.table = table
    }

    /// The tile minimum and the number of integers from it to the tile maximum, if every valid value is an
    /// integer of the band's range `lo … hi`.
    static func integerSpan(_ g: TileGeometry, lo: Int, hi: Int) -> (Int, Int)? {
        let low = Double(lo), high = Double(hi)
        var smallest = Double.infinity, largest = -Double.infinity
        for p in 0..<(g.paddedWidth * g.paddedHeight) where g.isValid(p) {
            let v = g.values[p]
            guard v >= low, v <= high, v == v.rounded(.towardZero) else { return nil }
            smallest = min(smallest, v)
            largest = max(largest, v)
        }
        guard smallest <= largest else { return (0, 0) }
        return (Int(smallest), Int(largest) - Int(smallest) + 1)
    }

    /// Writes each valid position's rank among the distinct valid values (−1 elsewhere) and each rank's value;
    /// returns the number of distinct values. −0 and +0 are one value (the first in position order is kept).
    private static func rank(_ g: TileGeometry, into keys: UnsafeMutablePointer<Int32>,
                             table: UnsafeMutablePointer<Double>, workspace: NeighbourhoodWorkspace) -> Int {
        let n = g.paddedWidth * g.paddedHeight
        var ka = workspace.keys.pointer(n), kb = workspace.sortKeys.pointer(n)
        var pa = workspace.sortPositions[0].pointer(n), pb = workspace.sortPositions[1].pointer(n)
        let digits = 6, radix = 2048
        let counts = workspace.offsets.pointer(digits * radix)
        counts.initialize(repeating: 0, count: digits * radix)
        var m = 0
        for p in 0..<n {
            keys[p] = -1
            guard g.isValid(p) else { continue }
            let k = orderKey(g.values[p])
            ka[m] = k
            pa[m] = UInt32(truncatingIfNeeded: p)
            m += 1
            for d in 0..<digits { counts[d * radix + Int((k >> (11 * d)) & 2047)] &+= 1 }
        }
        guard m > 0 else { return 0 }
        for d in 0..<digits {
            let c = counts + d * radix
            let shift = UInt64(11 * d)
            if c[Int((ka[0] >> shift) & 2047)] == m { continue }  // every key has this digit
            var sum = 0
            for j in 0..<radix { let t = c[j]; c[j] = sum; sum += t }
            for i in 0..<m {
                let k = ka[i]
                let j = Int((k >> shift) & 2047)
                kb[c[j]] = k
                pb[c[j]] = pa[i]
                c[j] += 1
            }
            swap(&ka, &kb)
            swap(&pa, &pb)
        }
        var distinct = 0
        var previous = ~ka[0]
        for i in 0..<m {
            let p = Int(pa[i])
            if ka[i] != previous {
                table[distinct] = g.values[p]
                distinct += 1
                previous = ka[i]
            }
            keys[p] = Int32(distinct - 1)
        }
        return distinct
    }

    /// A key whose unsigned order is the numeric order of non-NaN `v` (−0 and +0 are the same key).
    @inline(__always) static func orderKey(_ v: Double) -> UInt64 {
        let bits = (v == 0 ? 0.0 : v).bitPattern
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }
}
