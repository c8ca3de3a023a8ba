import Dispatch
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GDALKit
import RasterKernels
import RasterTiling

/// What `geokernel plan` reports: the tiling, what would be read and written, the memory
/// bound and the BigTIFF decision, from the metadata and the selection sources only.
/// Thread safety: a plain value, `Sendable`.
public struct PlanReport: Sendable, Codable {
    public var input: String
    public var width: Int, height: Int, bands: Int
    public var inputType: String, outputType: String
    public var creationOptions: [String]
    /// Output blocks, chunks (the write unit) and tiles (the read-and-convolve unit).
    public var blockWidth: Int, blockHeight: Int
    public var chunkWidth: Int, chunkHeight: Int, chunks: Int
    public var tileWidth: Int, tileHeight: Int
    /// Tiles in all, tiles that would be convolved, tiles copied through.
    public var tilesTotal: Int, tilesVisited: Int, tilesSkipped: Int
    public var pixelsSelected: Int
    /// Input bytes the run would decode (visited tiles with their halo, the others without)
    /// and output bytes before compression.
    public var bytesToRead: Int, bytesToWrite: Int
    /// Peak memory the run stays under, in bytes (see Docs/architecture.md).
    public var memoryBound: Int
    public var threads: Int
    public var bigTIFF: Bool
    /// The operation (`convolve, 3x3 kernel (sum 1.0)`, `median, footprint disk:2 (5x5, 13 pixels)`)
    /// and how far it reads past a tile (left, top, right, bottom).
    public var operation: String
    public var halo: [Int]
    /// The convolution kernel's size (0 for footprint methods) and whether it is separable.
    public var kernelWidth: Int, kernelHeight: Int, kernelSeparable: Bool
    /// What a kernel sized in ground units (`gaussian:30m`) became in pixels; `nil` otherwise.
    public var kernelGroundSize: GroundKernelSize?
    /// How blocks without selected pixels would reach the output (see `PassThrough`).
    public var passThrough: String
    /// How the output's blocks would be written (see `BlockWrites`).
    public var blockWrites: String
    /// The quick look `--preview` would write, if any.
    public var preview: String? = nil
    /// What a `--resume` checkpoint of this run would record (see `RunFingerprint`), and its digest.
    public var fingerprint: [RunFingerprint.Entry]
    public var fingerprintDigest: String
    /// With `--partitions N`: the digest every part of the run carries (`PartitionTag.run`),
    /// and the partitions `apply --partition I/N` would compute.
    public var runDigest: String? = nil
    public var partitions: [PartitionPlan]? = nil

    /// One line per partition, after a header line (empty without `--partitions`).
    var partitionLines: String {
        guard let partitions, let runDigest else { return "" }
        return "\nPartitions: \(partitions.count) of run \(runDigest) (apply --partition I/\(partitions.count))"
            + partitions.map { p in
                "\n  \(p.index): \(p.window.width)x\(p.window.height)+\(p.window.x)+\(p.window.y), "
                    + "\(p.selectedChunks) of \(p.chunks) chunks selected"
            }.joined()
    }

    /// The lines `geokernel plan` prints.
    public var text: String {
        func mib(_ b: Int) -> String { cFormat("%.1f MiB", Double(b) / 1_048_576) }
        let groundText = kernelGroundSize.map { " (\($0))" } ?? ""
        let tiff = bigTIFF ? "BigTIFF" : "classic TIFF", separable = kernelSeparable ? ", separable" : ""
        let threadText = "\(threads) thread\(threads == 1 ? "" : "s")"
        return """
        Input: \(input) (\(width)x\(height), \(bands) band\(bands == 1 ? "" : "s"), \(inputType))
        Output: \(outputType), blocks \(blockWidth)x\(blockHeight), \(tiff); \(creationOptions.joined(separator: " "))
        Operation: \(operation)\(separable)\(groundText); halo \(halo.map(String.init).joined(separator: ","))
        Tiling: \(chunks) chunks of \(chunkWidth)x\(chunkHeight), tiles of \(tileWidth)x\(tileHeight), \(threadText)
        Tiles: \(tilesTotal) in all, \(tilesVisited) convolved, \(tilesSkipped) copied through; \(pixelsSelected) \
        pixels selected
        Bytes: \(mib(bytesToRead)) to read, \(mib(bytesToWrite)) to write (uncompressed)
        Pass-through: \(passThrough)
        Block writes: \(blockWrites)
        Memory: at most about \(mib(memoryBound))
        Fingerprint: \(fingerprintDigest) (\(fingerprint.count) entries; --json lists them)
        """ + (preview.map { "\nPreview: \($0)" } ?? "") + partitionLines
    }
}

