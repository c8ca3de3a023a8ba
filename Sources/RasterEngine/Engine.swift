import Dispatch
import Foundation
import GDALKit
import RasterKernels
import RasterTiling
import Synchronization

/// What a finished `apply` run did. Thread safety: a plain value, `Sendable`.
public struct ApplyReport: Sendable {
    /// OUTPUT as given.
    public var output: String
    /// Raster size and bands.
    public var width: Int, height: Int, bandCount: Int
    /// The pixel type written.
    public var outputType: RasterDataType
    /// The input bands' types.
    public var inputTypes: [RasterDataType]
    /// The creation options used.
    public var creationOptions: [String]
    /// Number of chunks in the plan.
    public var chunks: Int
    /// Chunks found done in a checkpoint and not computed again (`--resume`).
    public var chunksResumed: Int
    /// OUTPUT's size on disk.
    public var bytesWritten: Int
    /// The process's peak resident memory (`getrusage`), in bytes.
    public var peakMemoryBytes: Int
    /// GDAL's checksum of each output band (when asked for), as `gdalinfo -checksum` prints.
    public var checksums: [Int]
    /// Worker threads used.
    public var threads: Int
    /// Whether the output began as a copy of the input.
    public var passThrough: PassThrough
    /// How the output's blocks were written.
    public var blockWrites: BlockWrites
    /// Input blocks decoded (each band of a block counts once per block), and the distinct
    /// blocks the tiles read: equal when no block was decoded twice.
    public var blocksDecoded: Int, blocksNeeded: Int
    /// Tile and pixel counts.
    public var stats: RunStats
    /// Wall time of the run.
    public var seconds: Double
}

/// The engine: open, plan, read tiles with their halo on worker threads, convolve,
/// composite, and let one writer write the output's blocks; then close and rename.
/// Thread safety: `apply` may be called from any thread; it owns every handle it opens.
public enum Engine {
    /// GDAL's block cache cap when `GDAL_CACHEMAX` is not set. Input blocks go through the
    /// engine's own `BlockCache`; GDAL's serves masks, `--where` and GDAL mask bands.
    public static let defaultCacheBytes = 96 << 20
    /// Code, libraries and GDAL's own state: the measured resident size of a run on a tiny raster.
    static let baseMemoryBytes = 64 << 20

    /// Runs `geokernel apply`.
    /// - Parameters:
    ///   - options: the parsed command line.
    ///   - cancellation: polled between tiles; a set flag stops the run and removes the temporary output.
    ///   - progress: called with the fraction done, from the writer's lock (keep it short).
    /// - Returns: counts for the report.
    /// - Throws: `EngineError`, with a one-line message naming the file (and tile).
    public static func apply(_ options: ApplyOptions, cancellation: Cancellation = Cancellation(),
                             progress: (@Sendable (Double) -> Void)? = nil) throws(EngineError) -> ApplyReport {
        try mappingErrors(options, "processing") { try run(options, cancellation: cancellation, progress: progress) }
    }

    /// Runs `body`, passing `EngineError`s through and giving any other error the input's name.
    static func mappingErrors<R>(_ options: ApplyOptions, _ context: String, _ body: () throws -> R) throws(EngineError) -> R {
        do {
            return try body()
        } catch where error is EngineError || error is GDALError {
            throw EngineError(wrapping: error, path: options.input, context: context)
        } catch {
            throw .badOption("\(error)")
        }
    }

