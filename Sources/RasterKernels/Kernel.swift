import RasterTiling

/// A convolution kernel: a rectangular matrix of weights, row-major, applied as a true
/// convolution (flipped) with `scipy.ndimage.convolve`'s centre `(width / 2, height / 2)`.
/// Thread safety: a plain value, `Sendable`.
public struct Kernel: Sendable, Equatable, CustomStringConvertible {
    /// Largest accepted width or height.
    public static let maximumSize = 511

    /// Columns and rows.
    public let width: Int, height: Int
    /// Weights, row-major, as the user wrote them (not flipped).
    public let values: [Double]

    /// Creates a kernel from rows.
    /// - Throws: `KernelError` for an empty or ragged matrix, a non-finite weight, or a size above the limit.
    public init(rows: [[Double]]) throws(KernelError) {
        guard let first = rows.first, !first.isEmpty else { throw .empty }
        for (r, row) in rows.enumerated() where row.count != first.count {
            throw .ragged(row: r + 1, count: row.count, expected: first.count)
        }
        try self.init(width: first.count, height: rows.count, values: rows.flatMap { $0 })
    }

    /// Creates a kernel from row-major values.
    /// - Throws: `KernelError` as `init(rows:)`.
    public init(width: Int, height: Int, values: [Double]) throws(KernelError) {
        guard width > 0, height > 0, values.count == width * height else { throw .empty }
        guard width <= Kernel.maximumSize, height <= Kernel.maximumSize else {
            throw .tooLarge(width: width, height: height, limit: Kernel.maximumSize)
        }
        if let i = values.firstIndex(where: { !$0.isFinite }) {
            throw .notFinite(row: i / width + 1, column: i % width + 1)
        }
        self.width = width
        self.height = height
        self.values = values
    }

    /// The weight at (`column`, `row`), 0-based.
    public subscript(column: Int, row: Int) -> Double { values[row * width + column] }

    /// The sum of all weights.
    public var sum: Double { values.reduce(0, +) }

    /// How far the kernel reaches on each side: `out[y][x]` reads input columns
    /// `x - left … x + right`, with `left = width - 1 - width/2` and `right = width/2`.
    public var halo: Halo {
        Halo(left: width - 1 - width / 2, top: height - 1 - height / 2, right: width / 2, bottom: height / 2)
    }

    /// The weights rotated by 180°: convolution with `values` is correlation with these over
    /// the halo-padded input, `out[y][x] = Σ flipped[j][i] · padded[y + j][x + i]`.
    public var flipped: [Double] { values.reversed() }

    /// `WxH` and the sum.
    public var description: String { "\(width)x\(height) kernel (sum \(sum))" }
}

/// Why a kernel was refused; each message names the row and column where it applies.
/// Thread safety: a plain value, `Sendable`.
public enum KernelError: Error, Sendable, Equatable, CustomStringConvertible {
    /// User text made safe for a one-line message: control characters escaped, at most 40 characters.
    public static func quoted(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if out.count >= 40 { out += "…"; break }
            if scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}" {
                out += scalar.escaped(asASCII: true)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    case empty
    case ragged(row: Int, count: Int, expected: Int)
    case notANumber(row: Int, column: Int, text: String)
    case notFinite(row: Int, column: Int)
    case tooLarge(width: Int, height: Int, limit: Int)
    case unknownPreset(String)
    case badPresetArgument(preset: String, argument: String, expected: String)

    /// The one-line message.
    public var description: String {
        switch self {
        case .empty: return "the kernel is empty"
        case let .ragged(row, count, expected):
            let values = "\(count) value\(count == 1 ? "" : "s")"
            return "kernel row \(row) has \(values) but row 1 has \(expected): a kernel must be rectangular"
        case let .notANumber(row, column, text):
            return "kernel row \(row), column \(column): '\(KernelError.quoted(text))' is not a number"
        case let .notFinite(row, column):
            return "kernel row \(row), column \(column): the weight is not finite"
        case let .tooLarge(w, h, limit):
            return "the kernel is \(w)x\(h); the largest accepted is \(limit)x\(limit)"
        case let .unknownPreset(name):
            let known = KernelPreset.names.joined(separator: ", ")
            return "unknown kernel preset '\(KernelError.quoted(name))' (known: \(known))"
        case let .badPresetArgument(preset, argument, expected):
            return "kernel preset '\(preset)': '\(KernelError.quoted(argument))' is not \(expected)"
        }
    }
}
