/// How the raster is extended past its border, with `scipy.ndimage`'s meanings.
///
/// For a line `a b c d`: `reflect` gives `d c b a | a b c d | d c b a`, `mirror`
/// `d c b | a b c d | c b a`, `nearest` `a a a | a b c d | d d d`, `constant` `k k k | a b c d | k k k`,
/// `wrap` `a b c d | a b c d | a b c d`. Thread safety: a plain value, `Sendable`.
public enum EdgeMode: String, CaseIterable, Sendable {
    case reflect, mirror, nearest, constant, wrap

    /// The source index that position `i` (possibly outside `0..<n`) takes its value from,
    /// or `nil` for `constant` outside the line. Repeats the extension as often as needed,
    /// so it works when the kernel is larger than the raster.
    /// - Precondition: `n > 0`.
    @inline(__always)
    public func sourceIndex(_ i: Int, count n: Int) -> Int? {
        if i >= 0 && i < n { return i }
        switch self {
        case .constant:
            return nil
        case .nearest:
            return i < 0 ? 0 : n - 1
        case .wrap:
            let m = i % n
            return m < 0 ? m + n : m
        case .reflect:
            let period = 2 * n
            var m = i % period
            if m < 0 { m += period }
            return m < n ? m : period - 1 - m
        case .mirror:
            if n == 1 { return 0 }
            let period = 2 * n - 2
            var m = i % period
            if m < 0 { m += period }
            return m < n ? m : period - m
        }
    }
}