extension Engine {
    /// A dry run: checks everything `apply` would check (OUTPUT aside), reads the selection
    /// sources chunk by chunk, and reports the plan. Writes nothing.
    /// - Throws: `EngineError`, as `apply` would for the same input and options.
    /// - Parameter partitions: also cut the run into this many partitions and list them.
    public static func plan(_ options: ApplyOptions, partitions: Int? = nil) throws(EngineError) -> PlanReport {
        try mappingErrors(options, "planning") {
            if let n = partitions { _ = try PartitionChoice(parsing: "0/\(n)") }   // the same bounds as --partition
            // One prepared run and one selection plane for the plan and its partitions.
            let input = try PreparedRun.open(options)
            let run = try PreparedRun(options, input: input, cancellation: Cancellation())
            let plane = try SelectionPlane(run.selection, meter: Meter())
            var report = try makePlan(run, plane: plane)
            if let n = partitions {
                try PreparedRun.checkPartition(run.options, input: input)
                try addPartitions(n, run, plane: plane, geoTransform: input.geoTransform, to: &report)
            }
            return report
        }
    }

    private static func makePlan(_ run: borrowing PreparedRun, plane: SelectionPlane) throws -> PlanReport {
        let options = run.options   // as run: a kernel in ground units resolved
        try options.preview?.check(notAnyOf: [options.input])
        let layout = run.layout, profile = run.profile, filtered = run.filtered
        let block = run.plannedBlock
        let plan = run.plan(block: block)
        let threads = run.threads(for: plan)
        var stats = RunStats()
        for i in 0..<plan.chunkCount { stats.add(try plane.survey(i, plan: plan)) }
        let h = run.operation.halo, rs = layout.readType.byteSize
        var bytesToRead = layout.width * layout.height * layout.bandCount * rs
        // Visited tiles also read their halo for the filtered bands (an upper bound: the
        // raster's border trims it).
        let tile = Window(width: plan.tileWidth, height: plan.tileHeight)
        bytesToRead += stats.tilesConvolved * (tile.padded(by: h).area - tile.area) * filtered.count * rs
        let os = profile.dataType.byteSize
        let padded = tile.padded(by: h).area
        let chunkBytes = plan.chunkWidth * plan.chunkHeight * layout.bandCount * os
        // Per pixel: padded values, decoded rows, validity, the box's flags, gathered input; result, row pass, chosen,
        // the box's chosen flags.
        let perWorker = padded * (8 + 8 + 1 + 1 + filtered.count * rs) + tile.area * (8 + 8 + 1 + 1)
            + plan.chunkWidth * plan.chunkHeight * 9 + chunkBytes + run.operation.workspaceBytes(tile: tile)
        let writes = run.blockWrites
        // Staging: the worker's own through GDAL; the write queue's pool (a buffer per worker plus the lanes) in place.
        let staging = Engine.stagingBound(writes, threads: threads, chunkBytes: chunkBytes, layout: layout)
            + (run.cogOptions != nil ? Engine.cogCopyBytes : 0)
        let cache = ProcessInfo.processInfo.environment["GDAL_CACHEMAX"] == nil ? Engine.defaultCacheBytes
            : Int(GDALRuntime.cacheMax)
        let kernel = options.kernel
        let memoryBound = cache + 2 * BlockCache.defaultBudgetBytes + threads * perWorker + staging
            + Engine.baseMemoryBytes
        let bytesToWrite = layout.width * layout.height * layout.bandCount * os
        let kernelSize = (width: kernel?.width ?? 0, height: kernel?.height ?? 0,
                          separable: kernel?.isSeparable ?? false)
        let fingerprint = RunFingerprint(options, facts: .init(profile: profile, cogOptions: run.cogOptions, plan: plan,
                                                               inputCopied: run.copiesInput))
        return PlanReport(input: options.input, width: layout.width, height: layout.height, bands: layout.bandCount,
                          inputType: layout.readType.name, outputType: profile.dataType.name,
                          creationOptions: run.cogOptions ?? profile.creationOptions,
                          blockWidth: block.width, blockHeight: block.height, chunkWidth: plan.chunkWidth,
                          chunkHeight: plan.chunkHeight, chunks: plan.chunkCount,
                          tileWidth: plan.tileWidth, tileHeight: plan.tileHeight,
                          tilesTotal: stats.tilesTotal, tilesVisited: stats.tilesConvolved,
                          tilesSkipped: stats.tilesSkipped,
                          pixelsSelected: stats.pixelsSelected, bytesToRead: bytesToRead,
                          bytesToWrite: bytesToWrite, memoryBound: memoryBound,
                          threads: threads, bigTIFF: profile.isBigTIFF,
                          operation: options.operationSummary, halo: [h.left, h.top, h.right, h.bottom],
                          kernelWidth: kernelSize.width, kernelHeight: kernelSize.height,
                          kernelSeparable: kernelSize.separable, kernelGroundSize: options.groundKernelSize,
                          passThrough: run.passThrough.description,
                          blockWrites: writes.planDescription, preview: options.preview?.path,
                          fingerprint: fingerprint.entries, fingerprintDigest: fingerprint.digest)
    }

