/// A length as a kernel or footprint argument carries it: a number of pixels (`7`, `7px`) or a
/// ground distance in metres (`30m`) or kilometres (`0.5km`). Units are lower case and follow
/// the number without a space.
///
/// A ground length means nothing until the raster's `GroundScale` is known; `pixels(on:)` turns
/// it into pixels per axis. Thread safety: a plain value, `Sendable`.
public struct GroundLength: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The unit written after the number.
    public enum Unit: String, Sendable, Hashable, Codable, CaseIterable {
        /// Pixels: no suffix, or `px`.
        case pixels = "px"
        /// Metres on the ground: `m`.
        case metres = "m"
        /// Kilometres on the ground: `km`.
        case kilometres = "km"
    }

    /// The number as written (it may be zero or negative: callers check their own bounds).
    public let value: Double
    /// Its unit.
    public let unit: Unit

    /// A length of `value` in `unit`.
    public init(value: Double, unit: Unit) {
        self.value = value
        self.unit = unit
    }

    /// Parses `30m`, `0.5km`, `12.5px` or a plain number (pixels); `nil` for anything else
    /// (an unknown unit such as `30mm`, a space before the unit, NaN, infinity, hexadecimal).
    public init?(parsing text: String) {
        let suffix = String(text.reversed().prefix { $0.isLetter }.reversed())
        let number = String(text.dropLast(suffix.count))
        let unit: Unit
        if suffix.isEmpty { unit = .pixels } else if let u = Unit(rawValue: suffix) { unit = u } else { return nil }
        guard number.utf8.count <= 64, let first = number.first, first.isNumber || "+-.".contains(first),
              number.allSatisfy({ $0.isNumber || "+-.eE".contains($0) }), let v = Double(number), v.isFinite else {
            return nil
        }
        self.init(value: v, unit: unit)
    }

    /// Whether the length is on the ground (metres or kilometres) and so needs a `GroundScale`.
    public var isGround: Bool { unit != .pixels }

    /// The length in metres; `nil` for a length in pixels.
    public var metres: Double? {
        switch unit {
        case .pixels: return nil
        case .metres: return value
        case .kilometres: return value * 1000
        }
    }

    /// The length in pixels along x and y: the value itself for pixels, else metres divided by
    /// the scale's metres per pixel on each axis. `nil` for a ground length without a scale.
    public func pixels(on scale: GroundScale?) -> (x: Double, y: Double)? {
        guard let m = metres else { return (value, value) }
        guard let scale else { return nil }
        return scale.pixels(metres: m)
    }

    /// As written in its canonical form: `30m`, `0.5km`, `7px`.
    public var description: String { GroundLength.format(value) + unit.rawValue }

    /// A number without a trailing `.0`: `30`, `0.5`, `1e-05`.
    static func format(_ v: Double) -> String {
        if v == v.rounded() && abs(v) < 1e15 { return String(Int64(v)) }
        return String(v)
    }
}
