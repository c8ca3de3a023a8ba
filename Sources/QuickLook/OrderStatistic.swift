/// The k-th smallest of an array of numbers without sorting it all (Hoare's quickselect, median of three
/// pivots): the stretch's two percentiles and the difference's white level need one or two ranks of up to
/// 65,536 samples, where a full sort cost more than drawing the panels. Thread safety: pure functions.
enum OrderStatistic {
    /// The value a full ascending sort of `values` would put at `rank` (0-based, within bounds). Reorders
    /// `values`; NaN must have been left out.
    static func select(_ rank: Int, in values: inout [Double]) -> Double {
        precondition(values.indices.contains(rank))
        var low = 0, high = values.count - 1
        while low < high {
            let mid = low + (high - low) / 2
            // Median of three at `mid`, the smallest at `low` and the largest at `high`.
            if values[mid] < values[low] { values.swapAt(mid, low) }
            if values[high] < values[low] { values.swapAt(high, low) }
            if values[high] < values[mid] { values.swapAt(high, mid) }
            let pivot = values[mid]
            var i = low, j = high
            while i <= j {
                while values[i] < pivot { i += 1 }
                while pivot < values[j] { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            // Now values[low...j] <= pivot <= values[i...high], and everything between equals the pivot.
            if rank <= j {
                high = j
            } else if rank >= i {
                low = i
            } else {
                return values[rank]
            }
        }
        return values[rank]
    }
}
