/// What `--method` computes over a footprint. Thread safety: a plain value, `Sendable`.
public enum FilterMethod: Sendable, Equatable, CustomStringConvertible {
    /// Convolution with `--kernel` (the default; not a footprint filter).
    case convolve
    /// The element of rank `k / 2` among the `k` valid values (scipy's median: the upper one for even `k`).
    case median
    /// The smallest valid value.
    case minimum
    /// The largest valid value.
    case maximum
    /// Largest minus smallest valid value.
    case range
    /// The element of rank `percentileRank(count:percentile:)` among the valid values; `P` in 0 … 100.
    case percentile(Double)
    /// The mean of the valid values.
    case mean
    /// The population variance (ddof 0) of the valid values.
    case variance
    /// The population standard deviation (ddof 0) of the valid values.
    case standardDeviation
    /// The most frequent valid value, ties to the smallest (integer bands only).
    case mode
    /// The Lee speckle filter for `looks` looks (Cu = 1/√looks), on linear intensities.
    case lee(looks: Double)

    /// The method names, as `--help` and the error message list them.
    public static let names = ["convolve", "median", "min", "max", "range", "percentile:P", "mean", "variance",
                               "stddev", "mode", "lee:LOOKS"]

    /// Parses a `--method` value.
    /// - Throws: `FilterMethodError` for an unknown name or a bad argument (`percentile:101`, `lee:0`).
    public init(parsing spec: String) throws(FilterMethodError) {
        let text = String(Substring(spec).trimmingSpaces)
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let name = parts[0].lowercased()
        let argument = parts.count > 1 ? parts[1] : nil
        func plain(_ method: FilterMethod) throws(FilterMethodError) -> FilterMethod {
            if let argument { throw .unexpectedArgument(method: name, argument: argument) }
            return method
        }
        switch name {
        case "convolve": self = try plain(.convolve)
        case "median": self = try plain(.median)
        case "min", "minimum": self = try plain(.minimum)
        case "max", "maximum": self = try plain(.maximum)
        case "range": self = try plain(.range)
        case "mean": self = try plain(.mean)
        case "variance": self = try plain(.variance)
        case "stddev": self = try plain(.standardDeviation)
        case "mode": self = try plain(.mode)
        case "percentile":
            let expected = "a percentile from 0 to 100"
            guard let argument, let p = FilterMethod.number(argument), p >= 0, p <= 100 else {
                throw .badArgument(method: name, argument: argument ?? "", expected: expected)
            }
            self = .percentile(p)
        case "lee":
            let expected = "a number of looks above 0"
            guard let argument, let looks = FilterMethod.number(argument), looks > 0 else {
                throw .badArgument(method: name, argument: argument ?? "", expected: expected)
            }
            self = .lee(looks: looks)
        default:
            throw .unknown(text)
        }
    }

    /// A finite decimal number (no `nan`, `inf`, hexadecimal).
    private static func number(_ text: String) -> Double? {
        let t = String(Substring(text).trimmingSpaces)
        guard !t.isEmpty, t.utf8.count <= 32 else { return nil }
        let lower = t.lowercased()
        if lower.contains("nan") || lower.contains("inf") || lower.contains("x") { return nil }
        guard let v = Double(t), v.isFinite else { return nil }
        return v
    }

    /// Checks that the method can run on a band holding `sample`s.
    /// - Throws: `FilterMethodError.needsIntegers` for `mode` on a floating-point band.
    public func check(sample: SampleKind) throws(FilterMethodError) {
        if self == .mode, sample == .float { throw .needsIntegers(method: "mode") }
    }

    /// Whether the method takes a footprint (everything but `convolve`).
    public var usesFootprint: Bool { self != .convolve }

    /// Whether every result is one of the input values (rank methods and `mode`), so integer outputs need
    /// neither rounding nor clamping.
    public var selectsInputValue: Bool {
        switch self {
        case .median, .minimum, .maximum, .percentile, .mode: return true
        default: return false
        }
    }

    /// The 0-based rank a rank method takes among `count` (k ≥ 1) valid values, `nil` for other methods.
    public func rank(count k: Int) -> Int? {
        switch self {
        case .median: return k / 2
        case .minimum: return 0
        case .maximum: return k - 1
        case let .percentile(p): return FilterMethod.percentileRank(count: k, percentile: p)
        default: return nil
        }
    }

    /// scipy.ndimage.percentile_filter's rank rule applied to `k` values: `k - 1` for P = 100, otherwise
    /// `int(float(k) * P / 100.0)` (truncated toward zero), in that order of operations.
    public static func percentileRank(count k: Int, percentile p: Double) -> Int {
        if p == 100 { return k - 1 }
        return min(k - 1, max(0, Int(Double(k) * p / 100.0)))
    }

    /// The canonical spelling (`median`, `percentile:90`, `lee:4`).
    public var description: String {
        switch self {
        case .convolve: return "convolve"
        case .median: return "median"
        case .minimum: return "min"
        case .maximum: return "max"
        case .range: return "range"
        case let .percentile(p): return "percentile:\(FilterMethod.shortest(p))"
        case .mean: return "mean"
        case .variance: return "variance"
        case .standardDeviation: return "stddev"
        case .mode: return "mode"
        case let .lee(looks): return "lee:\(FilterMethod.shortest(looks))"
        }
    }

    private static func shortest(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : "\(v)"
    }
}

/// Why a `--method` was refused. Thread safety: a plain value, `Sendable`.
public enum FilterMethodError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not a method name.
    case unknown(String)
    /// A method argument out of range.
    case badArgument(method: String, argument: String, expected: String)
    /// An argument given to a method that takes none.
    case unexpectedArgument(method: String, argument: String)
    /// A method for class maps run on a floating-point band.
    case needsIntegers(method: String)

    /// The one-line message.
    public var description: String {
        switch self {
        case let .unknown(text):
            return "unknown method '\(KernelError.quoted(text))' (known: \(FilterMethod.names.joined(separator: ", ")))"
        case let .badArgument(method, argument, expected):
            return "method '\(method)': '\(KernelError.quoted(argument))' is not \(expected)"
        case let .unexpectedArgument(method, argument):
            return "method '\(method)' takes no argument ('\(KernelError.quoted(argument))' given)"
        case let .needsIntegers(method):
            return "method '\(method)' needs an integer band (a class map); this band holds floating-point values"
        }
    }
}
