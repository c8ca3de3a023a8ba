import RasterTiling

/// The set of neighbours a rank or statistic filter reads: a `width × height` box of booleans.
///
/// The centre is at column `width / 2`, row `height / 2` (scipy.ndimage's `origin = 0`), and the footprint is
/// applied without flipping (a correlation), so `out[y][x]` reads columns `x - width/2 … x + width - 1 - width/2`
/// — for even sizes one more to the left than to the right, the opposite of `Kernel.halo` (a convolution).
/// Thread safety: a plain value, `Sendable`.
public struct Footprint: Sendable, Equatable, CustomStringConvertible {
    /// Largest accepted width or height (as for kernels).
    public static let maximumSize = Kernel.maximumSize

    /// Columns and rows of the box.
    public let width: Int, height: Int
    /// Row-major membership, `width * height` entries.
    public let mask: [Bool]
    /// Number of member pixels (at least 1).
    public let count: Int
    /// For each row of the box, the member columns as ascending, disjoint runs.
    public let rowRuns: [[Range<Int>]]
    /// How the footprint was written, canonically (`square:3`, `rect:5x3`, `disk:2`, `custom:3x3`).
    public let spec: String

    /// Creates a footprint from a membership mask.
    /// - Throws: `FootprintError.empty` when no entry is set, `.tooLarge` above `maximumSize`.
    public init(width: Int, height: Int, mask: [Bool], spec: String) throws(FootprintError) {
        guard width > 0, height > 0, mask.count == width * height else { throw .empty }
        guard width <= Footprint.maximumSize, height <= Footprint.maximumSize else {
            throw .tooLarge(width: width, height: height, limit: Footprint.maximumSize)
        }
        let count = mask.reduce(0) { $0 + ($1 ? 1 : 0) }
        guard count > 0 else { throw .empty }
        self.width = width
        self.height = height
        self.mask = mask
        self.count = count
        self.spec = spec
        var runs: [[Range<Int>]] = []
        for r in 0..<height {
            var row: [Range<Int>] = []
            var c = 0
            while c < width {
                guard mask[r * width + c] else { c += 1; continue }
                let start = c
                while c < width && mask[r * width + c] { c += 1 }
                row.append(start ..< c)
            }
            runs.append(row)
        }
        self.rowRuns = runs
    }

    /// A full `width × height` rectangle.
    /// - Throws: `FootprintError` for a size outside `1 … maximumSize`.
    public static func rectangle(width: Int, height: Int) throws(FootprintError) -> Footprint {
        for n in [width, height] where n < 1 || n > maximumSize {
            throw .badSize(text: "\(n)", what: "a side", expected: "a whole number of pixels from 1 to \(maximumSize)")
        }
        let spec = width == height ? "square:\(width)" : "rect:\(width)x\(height)"
        return try Footprint(width: width, height: height, mask: Array(repeating: true, count: width * height),
                             spec: spec)
    }

    /// The pixels whose centre lies within `radius` of the centre pixel's centre, boundary included
    /// (`dx² + dy² ≤ R²`, as `x**2 + y**2 <= R**2` over `np.ogrid[-R:R+1, -R:R+1]`), in a `(2R+1)²` box.
    /// `disk:0` is the centre pixel alone; `disk:1` the 4-neighbour cross.
    /// - Throws: `FootprintError` for a negative radius or a box above `maximumSize`.
    public static func disk(radius: Int) throws(FootprintError) -> Footprint {
        guard radius >= 0, 2 * radius + 1 <= maximumSize else {
            throw .badSize(text: "\(radius)", what: "a disk radius",
                           expected: "a whole number of pixels from 0 to \((maximumSize - 1) / 2)")
        }
        let n = 2 * radius + 1
        var mask = [Bool](repeating: false, count: n * n)
        for dy in -radius...radius {
            for dx in -radius...radius where dx * dx + dy * dy <= radius * radius {
                mask[(dy + radius) * n + dx + radius] = true
            }
        }
        return try Footprint(width: n, height: n, mask: mask, spec: "disk:\(radius)")
    }

    /// The non-zero entries of a kernel (from a kernel file or an inline matrix) as a footprint.
    /// - Throws: `FootprintError.empty` when every entry is zero.
    public init(kernel: Kernel) throws(FootprintError) {
        try self.init(width: kernel.width, height: kernel.height, mask: kernel.values.map { $0 != 0 },
                      spec: "custom:\(kernel.width)x\(kernel.height)")
    }

