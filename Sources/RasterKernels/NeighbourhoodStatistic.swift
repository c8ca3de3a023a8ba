#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import RasterTiling

/// The plain rule of every footprint method, applied to the valid values a footprint covers. Shared by the
/// reference and the tiles' direct path, so both give the same bits. Thread safety: stateless.
public enum NeighbourhoodStatistic {
    /// The result of `method` over `values` (the `k ≥ 1` valid values in footprint order, no NaN), for a
    /// pixel whose own value is `centre`. `values` is reordered (sorted) by the rank methods and `mode`.
    public static func evaluate(_ method: FilterMethod, values: MutablePlaneRow<Double>,
                                centre: Double) -> Double {
        let k = values.count
        precondition(k > 0)
        switch method {
        case .median, .minimum, .maximum, .percentile:
            let r = method.rank(count: k)!
            if k <= 16 { return select(rank: r, of: values.readOnly) }
            insertionSort(values)
            return values[r]
        case .range:
            var lo = values[0], hi = values[0]
            for i in 0..<k { let v = values[i]; if v < lo { lo = v }; if v > hi { hi = v } }
            return hi - lo
        case .mean:
            return mean(values)
        case .variance:
            return variance(values, mean: mean(values))
        case .standardDeviation:
            return variance(values, mean: mean(values)).squareRoot()
        case let .lee(looks):
            let m = mean(values)
            return lee(mean: m, variance: variance(values, mean: m), centre: centre, looks: looks)
        case .mode:
            insertionSort(values)
            return modeOfSorted(values.readOnly)
        case .convolve:
            preconditionFailure("convolve is not a footprint method")
        }
    }

    /// Σx / k, summed in order.
    @inline(__always)
    static func mean(_ values: MutablePlaneRow<Double>) -> Double {
        var s = 0.0
        for i in 0..<values.count { s += values[i] }
        return s / Double(values.count)
    }

    /// Σ(x − mean)² / k, summed in order (the two-pass population variance).
    @inline(__always)
    static func variance(_ values: MutablePlaneRow<Double>, mean m: Double) -> Double {
        var s = 0.0
        for i in 0..<values.count { let d = values[i] - m; s += d * d }
        return s / Double(values.count)
    }

    /// The Lee filter: Cu = 1/√looks, Ci = √v / m; `m` where `m = 0` or `Ci ≤ Cu`, otherwise
    /// `m + W·(centre − m)` with `W = 1 − Cu²/Ci²` clamped to [0, 1].
    @inline(__always)
    public static func lee(mean m: Double, variance v: Double, centre: Double, looks: Double) -> Double {
        if m == 0 { return m }
        let cu = 1 / looks.squareRoot()
        let ci = v.squareRoot() / m
        if !(ci > cu) { return m }
        let w = min(1, max(0, 1 - (cu * cu) / (ci * ci)))
        return m + w * (centre - m)
    }

    /// The most frequent value of an ascending buffer, ties to the smallest.
    static func modeOfSorted(_ values: PlaneRow<Double>) -> Double {
        var best = values[0], bestCount = 0
        var i = 0
        while i < values.count {
            var j = i + 1
            while j < values.count && values[j] == values[i] { j += 1 }
            if j - i > bestCount { bestCount = j - i; best = values[i] }
            i = j
        }
        return best
    }

    /// The value of 0-based rank `r` by counting, for each value, the values before it in sorted order
    /// (smaller, or equal and earlier): branch-free O(k²), faster than sorting a handful of values.
    @inline(__always)
    static func select(rank r: Int, of v: PlaneRow<Double>) -> Double {
        for i in 0..<v.count {
            let x = v[i]
            var before = 0
            for j in 0..<i { before &+= v[j] <= x ? 1 : 0 }
            for j in (i + 1)..<v.count { before &+= v[j] < x ? 1 : 0 }
            if before == r { return x }
        }
        preconditionFailure("rank \(r) outside \(v.count) values")
    }

    /// Ascending insertion sort (stable; fast for the few values of small footprints), falling back to the
    /// standard sort for long buffers.
    static func insertionSort(_ a: MutablePlaneRow<Double>) {
        if a.count > 48 { a.sort(); return }
        var i = 1
        while i < a.count {
            let v = a[i]
            var j = i - 1
            while j >= 0 && a[j] > v { a[j + 1] = a[j]; j -= 1 }
            a[j + 1] = v
            i += 1
        }
    }
}
