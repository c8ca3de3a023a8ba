/// A linear stretch of one band to 0–255: `low` maps to 0, `high` to 255, values outside are
/// clipped. Thread safety: a plain value, `Sendable`.
public struct Stretch: Sendable, Equatable {
    /// The values drawn black and white.
    public var low: Double, high: Double

    /// A stretch between two values (`high` is raised above `low` when they are equal).
    public init(low: Double, high: Double) {
        self.low = low
        self.high = high > low ? high : low + 1
    }

    /// Samples the percentiles are taken from, at most (evenly strided; selecting ranks among a
    /// million doubles would cost more than the rest of a quick look).
    public static let maximumSamples = 1 << 16

    /// The stretch between the `lower` and `upper` fractions (default 2 % and 98 %) of the
    /// values where `include` is non-zero; 0–1 when there is none.
    public static func percentiles(_ values: [Double], include: [UInt8], lower: Double = 0.02,
                                   upper: Double = 0.98) -> Stretch {
        var picked: [Double] = []
        picked.reserveCapacity(min(values.count, maximumSamples))
        var eligible = 0
        for i in values.indices where include[i] != 0 && !values[i].isNaN { eligible += 1 }
        guard eligible > 0 else { return Stretch(low: 0, high: 1) }
        let step = max(1, eligible / maximumSamples)
        var seen = 0
        for i in values.indices where include[i] != 0 && !values[i].isNaN {
            if seen % step == 0 { picked.append(values[i]) }
            seen += 1
        }
        func at(_ f: Double) -> Double {
            OrderStatistic.select(min(picked.count - 1, max(0, Int((f * Double(picked.count - 1)).rounded()))),
                                  in: &picked)
        }
        return Stretch(low: at(lower), high: at(upper))
    }

    /// The value's grey level, 0–255.
    @inline(__always)
    public func level(_ v: Double) -> UInt8 {
        let t = (v - low) / (high - low)
        if !(t > 0) { return 0 }   // NaN too
        if t >= 1 { return 255 }
        return UInt8(t * 255 + 0.5)
    }

    /// The stretch's width.
    public var range: Double { high - low }
}
