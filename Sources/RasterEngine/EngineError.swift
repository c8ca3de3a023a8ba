import BlockOutput
import GDALKit
import RasterKernels
import RasterTiling

/// Why `geokernel` refused or stopped; every case prints as one line that names the file,
/// and the tile when there is one. Thread safety: a plain value, `Sendable`.
public enum EngineError: Error, Sendable, CustomStringConvertible {
    /// GDAL failed on a file; `context` says what was being done (e.g. "reading tile 256x256+0+512").
    case gdal(path: String, context: String, GDALError)
    case kernel(KernelError)
    case kernelFile(path: String, reason: String)
    case maskGridMismatch(input: String, mask: String, reason: String)
    case unsupportedDataType(path: String, band: Int, type: String, reason: String)
    case paletteBand(path: String, band: Int)
    case badBandList(String)
    case unknownDataType(String)
    case outputIsInput(output: String, input: String)
    case outputExists(String)
    case outputFolder(path: String, reason: String)
    /// A system call on a file failed (`reason` is the system's message).
    case fileSystem(path: String, context: String, reason: String)
    case badOption(String)
    /// A `--resume` checkpoint that cannot be trusted (`reason` says why); nothing was written.
    case damagedCheckpoint(path: String, reason: String)
    /// A `--resume` of a partial output made by a different run (`reason` names the first difference).
    case resumeRefused(output: String, reason: String)
    case interrupted(signal: Int32)
    /// Working memory could not be had (`reason` is the system's message).
    case outOfMemory(bytes: Int, reason: String)

    /// The one-line message.
    public var description: String {
        switch self {
        case let .gdal(path, context, e): return "\(path): \(context): \(e)"
        case let .kernel(e): return e.description
        case let .kernelFile(path, reason): return "kernel file \(KernelError.quoted(path)): \(reason)"
        case let .maskGridMismatch(input, mask, reason):
            return "mask \(mask) is not on the pixel grid of \(input): \(reason)"
        case let .unsupportedDataType(path, band, type, reason):
            return "\(path): band \(band) is \(type), which cannot be convolved: \(reason)"
        case let .paletteBand(path, band):
            return "\(path): band \(band) is a palette (colour table) band: its values are class indices, and "
                   + "only --method mode (the majority of the classes) makes sense on them; pick other bands with "
                   + "--bands or expand the palette first (gdal_translate -expand rgb)"
        case let .badBandList(reason): return "--bands: \(reason)"
        case let .unknownDataType(name):
            return "unknown data type '\(KernelError.quoted(name))' for -ot (known: Byte, Int8, UInt16, Int16, "
                   + "UInt32, Int32, Float32, Float64)"
        case let .outputIsInput(output, input):
            return "output \(output) is the same file as \(input); refusing to overwrite an input"
        case let .outputExists(path): return "output \(path) already exists; pass --overwrite to replace it"
        case let .outputFolder(path, reason): return "cannot write output in \(path): \(reason)"
        case let .fileSystem(path, context, reason): return "\(path): \(context): \(reason)"
        case let .badOption(reason): return reason
        case let .damagedCheckpoint(path, reason):
            return "checkpoint \(path) is damaged: \(reason); remove it or run without --resume"
        case let .resumeRefused(output, reason):
            return "cannot resume \(output): \(reason); run without --resume to start over"
        case let .outOfMemory(bytes, reason):
            let mib = cFormat("%.1f", Double(bytes) / 1_048_576)
            return "out of memory: cannot map \(mib) MiB of working memory "
                + "(\(reason)); lower --threads, --tile-size or GEOKERNEL_BLOCK_CACHE_MB"
        case let .interrupted(signal): return "interrupted by signal \(signal); no output written"
        }
    }

    /// The process exit code for this error: 128 + signal for interrupts, 1 otherwise.
    public var exitCode: Int32 {
        if case let .interrupted(signal) = self { return 128 + signal }
        return 1
    }
}

extension EngineError {
    /// Any error as an `EngineError`: an `EngineError` as it is, a `GDALError` (or anything
    /// else) wrapped with the file and what was being done.
    init(wrapping error: any Error, path: String, context: String) {
        switch error {
        case let e as EngineError: self = e
        case let e as BlockOutputError: self = .fileSystem(path: e.path, context: e.context, reason: e.reason)
        case let e as OutOfMemoryError: self = .outOfMemory(bytes: e.bytes, reason: e.reason)
        case let e as GDALError: self = .gdal(path: path, context: context, e)
        default: self = .gdal(path: path, context: context, GDALError(function: "?", message: "\(error)"))
        }
    }
}