    private static func run(_ options: ApplyOptions, cancellation: Cancellation,
                            progress: (@Sendable (Double) -> Void)?) throws -> ApplyReport {
        let start = DispatchTime.now()
        GDALRuntime.ensureReady()
        if ProcessInfo.processInfo.environment["GDAL_CACHEMAX"] == nil {
            GDALRuntime.cacheMax = Int64(defaultCacheBytes)   // halo re-reads come from here; bounded whatever the raster
        }
        try options.checkBounds()

        // Open: the input, checked once here; workers reopen it on their own threads.
        let input = try gdal(options.input, "opening") { try Dataset.open(options.input) }
        let filtered = try bandList(options.bands, count: input.bandCount)
        let layout = try RasterLayout(input, path: options.input, filteredBands: filtered)
        let selection = try PreparedSelection(options, input: input, layout: layout)
        defer { selection.removeTemporaries() }

        // The output: a temporary file beside OUTPUT, renamed at the end.
        let file = try OutputFile(options.output, inputs: [options.input] + (options.mask.map { [$0] } ?? []),
                                  overwrite: options.overwrite, resumable: options.resume)
        let (profile, cogOptions) = try outputProfile(options, layout: layout)
        let cog = cogOptions != nil
        var finished = false
        var keepPartial = false
        defer { if !finished && !keepPartial { file.discard() } }

        // With --resume and a checkpoint: reopen the partial output; otherwise create it, or
        // copy the input when most chunks pass through and the layouts match.
        var previous: Checkpoint? = nil
        if options.resume, let path = file.checkpointPath {
            do { previous = try Checkpoint.read(path, partial: file.temporaryPath) } catch {
                keepPartial = true
                throw error
            }
        }
        let resuming = previous != nil
        if !resuming { file.discard() }
        let passThrough = try choosePassThrough(options, layout: layout, profile: profile, selection: selection,
                                                filtered: filtered, cancellation: cancellation, input: input)
        let copying = passThrough == .inputCopied
        var output: Dataset? = nil
        // An uncompressed GeoTIFF's blocks are written in place by the engine's write threads
        // (BlockFile): GDAL only makes the file, with every block unwritten.
        let inPlace = BlockWrites.planned(profile: profile, cog: cog, copiesInput: copying, bands: layout.bandCount) != .gdal
        let block: (width: Int, height: Int)
        let nanValues: [Double]
        if copying && !resuming {
            block = (layout.blockWidth, layout.blockHeight)
            nanValues = layout.noData.map { $0 ?? 0 }
        } else {
            let opened = try openOutput(resuming: resuming, file: file, outputPath: options.output, layout: layout,
                                        profile: profile, input: input, blocksInPlace: inPlace)
            block = try opened.withBand(1) { $0.blockSize }
            nanValues = try (1...layout.bandCount).map { b in try opened.withBand(b) { $0.noDataValue } ?? 0 }
            if inPlace || resuming {   // a partial output is reopened for update once its checkpoint is checked
                do { try opened.close() } catch { throw EngineError.gdal(path: options.output, context: "creating", error) }
            } else {
                output = consume opened
            }
        }
        _ = consume input
        let copyTask = copying && !resuming ? BackgroundCopy(options.input, to: file.temporaryPath, cancellation: cancellation) : nil
        defer { copyTask?.stop() }   // before the temporary is discarded

        // Plan.
        let plan = TilePlan(width: layout.width, height: layout.height, blockWidth: block.width,
                            blockHeight: block.height, tileSize: options.tileSize)
        // With --resume: what this run is (RunFingerprint), checked against the checkpoint before any write.
        let facts = RunFingerprint.Facts(profile: profile, cogOptions: cogOptions, plan: plan, inputCopied: copying)
        let fingerprint = options.resume ? RunFingerprint(options, facts: facts) : nil
        if let previous, let fingerprint, let path = file.checkpointPath {
            do {
                try previous.check(fingerprint, output: options.output, path: path, plan: plan,
                                   partial: file.temporaryPath, bands: layout.bandCount, inPlace: inPlace,
                                   sparse: copying || profile.isSparse)
            } catch { keepPartial = true; throw error }
            if !inPlace {
                output = try gdal(file.temporaryPath, "reopening the partial output") {
                    try Dataset.open(file.temporaryPath, access: .update)
                }
            }
        }
        var blockFile: BlockFile? = nil
        if inPlace {
            blockFile = try BlockFile.open(file.temporaryPath, shownAs: options.output, plan: plan, bands: layout.bandCount,
                                           sampleBytes: profile.dataType.byteSize)
            if blockFile == nil {
                output = try gdal(file.temporaryPath, "reopening the output") { try Dataset.open(file.temporaryPath, access: .update) }
            }
        }
        var done: Set<Int> = []
        var checkpoint: ChunkWriter.CheckpointPolicy? = nil
        if let fingerprint, let path = file.checkpointPath {
            done = previous?.doneSet ?? []
            checkpoint = .init(path: path, partialPath: file.temporaryPath, fingerprint: fingerprint,
                               interval: .milliseconds(Int(max(0, options.checkpointSeconds) * 1000)))
        }
        let threads = max(1, min(options.threads ?? ProcessInfo.processInfo.activeProcessorCount, plan.chunkCount))
        var budget = BlockCache.defaultBudgetBytes
        if let text = ProcessInfo.processInfo.environment["GEOKERNEL_BLOCK_CACHE_MB"], let mib = Double(text), mib >= 0, mib < 1e6 {
            budget = Int(mib * 1_048_576)
        }
        let blocks = BlockCache(layout: layout, plan: plan, halo: options.kernel.halo, edge: options.edge, budget: budget)
        let job = Job(options, layout: layout, plan: plan, selection: selection, filtered: filtered,
                      outputType: profile.dataType, nanValues: nanValues, cancellation: cancellation, copiesInput: copying,
                      blocks: blocks)
        let partialPath = file.temporaryPath, shownPath = options.output
        var opener: (@Sendable () throws -> Dataset)? = nil
        if let copyTask {
            opener = { try openCopy(copyTask, partialPath, shownAs: shownPath) }
        }
        let writer = ChunkWriter(dataset: output, opener: opener, blockFile: blockFile, path: options.output, filePath: file.temporaryPath, plan: plan, bandCount: layout.bandCount,
                                 outputType: profile.dataType, done: done, checkpoint: checkpoint, progress: progress)

        // Schedule: each worker claims chunks in strip order (see BlockCache) and hands them to the writer.
        let stripChunks = blocks.stripChunks
        let next = Atomic<Int>(0)
        let failure = Guarded<EngineError?>(nil)
        let skip = done
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            do {
                let worker = try TileWorker(job: job)
                while cancellation.cancelledBy == 0 && failure.withLock({ $0 == nil }) {
                    let k = next.add(1, ordering: .relaxed).oldValue
                    if k >= plan.chunkCount { break }
                    let i = plan.chunkIndex(order: k, stripChunks: stripChunks)
                    if !skip.contains(i) { try worker.process(i, writer: writer) }
                    blocks.finished(chunk: i)
                }
            } catch {
                let e = EngineError(wrapping: error, path: options.input, context: "processing")
                failure.withLock { if $0 == nil { $0 = e } }
            }
        }
        var writeFailure: EngineError? = nil
        do { try writer.drain() } catch { writeFailure = error }
        let stopped = failure.withLock({ $0 }) ?? writeFailure
            ?? (cancellation.cancelledBy != 0 ? EngineError.interrupted(signal: cancellation.cancelledBy) : nil)
        if let stopped {
            if options.resume {
                // Keep what is on disk for a later --resume: flush it and record it.
                keepPartial = (try? writer.checkpointNow()) ?? false
            }
            throw stopped
        }

