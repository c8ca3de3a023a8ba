#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
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
    /// The pixels the run computes and writes: the whole raster, or its partition (`--partition`).
    let region: Window
    /// What a partition's file records of the run; `nil` for a whole run.
    let partitionTag: PartitionTag?

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
        let layout = try RasterLayout(opened, path: options.input, filteredBands: filtered,
                                      classesAllowed: options.method == .mode)
        for b in filtered {
            do { try options.method.check(sample: layout.samples[b - 1]) } catch {
                throw EngineError.badOption("--method: \(error.description) (band \(b) of \(options.input) is "
                                            + "\(layout.bandTypes[b - 1].name))")
            }
        }
        let selection = try Selection(options, input: opened, layout: layout)
        let decided: (profile: OutputProfile, cog: [String]?, passThrough: PassThrough, region: Window,
                      tag: PartitionTag?)
        do {
            let (profile, cog) = try Engine.outputProfile(options, layout: layout)
            let passThrough = try Engine.choosePassThrough(options, layout: layout, profile: profile,
                                                           selection: selection,
                                                           cancellation: cancellation, input: opened)
            var region = Window(width: layout.width, height: layout.height), tag: PartitionTag? = nil
            if let choice = options.partition {
                try PreparedRun.checkPartition(options, input: opened)
                let block = PreparedRun.profileBlock(profile, layout: layout)
                region = try RunPartitions(count: choice.count, selection: selection,
                                           block: block).windows[choice.index]
                let run = PreparedRun.runDigest(options, profile: profile, layout: layout, block: block)
                tag = PartitionTag(run: run, index: choice.index, count: choice.count, window: region,
                                   rasterWidth: layout.width, rasterHeight: layout.height,
                                   creationOptions: profile.creationOptions)
            }
            decided = (profile, cog, passThrough, region, tag)
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
        region = decided.region
        partitionTag = decided.tag
        operation = options.operation
    }

    deinit { selection.removeTemporaries() }

    /// Whether the output starts as a copy of the input.
    var copiesInput: Bool { passThrough == .inputCopied }

    /// How the output's blocks will be written.
    var blockWrites: BlockWrites {
        if passThrough == .rawBlocks { return .appended }
        return BlockWrites.planned(profile: profile, copiesInput: copiesInput,
                                   bands: layout.bandCount)
    }

    /// The output's block size as the profile sets it (the input's when the input is copied).
    var plannedBlock: (width: Int, height: Int) {
        copiesInput ? (layout.blockWidth, layout.blockHeight) : PreparedRun.profileBlock(profile, layout: layout)
    }

    /// The block size `profile` gives a new GeoTIFF of `layout`'s size.
    static func profileBlock(_ profile: OutputProfile, layout: RasterLayout) -> (width: Int, height: Int) {
        let tiled = profile.option("TILED") != "NO"
        let bw = tiled ? Int(profile.option("BLOCKXSIZE") ?? "256") ?? 256 : layout.width
        let bh = Int(profile.option("BLOCKYSIZE") ?? (tiled ? "256" : "1")) ?? 256
        return (bw, bh)
    }

    /// The run's plan over output blocks of `block`: of the whole raster, or of the partition.
    func plan(block: (width: Int, height: Int)) -> TilePlan {
        TilePlan(region: region, blockWidth: block.width, blockHeight: block.height, tileSize: options.tileSize)
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

extension PreparedRun {
    /// Refuses what a partition cannot be: a COG (the mosaic makes it), a quick look (the
    /// mosaic's is drawn with `geokernel preview`), an input without a geotransform (the part
    /// could not be placed).
    static func checkPartition(_ options: ApplyOptions, input: borrowing Dataset) throws(EngineError) {
        if options.format == .cog {
            throw .badOption("-of COG cannot be combined with --partition: write the parts as GTiff and make the COG "
                             + "with geokernel mosaic -of COG")
        }
        if options.preview != nil {
            throw .badOption("--preview cannot be combined with --partition: draw the mosaic's with geokernel preview")
        }
        if input.geoTransform == nil {
            throw .badOption("--partition needs an input with a geotransform (\(options.input) has none): "
                             + "the parts could not be placed in the mosaic")
        }
    }

    /// The digest of the whole run a partition belongs to: its fingerprint without
    /// `--partition`, over the whole raster's plan, the same in every part.
    static func runDigest(_ options: ApplyOptions, profile: OutputProfile, layout: RasterLayout,
                          block: (width: Int, height: Int)) -> String {
        var whole = options
        whole.partition = nil
        let plan = TilePlan(width: layout.width, height: layout.height, blockWidth: block.width,
                            blockHeight: block.height, tileSize: options.tileSize)
        return RunFingerprint(whole, facts: .init(profile: profile, cogOptions: nil, plan: plan,
                                                  inputCopied: false)).digest
    }
}
