import Dispatch
import Foundation
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
    public var kernelWidth: Int, kernelHeight: Int, kernelSeparable: Bool
    /// How blocks without selected pixels would reach the output (see `PassThrough`).
    public var passThrough: String
    /// How the output's blocks would be written (see `BlockWrites`).
    public var blockWrites: String
    /// What a `--resume` checkpoint of this run would record (see `RunFingerprint`), and its digest.
    public var fingerprint: [RunFingerprint.Entry]
    public var fingerprintDigest: String

    /// The lines `geokernel plan` prints.
    public var text: String {
        func mib(_ b: Int) -> String { String(format: "%.1f MiB", Double(b) / 1_048_576) }
        return """
        Input: \(input) (\(width)x\(height), \(bands) band\(bands == 1 ? "" : "s"), \(inputType))
        Output: \(outputType), blocks \(blockWidth)x\(blockHeight), \(bigTIFF ? "BigTIFF" : "classic TIFF"); \(creationOptions.joined(separator: " "))
        Kernel: \(kernelWidth)x\(kernelHeight)\(kernelSeparable ? ", separable" : "")
        Tiling: \(chunks) chunks of \(chunkWidth)x\(chunkHeight), tiles of \(tileWidth)x\(tileHeight), \(threads) thread\(threads == 1 ? "" : "s")
        Tiles: \(tilesTotal) in all, \(tilesVisited) convolved, \(tilesSkipped) copied through; \(pixelsSelected) pixels selected
        Bytes: \(mib(bytesToRead)) to read, \(mib(bytesToWrite)) to write (uncompressed)
        Pass-through: \(passThrough)
        Block writes: \(blockWrites)
        Memory: at most about \(mib(memoryBound))
        Fingerprint: \(fingerprintDigest) (\(fingerprint.count) entries; --json lists them)
        """
    }
}

extension Engine {
    /// A dry run: checks everything `apply` would check (OUTPUT aside), reads the selection
    /// sources chunk by chunk, and reports the plan. Writes nothing.
    /// - Throws: `EngineError`, as `apply` would for the same input and options.
    public static func plan(_ options: ApplyOptions) throws(EngineError) -> PlanReport {
        try mappingErrors(options, "planning") { try makePlan(options) }
    }

    private static func makePlan(_ options: ApplyOptions) throws -> PlanReport {
        GDALRuntime.ensureReady()
        try options.checkBounds()
        let input = try gdal(options.input, "opening") { try Dataset.open(options.input) }
        let filtered = try bandList(options.bands, count: input.bandCount)
        let layout = try RasterLayout(input, path: options.input, filteredBands: filtered)
        let selection = try PreparedSelection(options, input: input, layout: layout)
        defer { selection.removeTemporaries() }
        let (profile, cogOptions) = try outputProfile(options, layout: layout)
        let passThrough = try choosePassThrough(options, layout: layout, profile: profile, selection: selection,
                                                filtered: filtered, cancellation: Cancellation(), input: input)
        let tiled = profile.option("TILED") != "NO"
        let bw = tiled ? Int(profile.option("BLOCKXSIZE") ?? "256") ?? 256 : layout.width
        let bh = Int(profile.option("BLOCKYSIZE") ?? (tiled ? "256" : "1")) ?? 256
        let plan = TilePlan(width: layout.width, height: layout.height, blockWidth: bw, blockHeight: bh, tileSize: options.tileSize)
        let threads = max(1, min(options.threads ?? ProcessInfo.processInfo.activeProcessorCount, plan.chunkCount))
        let job = Job(options, layout: layout, plan: plan, selection: selection, filtered: filtered, outputType: profile.dataType,
                      nanValues: Array(repeating: 0, count: layout.bandCount), cancellation: Cancellation())
        let worker = try TileWorker(job: job)
        var stats = RunStats()
        let h = options.kernel.halo, rs = layout.readType.byteSize
        for i in 0..<plan.chunkCount { stats.add(try worker.survey(i)) }
        var bytesToRead = layout.width * layout.height * layout.bandCount * rs
        // Visited tiles also read their halo for the filtered bands (an upper bound: the
        // raster's border trims it).
        let tile = Window(width: plan.tileWidth, height: plan.tileHeight)
        bytesToRead += stats.tilesConvolved * (tile.padded(by: h).area - tile.area) * filtered.count * rs
        let os = profile.dataType.byteSize
        let padded = tile.padded(by: h).area
        let chunkBytes = plan.chunkWidth * plan.chunkHeight * layout.bandCount * os
        let perWorker = padded * (8 + 8 + 1 + filtered.count * rs) + tile.area * (8 + 8 + 1) + plan.chunkWidth * plan.chunkHeight * 9 + chunkBytes
        let writes = BlockWrites.planned(profile: profile, cog: cogOptions != nil, copiesInput: passThrough == .inputCopied, bands: layout.bandCount)
        // Staging: the worker's own through GDAL; the write queue's pool (a buffer per worker plus the lanes) in place.
        let staging = (writes == .gdal ? threads : threads + ChunkWriter.writeLanes) * chunkBytes
        let cache = ProcessInfo.processInfo.environment["GDAL_CACHEMAX"] == nil ? Engine.defaultCacheBytes : Int(GDALRuntime.cacheMax)
        let fingerprint = RunFingerprint(options, facts: .init(profile: profile, cogOptions: cogOptions, plan: plan,
                                                               inputCopied: passThrough == .inputCopied))
        return PlanReport(input: options.input, width: layout.width, height: layout.height, bands: layout.bandCount,
                          inputType: layout.readType.name, outputType: profile.dataType.name,
                          creationOptions: cogOptions ?? profile.creationOptions,
                          blockWidth: bw, blockHeight: bh, chunkWidth: plan.chunkWidth, chunkHeight: plan.chunkHeight,
                          chunks: plan.chunkCount, tileWidth: plan.tileWidth, tileHeight: plan.tileHeight,
                          tilesTotal: stats.tilesTotal, tilesVisited: stats.tilesConvolved, tilesSkipped: stats.tilesSkipped,
                          pixelsSelected: stats.pixelsSelected, bytesToRead: bytesToRead,
                          bytesToWrite: layout.width * layout.height * layout.bandCount * os,
                          memoryBound: cache + 2 * BlockCache.defaultBudgetBytes + threads * perWorker + staging + Engine.baseMemoryBytes,
                          threads: threads, bigTIFF: profile.isBigTIFF,
                          kernelWidth: options.kernel.width, kernelHeight: options.kernel.height,
                          kernelSeparable: options.kernel.isSeparable, passThrough: passThrough.description,
                          blockWrites: writes.planDescription,
                          fingerprint: fingerprint.entries, fingerprintDigest: fingerprint.digest)
    }
}
