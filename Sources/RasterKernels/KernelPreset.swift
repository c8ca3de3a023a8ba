#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Named kernels: `identity`, `box:N`, `gaussian:SIGMA`, `sharpen`, `laplacian`, `sobel-x`,
/// `sobel-y`, `emboss`. Thread safety: stateless.
public enum KernelPreset {
    /// The preset names, as the error message lists them.
    public static let names = ["identity", "box:N", "gaussian:SIGMA", "sharpen", "laplacian", "sobel-x", "sobel-y",
                               "emboss"]

    /// Whether `spec` looks like a preset name (letters, `-`, optionally `:ARGUMENT`), as
    /// opposed to a matrix.
    public static func looksLikePreset(_ spec: String) -> Bool {
        let name = spec.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
        return !name.isEmpty && name.allSatisfy { $0.isLetter || $0 == "-" || $0 == "_" }
    }

    /// The kernel a preset names.
    /// - Throws: `KernelError.unknownPreset` or `.badPresetArgument`.
    public static func kernel(_ spec: String) throws(KernelError) -> Kernel {
        let parts = spec.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let name = parts[0].lowercased()
        let argument = parts.count > 1 ? parts[1] : nil
        func noArgument() throws(KernelError) {
            if let argument {
                throw .badPresetArgument(preset: name, argument: argument,
                                         expected: "expected (this preset takes no argument)")
            }
        }
        switch name {
        case "identity": try noArgument(); return try Kernel(rows: [[1]])
        case "sharpen": try noArgument(); return try Kernel(rows: [[0, -1, 0], [-1, 5, -1], [0, -1, 0]])
        case "laplacian": try noArgument(); return try Kernel(rows: [[0, 1, 0], [1, -4, 1], [0, 1, 0]])
        case "sobel-x": try noArgument(); return try Kernel(rows: [[1, 0, -1], [2, 0, -2], [1, 0, -1]])
        case "sobel-y": try noArgument(); return try Kernel(rows: [[1, 2, 1], [0, 0, 0], [-1, -2, -1]])
        case "emboss": try noArgument(); return try Kernel(rows: [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]])
        case "box":
            guard let a = argument, let n = Int(a), n > 0 else {
                throw .badPresetArgument(preset: "box", argument: argument ?? "",
                                         expected: "a positive whole size, as in box:5")
            }
            guard n <= Kernel.maximumSize else { throw .tooLarge(width: n, height: n, limit: Kernel.maximumSize) }
            return try Kernel(width: n, height: n, values: [Double](repeating: 1 / Double(n * n), count: n * n))
        case "gaussian":
            guard let a = argument, let sigma = Double(a), sigma.isFinite, sigma > 0 else {
                throw .badPresetArgument(preset: "gaussian", argument: argument ?? "",
                                         expected: "a positive sigma, as in gaussian:1.5")
            }
            let r = (3 * sigma).rounded(.up)
            guard r <= Double(Kernel.maximumSize / 2) else {
                let n = r < 1e9 ? 2 * Int(r) + 1 : Int.max
                throw .tooLarge(width: n, height: n, limit: Kernel.maximumSize)
            }
            let radius = Int(r), n = 2 * radius + 1
            let g = (-radius...radius).map { d in exp(-Double(d * d) / (2 * sigma * sigma)) }
            let total = g.reduce(0, +)
            let line = g.map { $0 / total }
            return try Kernel(width: n, height: n, values: line.flatMap { a in line.map { a * $0 } })
        default:
            throw .unknownPreset(spec)
        }
    }
}