    /// Parses `square:N`, `rect:WxH`, `disk:R` or an inline matrix such as `0,1,0;1,1,1;0,1,0` (its non-zero
    /// entries). A footprint read from a file goes through `Footprint(parsingText:)`.
    /// - Throws: `FootprintError` with a one-line message.
    public init(parsing spec: String) throws(FootprintError) {
        let text = String(Substring(spec).trimmingSpaces)
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        if parts.count == 2 {
            let argument = parts[1]
            switch parts[0].lowercased() {
            case "square":
                let n = try Footprint.size(argument, what: "a square side", minimum: 1)
                self = try .rectangle(width: n, height: n)
            case "rect":
                let sides = argument.split(separator: "x", omittingEmptySubsequences: false)
                guard sides.count == 2 else {
                    throw .badSize(text: String(argument), what: "a rectangle", expected: "WxH, such as 5x3")
                }
                let w = try Footprint.size(sides[0], what: "a rectangle width", minimum: 1)
                let h = try Footprint.size(sides[1], what: "a rectangle height", minimum: 1)
                self = try .rectangle(width: w, height: h)
            case "disk":
                self = try .disk(radius: try Footprint.size(argument, what: "a disk radius", minimum: 0))
            default:
                throw .unknown(text)
            }
            return
        }
        guard text.contains(",") || text.contains(";") || Double(text) != nil else { throw .unknown(text) }
        do {
            try self.init(kernel: try Kernel(parsingInline: text))
        } catch let e as KernelError {
            throw .matrix(e)
        } catch let e as FootprintError {
            throw e
        } catch {
            throw .unknown(text)
        }
    }

    /// Parses a footprint file's text (the kernel file format); its non-zero entries are the footprint.
    /// - Throws: `FootprintError.matrix` for a malformed matrix, `.empty` for one of zeros.
    public init(parsingText text: String) throws(FootprintError) {
        let kernel: Kernel
        do { kernel = try Kernel(parsingText: text) } catch { throw .matrix(error) }
        try self.init(kernel: kernel)
    }

    /// A size in pixels: the one place a size is read, so that a later ground unit (`30m`) plugs in here.
    static func size(_ text: Substring, what: String, minimum: Int) throws(FootprintError) -> Int {
        let limit = minimum == 0 ? (maximumSize - 1) / 2 : maximumSize
        let expected = "a whole number of pixels from \(minimum) to \(limit)"
        let digits = text.trimmingSpaces
        guard !digits.isEmpty, digits.count <= 9, let n = Int(digits), n >= minimum, n <= limit else {
            throw .badSize(text: String(text), what: what, expected: expected)
        }
        return n
    }

    /// How far the footprint reads around a pixel: `width / 2` to the left, `width - 1 - width / 2` to the right
    /// (rows alike), scipy's `origin = 0` without the flip of a convolution.
    public var halo: Halo {
        Halo(left: width / 2, top: height / 2, right: width - 1 - width / 2, bottom: height - 1 - height / 2)
    }

    /// Whether every entry of the box is a member.
    public var isRectangle: Bool { count == width * height }

    /// Whether the centre pixel itself is a member.
    public var containsCentre: Bool { mask[(height / 2) * width + width / 2] }

    /// The membership at (`column`, `row`), 0-based.
    public subscript(column: Int, row: Int) -> Bool { mask[row * width + column] }

    /// The membership as an inline matrix (`0,1,0;1,1,1;0,1,0`): with `spec`, what a plan, a report or a
    /// resume fingerprint must record, since `custom:WxH` alone does not say which pixels are members.
    public var maskText: String {
        (0..<height).map { r in (0..<width).map { mask[r * width + $0] ? "1" : "0" }.joined(separator: ",") }
            .joined(separator: ";")
    }

    /// The canonical spec and the member count.
    public var description: String { "\(spec) (\(width)x\(height), \(count) pixel\(count == 1 ? "" : "s"))" }
}

/// Why a footprint was refused. Thread safety: a plain value, `Sendable`.
public enum FootprintError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No entry is set (a matrix of zeros).
    case empty
    /// A size that is not a whole number in range.
    case badSize(text: String, what: String, expected: String)
    /// Wider or taller than the limit.
    case tooLarge(width: Int, height: Int, limit: Int)
    /// Neither a shape nor a matrix.
    case unknown(String)
    /// The matrix could not be read.
    case matrix(KernelError)

    /// The one-line message.
    public var description: String {
        switch self {
        case .empty: return "the footprint has no non-zero entry"
        case let .badSize(text, what, expected):
            return "footprint: '\(KernelError.quoted(text))' is not \(what) (expected \(expected))"
        case let .tooLarge(w, h, limit): return "the footprint is \(w)x\(h); the largest accepted is \(limit)x\(limit)"
        case let .unknown(text):
            return "unknown footprint '\(KernelError.quoted(text))' (expected square:N, rect:WxH, disk:R, "
                + "a matrix such as 0,1,0;1,1,1;0,1,0, or a file)"
        case let .matrix(e): return "footprint: \(e)"
        }
    }
}
