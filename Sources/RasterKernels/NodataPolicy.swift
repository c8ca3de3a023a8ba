/// What a convolution does with invalid (nodata, masked, NaN) neighbours.
/// Thread safety: a plain value, `Sendable`.
public enum NodataPolicy: String, CaseIterable, Sendable {
    /// Invalid neighbours are left out and the valid weights are scaled up to the kernel's
    /// full sum; where the kernel, or its valid weights, sum to 0, invalid neighbours take
    /// the centre pixel's value instead.
    case renormalize
    /// Invalid values are used as ordinary numbers.
    case ignore

    /// Combines one pixel's sums (shared by the engine and the reference so both round alike).
    /// - Parameters:
    ///   - sum: Σ w·x over valid neighbours, accumulated in kernel order.
    ///   - validWeight: Σ w over valid neighbours; `invalidWeight`: Σ w over invalid ones.
    ///   - anyInvalid: whether any neighbour with a non-zero weight was invalid.
    ///   - centre: the pixel's own value; `kernelSum`: Σ w over the whole kernel.
    @inline(__always)
    public static func renormalized(sum: Double, validWeight: Double, invalidWeight: Double,
                                    anyInvalid: Bool, centre: Double, kernelSum: Double) -> Double {
        guard anyInvalid else { return sum }
        if kernelSum != 0 && validWeight != 0 { return sum * (kernelSum / validWeight) }
        return sum + invalidWeight * centre
    }
}
