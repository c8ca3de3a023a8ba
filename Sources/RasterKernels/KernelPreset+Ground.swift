#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A sized preset whose size has an explicit unit, `box:90m`, `gaussian:30m`, `gaussian:0.03km`,
/// `box:5px`, kept as written until the raster's `GroundScale` is known.
///
/// On a grid the size becomes pixels per axis, so non-square pixels give a non-square kernel:
/// `gaussian:L` has σ = L / (metres per pixel) on each axis (radius ⌈3σ⌉ each, normalised to
/// sum 1); `box:L` is, on each axis, the odd number of pixels nearest to L / (metres per pixel)
/// (ties go up, at least 1), so the box stays centred on its pixel. Thread safety: a plain value.
public struct GroundKernelSpec: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The spec as written, e.g. `gaussian:30m`.
    public let text: String
    /// The preset, lower case: `gaussian` or `box`.
    public let preset: String
    /// Its size: σ for `gaussian`, the edge for `box`.
    public let length: GroundLength

    /// The presets that take a size.
    public static let sizedPresets = ["box", "gaussian"]

    /// The spec when `text` is a sized preset whose argument ends in a unit (`m`, `km`, `px`);
    /// `nil` for anything else (a plain `gaussian:1.5`, another preset, a matrix, a file name).
    /// - Throws: `KernelError.badPresetArgument` when the argument is a number followed by
    ///   letters that are not a unit (`gaussian:30mm`, `box:30 m`).
    public static func parse(_ text: String) throws(KernelError) -> GroundKernelSpec? {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let name = parts[0].lowercased()
        guard parts.count == 2, sizedPresets.contains(name), let last = parts[1].last, last.isLetter else { return nil }
        guard let length = GroundLength(parsing: parts[1]) else {
            throw .badPresetArgument(preset: name, argument: parts[1],
                                     expected: "a length: a number with m, km or px, as in \(name):30m")
        }
        return GroundKernelSpec(text: text, preset: name, length: length)
    }

    /// The kernel and what its size became in pixels.
    /// - Parameter scale: the raster's metres per pixel; may be `nil` only for a size in pixels.
    /// - Throws: `KernelError.badPresetArgument` for a size that is not positive (or a box in
    ///   pixels that is not whole), `.tooLarge` past 511 pixels; a ground size without a scale is
    ///   a programming error the caller prevents (it reports the raster that has none).
    public func resolve(on scale: GroundScale?) throws(KernelError) -> (kernel: Kernel, size: GroundKernelSize) {
        guard length.value > 0 else {
            throw .badPresetArgument(preset: preset, argument: length.description, expected: "a positive length")
        }
        guard let (px, py) = length.pixels(on: scale) else {
            preconditionFailure("\(text): a ground size needs the raster's GroundScale")
        }
        switch preset {
        case "box":
            let nx: Int, ny: Int
            if length.isGround {
                nx = try GroundKernelSpec.nearestOdd(px); ny = try GroundKernelSpec.nearestOdd(py)
            } else {
                guard px == px.rounded(), px <= Double(Int32.max) else {
                    throw .badPresetArgument(preset: preset, argument: length.description,
                                             expected: "a whole number of pixels")
                }
                nx = Int(px); ny = nx
            }
            return (try GroundKernelSpec.box(width: nx, height: ny),
                    GroundKernelSize(spec: text, parameter: "size", scale: scale,
                                     pixelsX: Double(nx), pixelsY: Double(ny)))
        default:
            return (try GroundKernelSpec.gaussian(sigmaX: px, sigmaY: py),
                    GroundKernelSize(spec: text, parameter: "sigma", scale: scale, pixelsX: px, pixelsY: py))
        }
    }

    /// `width × height` mean.
    static func box(width: Int, height: Int) throws(KernelError) -> Kernel {
        guard width <= Kernel.maximumSize, height <= Kernel.maximumSize else {
            throw .tooLarge(width: width, height: height, limit: Kernel.maximumSize)
        }
        let n = width * height
        return try Kernel(width: width, height: height, values: [Double](repeating: 1 / Double(n), count: n))
    }

    /// A Gaussian with its own σ on each axis, radius ⌈3σ⌉ each, each axis normalised to sum 1
    /// (with σx = σy it is `gaussian:σ` exactly).
    static func gaussian(sigmaX: Double, sigmaY: Double) throws(KernelError) -> Kernel {
        let rx = (3 * sigmaX).rounded(.up), ry = (3 * sigmaY).rounded(.up)
        guard rx <= Double(Kernel.maximumSize / 2), ry <= Double(Kernel.maximumSize / 2) else {
            func n(_ r: Double) -> Int { r < 1e9 ? 2 * Int(r) + 1 : Int.max }
            throw .tooLarge(width: n(rx), height: n(ry), limit: Kernel.maximumSize)
        }
        func line(_ sigma: Double, _ radius: Int) -> [Double] {
            let g = (-radius...radius).map { d in exp(-Double(d * d) / (2 * sigma * sigma)) }
            let total = g.reduce(0, +)
            return g.map { $0 / total }
        }
        let gx = line(sigmaX, Int(rx)), gy = line(sigmaY, Int(ry))
        return try Kernel(width: gx.count, height: gy.count, values: gy.flatMap { a in gx.map { a * $0 } })
    }

    /// The odd whole number nearest to `pixels` (ties up, at least 1).
    static func nearestOdd(_ pixels: Double) throws(KernelError) -> Int {
        let k = max(0, ((pixels - 1) / 2 + 0.5).rounded(.down))
        guard k < 1e9 else { throw .tooLarge(width: Int.max, height: Int.max, limit: Kernel.maximumSize) }
        return 2 * Int(k) + 1
    }

    /// The spec as written.
    public var description: String { text }
}

/// What a `GroundKernelSpec` became on a raster's grid: the size in pixels on each axis and
/// the scale it was computed with, as `plan` and the JSON report show it.
/// Thread safety: a plain value, `Sendable`.
public struct GroundKernelSize: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The spec as written, e.g. `gaussian:30m`.
    public let spec: String
    /// What the size is: `sigma` (gaussian) or `size` (box, whole pixels).
    public let parameter: String
    /// The raster's metres per pixel; `nil` for a size written in pixels.
    public let scale: GroundScale?
    /// The parameter in pixels along x (columns) and y (rows).
    public let pixelsX: Double, pixelsY: Double

    /// `gaussian:30m: sigma 3 x 3 px at 10 x 10 m per pixel`.
    public var description: String {
        "\(spec): \(parameter) \(format6(pixelsX)) x \(format6(pixelsY)) px" + (scale.map { " at \($0)" } ?? "")
    }
}
