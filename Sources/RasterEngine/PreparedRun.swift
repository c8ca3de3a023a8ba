import Foundation
import GDALKit
import RasterKernels
import RasterTiling

/// What `apply` and `plan` decide before any pixel is read, decided once for both: the options
/// checked, the input opened and described, the selection sources prepared, the output's
/// profile, the operation, and whether the output starts as a copy of the input. Removes the
/// selection's temporaries when it ends. Thread safety: owned by the main thread (it holds
/// the main thread's input handle); its plain values are copied into the `Job`.
struct PreparedRun: ~Copyable {
    let options: ApplyOptions
    /// The filtered bands, ascending.
    let filtered: [Int]
    let layout: RasterLayout
    let selection: Selection
    /// The GeoTIFF the engine writes and, with `-of COG`, the COG driver's options for the final copy.
    let profile: OutputProfile
    let cogOptions: [String]?
    let operation: any TileOperation
    let passThrough: PassThrough

    /// Checks the options and opens the input on the calling thread, for `init`.
    static func open(_ options: ApplyOptions) throws -> Dataset {
        GDALRuntime.ensureReady()
        if ProcessInfo.processInfo.environment["GDAL_CACHEMAX"] == nil {
            GDALRuntime.cacheMax = Int64(Engine.defaultCacheBytes)   // masks and --where; bounded whatever the raster
        }
        try options.checkBounds()
        return try gdal(options.input, "opening") { try Dataset.open(options.input) }
    }

    /// Prepares `options` on their input, opened by `open`.
    /// - Throws: `EngineError`, one line naming the file, for anything `apply` would refuse
    ///   before it starts (OUTPUT aside).
    init(_ given: ApplyOptions, input opened: borrowing Dataset, cancellation: Cancellation) throws {
        let options = try given.resolvingGroundUnits(input: opened)   // gaussian:30m becomes pixels here
        let filtered = try Engine.bandList(options.bands, count: opened.bandCount)
        let layout = try RasterLayout(opened, path: options.input, filteredBands: filtered)
        for b in filtered {
            do { try options.method.check(sample: layout.samples[b - 1]) } catch {
                throw EngineError.badOption("--method: \(error.description) (band \(b) of \(options.input) is \(layout.bandTypes[b - 1].name))")
            }
        }
        let selection = try Selection(options, input: opened, layout: layout)
        let decided: (profile: OutputProfile, cog: [String]?, passThrough: PassThrough)
        do {
            let (profile, cog) = try Engine.outputProfile(options, layout: layout)
            let passThrough = try Engine.choosePassThrough(options, layout: layout, profile: profile, selection: selection,
                                                           cancellation: cancellation, input: opened)
            decided = (profile, cog, passThrough)
        } catch {
            selection.removeTemporaries()
            throw error
        }
        self.options = options
        self.filtered = filtered
        self.layout = layout
        self.selection = selection
        profile = decided.profile
        cogOptions = decided.cog
        passThrough = decided.passThrough
        operation = options.operation
    }

    deinit { selection.removeTemporaries() }

    /// Whether the output starts as a copy of the input.
    var copiesInput: Bool { passThrough == .inputCopied }

    /// How the output's blocks will be written.
    var blockWrites: BlockWrites {
        if passThrough == .rawBlocks { return .appended }
        return BlockWrites.planned(profile: profile, cog: cogOptions != nil, copiesInput: copiesInput,
                                   bands: layout.bandCount)
    }

    /// The output's block size as the profile sets it (the input's when the input is copied).
    var plannedBlock: (width: Int, height: Int) {
        if copiesInput { return (layout.blockWidth, layout.blockHeight) }
        let tiled = profile.option("TILED") != "NO"
        let bw = tiled ? Int(profile.option("BLOCKXSIZE") ?? "256") ?? 256 : layout.width
        let bh = Int(profile.option("BLOCKYSIZE") ?? (tiled ? "256" : "1")) ?? 256
        return (bw, bh)
    }

    /// The run's plan over output blocks of `block`.
    func plan(block: (width: Int, height: Int)) -> TilePlan {
        TilePlan(width: layout.width, height: layout.height, blockWidth: block.width, blockHeight: block.height,
                 tileSize: options.tileSize)
    }

    /// Worker threads: `--threads` or every core, no more than there are chunks.
    func threads(for plan: TilePlan) -> Int {
        max(1, min(options.threads ?? ProcessInfo.processInfo.activeProcessorCount, plan.chunkCount))
    }

    /// The shared block cache's budget (`GEOKERNEL_BLOCK_CACHE_MB`, else the default).
    var blockCacheBudget: Int {
        if let text = ProcessInfo.processInfo.environment["GEOKERNEL_BLOCK_CACHE_MB"], let mib = Double(text),
           mib >= 0, mib < 1e6 {
            return Int(mib * 1_048_576)
        }
        return BlockCache.defaultBudgetBytes
    }

    /// The job every worker shares.
    func job(plan: TilePlan, nanValues: [Double], cancellation: Cancellation, blocks: BlockCache?,
             preview: PreviewCanvas? = nil) -> Job {
        Job(options, layout: layout, plan: plan, selection: selection, filtered: filtered, halo: operation.halo,
            outputType: profile.dataType, nanValues: nanValues, cancellation: cancellation, copiesInput: copiesInput,
            blocks: blocks, preview: preview)
    }
}