    /// Lists the `count` partitions of the run (what `apply --partition I/N` computes for each I)
    /// and the digest their files carry.
    private static func addPartitions(_ count: Int, _ run: borrowing PreparedRun, plane: SelectionPlane,
                                      geoTransform gt: GeoTransform?, to report: inout PlanReport) throws {
        let options = run.options
        let block = PreparedRun.profileBlock(run.profile, layout: run.layout)
        let cut = try RunPartitions(count: count, selection: run.selection, block: block, plane: plane)
        let layout = run.layout, h = run.operation.halo
        let rs = layout.readType.byteSize, os = run.profile.dataType.byteSize
        report.runDigest = PreparedRun.runDigest(run.options, profile: run.profile, layout: layout, block: block)
        report.partitions = try cut.windows.enumerated().map { i, w in
            let plan = TilePlan(region: w, blockWidth: block.width, blockHeight: block.height,
                                tileSize: options.tileSize)
            var selected = 0, convolved = 0
            for c in 0..<plan.chunkCount {
                let stats = try plane.survey(c, plan: plan)
                if stats.tilesConvolved > 0 { selected += 1 }
                convolved += stats.tilesConvolved
            }
            let tile = Window(width: plan.tileWidth, height: plan.tileHeight)
            let halo = convolved * (tile.padded(by: h).area - tile.area) * run.filtered.count * rs
            var bounds: [Double] = []
            if let gt {
                let corners = [(w.x, w.y), (w.maxX, w.y), (w.x, w.maxY), (w.maxX, w.maxY)].map {
                    gt.apply(Double($0.0), Double($0.1))
                }
                bounds = [corners.map(\.x).min()!, corners.map(\.y).min()!, corners.map(\.x).max()!,
                          corners.map(\.y).max()!]
            }
            return PartitionPlan(index: i, window: .init(w), bounds: bounds, chunks: plan.chunkCount,
                                 selectedChunks: selected, bytesToRead: w.area * layout.bandCount * rs + halo,
                                 bytesToWrite: w.area * layout.bandCount * os)
        }
    }
}

/// One partition of a run as `plan --partitions N` lists it. Thread safety: a plain value.
public struct PartitionPlan: Sendable, Codable {
    /// A pixel window of the full raster.
    public struct PixelWindow: Sendable, Codable {
        public var x: Int, y: Int, width: Int, height: Int
        init(_ w: Window) { x = w.x; y = w.y; width = w.width; height = w.height }
    }
    public var index: Int
    public var window: PixelWindow
    /// `[xmin, ymin, xmax, ymax]` in the input's CRS.
    public var bounds: [Double]
    /// The partition's chunks, and those holding a selected pixel.
    public var chunks: Int, selectedChunks: Int
    /// Input bytes it decodes (halo re-reads included) and output bytes before compression.
    public var bytesToRead: Int, bytesToWrite: Int
}
