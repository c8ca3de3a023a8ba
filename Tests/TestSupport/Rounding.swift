/// Conversion of a computed Float64 to an integer output: round half to even, then clamp to
/// the type's range — the scalar rule the engine's encoding (`ck_encode_*`, in C) is checked
/// against, kept with the tests since the engine no longer calls it. Thread safety: stateless.
public enum Rounding {
    /// Rounds half to even and clamps to `minimum ... maximum`; `wasClamped` tells whether
    /// the value lay outside. NaN maps to `nanValue`.
    @inline(__always)
    public static func integer(_ v: Double, minimum: Double, maximum: Double, nanValue: Double,
                               wasClamped: inout Bool) -> Double {
        if v.isNaN { return max(minimum, min(maximum, nanValue)) }
        let r = v.rounded(.toNearestOrEven)
        if r < minimum { wasClamped = true; return minimum }
        if r > maximum { wasClamped = true; return maximum }
        return r
    }
}
