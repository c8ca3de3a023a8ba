#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RasterKernels

/// Turns a `--kernel SPEC` into a `Kernel`: a file path when such a file exists, a preset
/// name (`gaussian:1.5`), or an inline matrix (`0,-1,0;-1,5,-1;0,-1,0`).
/// Thread safety: stateless.
public enum KernelSource {
    /// Largest kernel file read, in bytes (a 511×511 matrix of long numbers fits easily).
    static let maximumFileBytes = 16 << 20

    /// Resolves a kernel spec.
    /// - Throws: `EngineError.kernel` (parse errors name the row and column) or `.kernelFile`.
    public static func resolve(_ spec: String) throws(EngineError) -> Kernel {
        var isDirectory: Bool = false
        let trimmed = spec.trimmingBlanks()
        do {
            if FileManager.default.fileExists(atPath: spec, isDirectory: &isDirectory) {
                if isDirectory { throw EngineError.kernelFile(path: spec, reason: "is a folder") }
                return try Kernel(parsingText: try readText(spec))
            }
            if trimmed.isEmpty { throw EngineError.kernel(.empty) }
            let isMatrix = trimmed.contains(",") || trimmed.contains(";") || Double(trimmed) != nil
            if !isMatrix {
                if let sized = try GroundKernelSpec.parse(trimmed), !sized.length.isGround {
                    return try sized.resolve(on: nil).kernel   // box:5px
                }
                if KernelPreset.looksLikePreset(trimmed) { return try KernelPreset.kernel(trimmed) }
                let presets = KernelPreset.names.joined(separator: ", ")
                throw EngineError.kernelFile(path: spec, reason: "no such file, and not a preset (\(presets))"
                                                 + " or a matrix such as 0,-1,0;-1,5,-1;0,-1,0")
            }
            return try Kernel(parsingInline: trimmed)
        } catch let e as KernelError {
            throw .kernel(e)
        } catch let e as EngineError {
            throw e
        } catch {
            throw .kernelFile(path: spec, reason: "\(error)")
        }
    }

    /// The spec when it is a preset sized in ground units (`gaussian:30m`, `box:0.09km`) and
    /// no file has that name: the engine resolves it once the input is open. `nil` otherwise
    /// (then `resolve(_:)` gives the kernel now).
    /// - Throws: `EngineError.kernel` for a sized preset with a unit that is not m, km or px.
    public static func groundKernel(_ spec: String) throws(EngineError) -> GroundKernelSpec? {
        if FileManager.default.fileExists(atPath: spec) { return nil }
        do {
            let trimmed = spec.trimmingBlanks()
            guard let sized = try GroundKernelSpec.parse(trimmed), sized.length.isGround else {
                return nil
            }
            return sized
        } catch {
            throw .kernel(error)
        }
    }

    /// The file `spec` names when `resolve` reads the kernel from a file, else `nil`.
    public static func file(_ spec: String) -> String? {
        var isDirectory: Bool = false
        let exists = FileManager.default.fileExists(atPath: spec, isDirectory: &isDirectory)
        return exists && !isDirectory ? spec : nil
    }

    static func readText(_ path: String) throws(EngineError) -> String {
        guard let data = FileBytes.prefix(path, limit: maximumFileBytes + 1) else {
            throw .kernelFile(path: path, reason: "cannot be read")
        }
        if data.count > maximumFileBytes {
            throw .kernelFile(path: path, reason: "is larger than \(maximumFileBytes >> 20) MiB")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw .kernelFile(path: path, reason: "is not UTF-8 text")
        }
        return text
    }
}

/// Turns a `--footprint SPEC` into a `Footprint`: a file path when such a file exists (its
/// non-zero entries), else `square:N`, `rect:WxH`, `disk:R` or an inline matrix.
/// Thread safety: stateless.
public enum FootprintSource {
    /// Resolves a footprint spec.
    /// - Throws: `EngineError.badOption` naming `--footprint`, or `.kernelFile` for an unreadable file.
    public static func resolve(_ spec: String) throws(EngineError) -> Footprint {
        var isDirectory: Bool = false
        do {
            if FileManager.default.fileExists(atPath: spec, isDirectory: &isDirectory) {
                if isDirectory { throw EngineError.kernelFile(path: spec, reason: "is a folder") }
                return try Footprint(parsingText: try KernelSource.readText(spec))
            }
            return try Footprint(parsing: spec)
        } catch let e as FootprintError {
            throw .badOption(e.description)
        } catch let e as EngineError {
            throw e
        } catch {
            throw .badOption("--footprint: \(error)")
        }
    }
}

extension FootprintSource {
    /// The spec when it is a shape sized in ground units (`disk:50m`, `square:120m`) and no file
    /// has that name: the engine resolves it once the input is open. `nil` otherwise.
    public static func ground(_ spec: String) -> GroundFootprintSpec? {
        FileManager.default.fileExists(atPath: spec) ? nil : GroundFootprintSpec.parse(spec)
    }
}