        guard writer.allChunksDone else {   // never an unfinished file at OUTPUT
            throw EngineError.badOption("\(options.output): internal error: not every chunk was written; "
                                        + "the output was not kept")
        }
        // A copy no block waited for must still be complete. Close (reports write errors),
        // then make it durable and put it in place.
        try copyTask?.wait()
        if let ds = writer.takeDataset() {
            do { try ds.close() } catch {
                throw WriteFailure.error(error, path: options.output, writing: file.temporaryPath, context: "closing")
            }
        }
        if cog {
            try makeCOG(from: file.temporaryPath, to: file.cogPath, options: cogOptions ?? [], output: options.output, cancellation: cancellation)
            try file.commit(from: file.cogPath)
            unlink(file.temporaryPath)
        } else {
            try file.commit()
        }
        finished = true
        var checksums: [Int] = []
        if options.checksums {
            let written = try gdal(options.output, "reopening for checksums") { try Dataset.open(options.output) }
            let rect = PixelRect(x: 0, y: 0, width: layout.width, height: layout.height)
            checksums = try (1...layout.bandCount).map { b in
                try gdal(options.output, "checksumming band \(b)") { try written.withBand(b) { try $0.checksum(rect) } }
            }
        }
        let decodes = blocks.counts
        var st = stat()
        let size = stat(options.output, &st) == 0 ? Int(st.st_size) : 0
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        return ApplyReport(output: options.output, width: layout.width, height: layout.height, bandCount: layout.bandCount,
                           outputType: profile.dataType, inputTypes: layout.bandTypes,
                           creationOptions: cogOptions ?? profile.creationOptions,
                           chunks: plan.chunkCount, chunksResumed: done.count, bytesWritten: size,
                           peakMemoryBytes: Int(usage.ru_maxrss) * 1024, checksums: checksums,
                           threads: threads, passThrough: passThrough, blockWrites: blockFile?.writes ?? .gdal,
                           blocksDecoded: decodes.decoded, blocksNeeded: decodes.needed,
                           stats: writer.stats, seconds: seconds)
    }

    /// The GeoTIFF the engine writes and, with `-of COG`, the COG driver's options for the final
    /// copy (the user's `-co` then go to the COG driver; the intermediate GeoTIFF takes the
    /// defaults). Both are checked against the drivers' option lists.
    static func outputProfile(_ options: ApplyOptions, layout: RasterLayout) throws(EngineError) -> (OutputProfile, cog: [String]?) {
        let cog = options.format == .cog
        let profile = OutputProfile(layout: layout, outputType: options.outputType, userOptions: cog ? [] : options.creationOptions)
        let cogOptions = cog ? profile.cogOptions(resampling: options.overviewResampling ?? "average", userOptions: options.creationOptions) : nil
        do {
            try Dataset.validateCreationOptions(profile.creationOptions)
            if let cogOptions { try Dataset.validateCreationOptions(cogOptions, driver: "COG") }
        } catch {
            throw .badOption("-co: \(error.message)")
        }
        if options.overviewResampling != nil && !cog { throw .badOption("--overviews needs -of COG") }
        return (profile, cogOptions)
    }

    /// Copies the finished GeoTIFF into a Cloud Optimized GeoTIFF with overviews (GDAL's COG
    /// driver, `GDALCreateCopy`); a signal cancels the copy through its progress callback.
    private static func makeCOG(from source: String, to target: String, options: [String], output: String,
                                cancellation: Cancellation) throws {
        let ds = try gdal(source, "reopening for the COG copy") { try Dataset.open(source) }
        do {
            let copy = try ds.createCopy(to: target, driver: "COG", options: options) { _ in cancellation.cancelledBy == 0 }
            try copy.close()
        } catch {
            let signal = cancellation.cancelledBy
            if signal != 0 { throw EngineError.interrupted(signal: signal) }
            throw WriteFailure.error(error, path: output, writing: target, context: "writing the COG")
        }
    }

    /// Waits for the input's copy and opens it for update (the writer does, before its first block).
    private static func openCopy(_ task: BackgroundCopy, _ path: String, shownAs shown: String) throws -> Dataset {
        try task.wait()
        return try gdal(shown, "opening the copy of the input for update") { try Dataset.open(path, access: .update) }
    }

    /// Reopens the partial output of an interrupted run, or creates the output and gives it
    /// the input's georeferencing and metadata. With `blocksInPlace` (the caller writes the
    /// blocks itself), a partial output is opened read-only and a new one is created with no
    /// block written (`SPARSE_OK=TRUE`, unless the user chose).
    private static func openOutput(resuming: Bool, file: OutputFile, outputPath: String, layout: RasterLayout,
                                   profile: OutputProfile, input: borrowing Dataset, blocksInPlace: Bool) throws -> Dataset {
        if resuming {
            return try gdal(file.temporaryPath, "reopening the partial output") { try Dataset.open(file.temporaryPath) }
        }
        let sparse = blocksInPlace && profile.option("SPARSE_OK") == nil ? ["SPARSE_OK=TRUE"] : []
        let output = try gdal(outputPath, "creating") {
            try Dataset.create(file.temporaryPath, width: layout.width, height: layout.height, bandCount: layout.bandCount,
                               dataType: profile.dataType.storageType, options: profile.creationOptions + sparse)
        }
        try gdal(outputPath, "copying georeferencing and metadata") { try copyDescription(from: input, to: output, layout: layout) }
        return output
    }

    /// Validates `--bands` (1-based, unique, in range); `nil` means all bands.
    static func bandList(_ bands: [Int]?, count: Int) throws -> [Int] {
        guard let bands else { return Array(1...max(1, count)) }
        if bands.isEmpty { throw EngineError.badBandList("the list is empty") }
        for b in bands where b < 1 || b > count {
            throw EngineError.badBandList("band \(b) does not exist; the input has \(count) band\(count == 1 ? "" : "s")")
        }
        if Set(bands).count != bands.count { throw EngineError.badBandList("a band is listed twice") }
        return bands.sorted()
    }

    /// Checks that the mask lies on the input's pixel grid and has the band; returns that
    /// band's nodata and whether it is Byte.
    static func checkMask(_ path: String, band: Int, against input: borrowing Dataset, path inputPath: String,
                          shownAs shown: String) throws -> (noData: Double?, isByte: Bool) {
        let mask = try gdal(shown, "opening mask") { try Dataset.open(path) }
        if let reason = gridDifference(mask, input) {
            throw EngineError.maskGridMismatch(input: inputPath, mask: shown, reason: reason + " (--mask-warp resamples it onto the input's grid)")
        }
        guard band >= 1 && band <= mask.bandCount else {
            throw EngineError.badOption("--mask-band \(band): the mask \(shown) has \(mask.bandCount) band\(mask.bandCount == 1 ? "" : "s")")
        }
        return try gdal(path, "reading mask band \(band)") { try mask.withBand(band) { ($0.noDataValue, $0.dataType == .byte) } }
    }

    /// How a mask's grid differs from the input's (size, geotransform, CRS), `nil` when it does not.
    static func gridDifference(_ mask: borrowing Dataset, _ input: borrowing Dataset) -> String? {
        if mask.width != input.width || mask.height != input.height {
            return "the input is \(input.width)x\(input.height) pixels, the mask \(mask.width)x\(mask.height)"
        }
        if let a = input.geoTransform, let b = mask.geoTransform {
            let tolerance = 1e-6 * max(abs(a[1]), abs(a[5]), 1e-12)
            if zip(a, b).contains(where: { abs($0 - $1) > tolerance }) {
                return "geotransforms differ: input \(a), mask \(b)"
            }
        }
        let (wa, wb) = (input.projectionWKT, mask.projectionWKT)
        if !wa.isEmpty && !wb.isEmpty && !SpatialReference.isSame(wa, wb) {
            func name(_ w: String) -> String { SpatialReference.epsg(ofWKT: w).map { "EPSG:\($0)" } ?? "a custom CRS" }
            return "CRSs differ: input \(name(wa)), mask \(name(wb))"
        }
        return nil
    }

    /// With `--mask-warp`, a mask on another grid becomes a warped VRT on the input's grid
    /// (nearest neighbour, read window by window); otherwise the path is used as it is.
    static func resolveMask(_ path: String, warp: Bool, input: borrowing Dataset, path inputPath: String) throws -> String {
        guard warp else { return path }
        let mask = try gdal(path, "opening mask") { try Dataset.open(path) }
        guard gridDifference(mask, input) != nil else { return path }
        guard let gt = input.geoTransform, gt[2] == 0, gt[4] == 0, gt[5] < 0 else {
            throw EngineError.badOption("--mask-warp needs a north-up georeferenced input; \(inputPath) has none")
        }
        guard mask.geoTransform != nil || mask.gcpCount > 0 else {
            throw EngineError.badOption("--mask-warp needs a georeferenced mask; \(path) has no geotransform")
        }
        let wkt = input.projectionWKT.isEmpty ? mask.projectionWKT : input.projectionWKT
        let vrt = "/vsimem/geokernel-mask-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).vrt"
        let warped = try gdal(path, "warping the mask onto the input's grid") {
            try Dataset.warpedVRT(path, to: vrt, width: input.width, height: input.height, geoTransform: gt, wkt: wkt)
        }
        do { try warped.close() } catch { throw EngineError.gdal(path: path, context: "warping the mask", error) }
        return vrt
    }

    /// Rasterizes `--polygons` on the input's grid into `path` (Byte, tiled, DEFLATE, 1 inside),
    /// reprojecting features to the input's CRS; GDAL does it in strips, so memory stays bounded.
    static func rasterizePolygons(_ options: ApplyOptions, input: borrowing Dataset, to path: String) throws {
        guard let vector = options.polygons else { return }
        guard let gt = input.geoTransform else {
            throw EngineError.badOption("--polygons needs a georeferenced input; \(options.input) has no geotransform")
        }
        let raster = try gdal(path, "creating the polygon mask") {
            try Dataset.create(path, width: input.width, height: input.height, bandCount: 1, dataType: .byte,
                               options: ["TILED=YES", "COMPRESS=DEFLATE", "SPARSE_OK=TRUE", "BIGTIFF=IF_SAFER"])
        }
        try gdal(path, "georeferencing the polygon mask") {
            try raster.setGeoTransform(gt)
            if !input.projectionWKT.isEmpty { try raster.setProjection(input.projectionWKT) }
        }
        do {
            try raster.rasterize(vectorPath: vector, layer: options.polygonLayer, sqlWhere: options.polygonWhere,
                                 allTouched: options.allTouched)
            try raster.close()
        } catch {
            throw EngineError.gdal(path: vector, context: "rasterizing the polygons", error)
        }
    }

    /// Checks `--bbox` against the input and finds the pixels it can select.
    static func prepareBBox(_ b: [Double], crs: String?, input: borrowing Dataset, path: String) throws -> BBoxSelection {
        guard let gt = input.geoTransform else {
            throw EngineError.badOption("--bbox needs a georeferenced input; \(path) has no geotransform")
        }
        let wkt = input.projectionWKT
        var xs: [Double] = [], ys: [Double] = []
        let steps = 64   // the box's edges, densified: a reprojected box is not a rectangle
        for k in 0...steps {
            let t = Double(k) / Double(steps)
            xs += [b[0] + t * (b[2] - b[0]), b[0] + t * (b[2] - b[0]), b[0], b[2]]
            ys += [b[1], b[3], b[1] + t * (b[3] - b[1]), b[1] + t * (b[3] - b[1])]
        }
        var ok = [Bool](repeating: true, count: xs.count)
        if let crs {
            guard !wkt.isEmpty else { throw EngineError.badOption("--bbox-crs needs an input with a CRS; \(path) has none") }
            do {
                let ct = try CoordinateTransform(from: crs, to: wkt)
                ok = ct.transform(x: &xs, y: &ys)
            } catch {
                throw EngineError.badOption("--bbox-crs: \(error.message)")
            }
        }
        // World to pixel through the inverse of the affine geotransform.
        let det = gt[1] * gt[5] - gt[2] * gt[4]
        guard det != 0 else { throw EngineError.badOption("--bbox: the input's geotransform cannot be inverted") }
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        for i in xs.indices where ok[i] {
            let dx = xs[i] - gt[0], dy = ys[i] - gt[3]
            let px = (gt[5] * dx - gt[2] * dy) / det, py = (-gt[4] * dx + gt[1] * dy) / det
            minX = min(minX, px); maxX = max(maxX, px); minY = min(minY, py); maxY = max(maxY, py)
        }
        var envelope: Window? = nil
        if minX.isFinite && maxX.isFinite && minY.isFinite && maxY.isFinite {
            let x0 = Int(max(-1, min(Double(input.width), minX.rounded(.down)))) - 1
            let y0 = Int(max(-1, min(Double(input.height), minY.rounded(.down)))) - 1
            let x1 = Int(max(-1, min(Double(input.width), maxX.rounded(.up)))) + 1
            let y1 = Int(max(-1, min(Double(input.height), maxY.rounded(.up)))) + 1
            envelope = Window(x: x0, y: y0, width: x1 - x0, height: y1 - y0).intersection(Window(width: input.width, height: input.height))
        }
        return BBoxSelection(bounds: b, crs: crs, rasterWKT: wkt, geoTransform: gt, envelope: envelope)
    }

    /// Copies what makes the output the input's twin: geotransform or GCPs, CRS, metadata,
    /// and per band nodata, colour interpretation, description, scale/offset, unit, colour table.
    static func copyDescription(from input: borrowing Dataset, to output: borrowing Dataset, layout: RasterLayout) throws {
        if let gt = input.geoTransform { try output.setGeoTransform(gt) }
        let wkt = input.projectionWKT
        if !wkt.isEmpty { try output.setProjection(wkt) }
        if input.gcpCount > 0 { try output.copyGCPs(from: input) }
        let md = input.metadata()
        if !md.isEmpty { try output.setMetadata(md) }
        for b in 1...layout.bandCount {
            try input.withBand(b) { src in
                try output.withBand(b) { dst in
                    if let nd = src.noDataValue { try dst.setNoDataValue(nd) }
                    let ci = src.colorInterpretation
                    if ci != "Undefined" { try? dst.setColorInterpretation(ci) }
                    let desc = src.bandDescription
                    if !desc.isEmpty { dst.setBandDescription(desc) }
                    if let so = src.scaleOffset { try dst.setScaleOffset(scale: so.scale, offset: so.offset) }
                    let unit = src.unitType
                    if !unit.isEmpty { try dst.setUnitType(unit) }
                    let bmd = src.metadata()
                    if !bmd.isEmpty { try dst.setMetadata(bmd) }
                    if src.hasColorTable { try dst.copyColorTable(from: src) }
                }
            }
        }
    }
}
