#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import GDALKit
import RasterTiling

/// How the blocks the kernel leaves alone reach the output.
/// Thread safety: a plain value, `Sendable`.
public enum PassThrough: Sendable, Equatable, CustomStringConvertible {
    /// The output began as a byte copy of the input file; only blocks with selected pixels
    /// were written (pass-through blocks were neither decoded nor encoded).
    case inputCopied
    /// Blocks without a selected pixel were copied as the input's encoded bytes into a new
    /// file, the others encoded by the workers (`RawBlockSink`): nothing decoded or encoded
    /// that the selection does not reach, and no block written twice.
    case rawBlocks
    /// Every block was read, decoded and written; `reason` says why the input was not copied.
    case rewritten(reason: String)

    /// The report's word: `input_copied`, `raw_blocks` or `rewritten`.
    public var name: String {
        switch self {
        case .inputCopied: return "input_copied"
        case .rawBlocks: return "raw_blocks"
        case .rewritten: return "rewritten"
        }
    }

    public var description: String {
        switch self {
        case .inputCopied: return "input file copied, selected blocks rewritten"
        case .rawBlocks: return "unselected blocks copied encoded, selected blocks encoded by the workers"
        case let .rewritten(reason): return "every block rewritten (\(reason))"
        }
    }
}

extension Engine {
    /// Compressions whose blocks GDAL rewrites in an existing file exactly as it writes them
    /// in a new one (LERC's error bound and JPEG/WEBP's quality are not recorded in the file).
    static let copyableCompressions: Set<String> = ["NONE", "LZW", "DEFLATE", "PACKBITS", "ZSTD", "LZMA"]
    /// Above this estimated fraction of active chunks, copying the input costs more than
    /// writing the pass-through blocks (and, compressed, rewritten blocks that grow are appended).
    static let copyCoverageLimit = 0.5
    /// Chunks read to estimate the selection's coverage.
    static let coverageSamples = 64

    /// Copies the input's encoded blocks one by one when its layout allows it and the workers
    /// encode its codec (`rawBlockObstacle`), whatever the selection; else copies the input
    /// file when the selection, sampled, leaves most chunks alone; otherwise every block is
    /// rewritten.
    static func choosePassThrough(_ options: ApplyOptions, layout: RasterLayout, profile: OutputProfile,
                                  selection: Selection, cancellation: Cancellation,
                                  input: borrowing Dataset) throws -> PassThrough {
        if let obstacle = layoutObstacle(options, layout: layout, profile: profile, input: input) {
            return .rewritten(reason: obstacle)
        }
        if rawBlockObstacle(options, layout: layout) == nil { return .rawBlocks }
        if let obstacle = wholeFileCopyObstacle(options, layout: layout, profile: profile, input: input) {
            return .rewritten(reason: obstacle)
        }
        // A partition's file is a rectangle of the input's: it cannot start as a copy of it.
        if options.partition != nil { return .rewritten(reason: "a partition is written") }
        // With a copy, the output's blocks are the input's: this is the run's plan.
        let plan = TilePlan(width: layout.width, height: layout.height, blockWidth: layout.blockWidth,
                            blockHeight: layout.blockHeight, tileSize: options.tileSize)
        let coverage = try sampledCoverage(selection, plan: plan)
        if coverage > copyCoverageLimit {
            return .rewritten(reason: "the selection reaches about \(Int((coverage * 100).rounded())) % of the chunks")
        }
        return .inputCopied
    }

    /// Why the output's blocks cannot be the input's blocks, or `nil` when they can: the
    /// output must be the very GeoTIFF the rewriting path would make, block for block. Both
    /// the raw-block path and the whole-file copy need this; overviews, a COG layout and
    /// sidecar files matter only to the copy (`wholeFileCopyObstacle`), since the raw-block
    /// path reads the full-resolution blocks where GDAL says they are, into a new file.
    static func layoutObstacle(_ options: ApplyOptions, layout: RasterLayout, profile: OutputProfile,
                               input: borrowing Dataset) -> String? {
        if options.noInputCopy { return "--no-input-copy" }
        if options.format != .gtiff { return "the output format is \(options.format.rawValue)" }
        if !options.creationOptions.isEmpty { return "-co was given" }
        if layout.bandTypes.contains(where: { $0 != profile.dataType }) {
            return "the output type differs from the input's"
        }
        if input.driverName != "GTiff" { return "the input is not a GeoTIFF" }
        if options.input.hasPrefix("/vsi") { return "the input is a GDAL virtual file" }
        if !layout.isTiled { return "the input is not tiled" }
        let compression = (layout.imageStructure["COMPRESSION"] ?? "NONE").uppercased()
        if !copyableCompressions.contains(compression) { return "the input's compression is \(compression)" }
        if layout.imageStructure["NBITS"] != nil { return "the input has NBITS" }
        if layout.maskFlags.contains(where: { $0 == .perDataset }) { return "the input has a mask band" }
        var st = stat()
        guard stat(options.input, &st) == 0,
              (st.st_mode & S_IFMT) == S_IFREG else { return "the input is not a regular file" }
        return nil
    }

    /// Why the output cannot start as a byte copy of the whole input file, once
    /// `layoutObstacle` found the layouts equal: the copy would carry the input's overviews,
    /// COG layout and sidecars, and its rewritten blocks that grow are appended.
    static func wholeFileCopyObstacle(_ options: ApplyOptions, layout: RasterLayout, profile: OutputProfile,
                                      input: borrowing Dataset) -> String? {
        if input.fileList.count != 1 { return "the input has sidecar files" }
        if layout.imageStructure["LAYOUT"]?.uppercased() == "COG" {
            return "the input is a COG (rewriting blocks would break its layout)"
        }
        if (try? input.withBand(1) { $0.overviewCount }) ?? 1 > 0 { return "the input has overviews" }
        let compression = (layout.imageStructure["COMPRESSION"] ?? "NONE").uppercased()
        var st = stat()
        guard stat(options.input, &st) == 0 else { return "the input is not a regular file" }
        // A classic TIFF must not pass 4 GiB when rewritten blocks that grow are appended.
        if compression != "NONE" && !isBigTIFF(options.input) {
            let worst = Double(st.st_size)
                + Double(layout.width * layout.height * layout.bandCount * profile.dataType.byteSize) * 1.01
            if worst + Double(16 << 20) >= Double(UInt64(1) << 32) {
                return "the input is a classic TIFF that could pass 4 GiB"
            }
        }
        return nil
    }

    /// Whether the TIFF at `path` is a BigTIFF (version 43 in its header).
    static func isBigTIFF(_ path: String) -> Bool {
        guard let bytes = FileBytes.prefix(path, limit: 4), bytes.count == 4 else { return false }
        return bytes[0] == 0x49 ? bytes[2] == 43 : bytes[3] == 43
    }

    /// The fraction of chunks with selected pixels, estimated from up to `coverageSamples`
    /// chunks spread evenly over the raster (reading only their selection sources).
    static func sampledCoverage(_ selection: Selection, plan: TilePlan) throws -> Double {
        guard selection.selects else { return 1 }
        let plane = try SelectionPlane(selection, meter: Meter())
        let n = plan.chunkCount, samples = min(n, coverageSamples)
        var active = 0
        for k in 0..<samples {
            if try plane.read(plan.chunk(k * n / samples + (n / samples) / 2), { !$1 }) { active += 1 }
        }
        return Double(active) / Double(samples)
    }
}
