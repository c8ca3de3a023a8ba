import BlockOutput
import Dispatch
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
import RasterKernels
import RasterTiling
import Synchronization

/// What a finished `apply` run did. Thread safety: a plain value, `Sendable`.
public struct ApplyReport: Sendable {
    /// The options as run: a ground-unit kernel resolved (`kernel`, `groundKernelSize`).
    public var options: ApplyOptions
    /// OUTPUT as given.
    public var output: String
    /// The output's size (a partition's, with `--partition`) and bands.
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
    /// The selection sources, as the report lists them (`mask water.tif band 1`, `inverted`).
    public var selectionSources: [String]
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
    /// Wall time spent writing the quick look after the run (`--preview`), `nil` without one.
    public var previewSeconds: Double? = nil
    /// The partition written (`--partition`): its index, count, window and the run's digest.
    public var partition: PartitionTag? = nil
}

/// The engine: open, plan, read tiles with their halo on worker threads, convolve,
/// composite, and let the output sink write the output's blocks; then close and rename.
/// Thread safety: `apply` may be called from any thread; it owns every handle it opens.
public enum Engine {
    /// GDAL's block cache cap when `GDAL_CACHEMAX` is not set. Input blocks go through the
    /// engine's own `BlockCache`; GDAL's serves masks, `--where` and GDAL mask bands.
    /// 32 MiB holds a strip's mask blocks many times over; with 96 the bound passed 256 MiB.
    public static let defaultCacheBytes = 32 << 20
    /// Code, libraries and GDAL's own state: the measured resident size of a run on a tiny raster.
    static let baseMemoryBytes = 64 << 20

    /// Runs `geokernel apply`.
    /// - Parameters:
    ///   - options: the parsed command line.
    ///   - cancellation: polled between tiles; a set flag stops the run and removes the temporary output.
    ///   - progress: called with the fraction done, under the ledger's lock (keep it short).
    /// - Returns: counts for the report.
    /// - Throws: `EngineError`, with a one-line message naming the file (and tile).
    public static func apply(_ options: ApplyOptions, cancellation: Cancellation = Cancellation(),
                             progress: (@Sendable (Double) -> Void)? = nil) throws(EngineError) -> ApplyReport {
        try mappingErrors(options, "processing") { try run(options, cancellation: cancellation, progress: progress) }
    }

    /// Runs `body`, passing `EngineError`s through and giving any other error the input's name.
    static func mappingErrors<R>(_ options: ApplyOptions, _ context: String,
                                 _ body: () throws -> R) throws(EngineError) -> R {
        do {
            return try body()
        } catch where error is EngineError || error is GDALError || error is BlockOutputError {
            throw EngineError(wrapping: error, path: options.input, context: context)
        } catch {
            throw .badOption("\(error)")
        }
    }

    private static func run(_ options: ApplyOptions, cancellation: Cancellation,
                            progress: (@Sendable (Double) -> Void)?) throws -> ApplyReport {
        let start = DispatchTime.now()
        let input = try PreparedRun.open(options)
        let run = try PreparedRun(options, input: input, cancellation: cancellation)
        let options = run.options   // as run: a kernel in ground units resolved
        try options.preview?.check(notAnyOf: [options.input, options.output])
        let layout = run.layout, profile = run.profile, copying = run.copiesInput

        // The output: a temporary file beside OUTPUT, renamed at the end.
        let file = try OutputFile(options.output, inputs: [options.input] + (options.mask.map { [$0] } ?? []),
                                  overwrite: options.overwrite, resumable: options.resume)
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
        // With --resume: what this run is (RunFingerprint), checked against the checkpoint once the
        // plan is known and before the partial is opened for writing.
        var fingerprint: RunFingerprint? = nil
        let cogOptions = run.cogOptions, inPlace = run.blockWrites != .gdal
        let output = try makeSink(run, input: consume input, file: file, resuming: resuming,
                                  cancellation: cancellation) { plan in
            guard options.resume else { return }
            let facts = RunFingerprint.Facts(profile: profile, cogOptions: cogOptions, plan: plan, inputCopied: copying)
            let made = RunFingerprint(options, facts: facts)
            fingerprint = made
            if let previous, let path = file.checkpointPath {
                do {
                    try previous.check(made, output: options.output, path: path, plan: plan.local,
                                       partial: file.temporaryPath,
                                       bands: layout.bandCount, inPlace: inPlace, sparse: copying || profile.isSparse)
                } catch { keepPartial = true; throw error }
            }
        }
        let sink = output.sink, plan = output.plan
        defer { output.copy?.stop() }   // before the temporary is discarded
        var done: Set<Int> = []
        var checkpoint: ChunkLedger.CheckpointPolicy? = nil
        if let fingerprint, let path = file.checkpointPath {
            done = previous?.doneSet ?? []
            checkpoint = .init(path: path, partialPath: file.temporaryPath, fingerprint: fingerprint,
                               interval: .milliseconds(Int(max(0, options.checkpointSeconds) * 1000)))
        }
        let threads = run.threads(for: plan)
        let operation = run.operation
        let blocks = BlockCache(layout: layout, plan: plan, halo: operation.halo, edge: options.edge,
                                budget: run.blockCacheBudget)
        let canvas = try previewCanvas(options, layout: layout, outputType: profile.dataType,
                                       nanValues: output.nanValues)
        let job = run.job(plan: plan, nanValues: output.nanValues, cancellation: cancellation, blocks: blocks,
                          preview: canvas)
        let ledger = ChunkLedger(sink: sink, chunkCount: plan.chunkCount, done: done, checkpoint: checkpoint,
                                 progress: progress)

        let failure = schedule(operation, job: job, sink: sink, ledger: ledger, threads: threads, skip: done)
        var writeFailure: EngineError? = nil
        do {
            try sink.drain()
        } catch {
            writeFailure = EngineError(wrapping: error, path: options.output, context: "writing")
        }
        let stopped = failure ?? writeFailure
            ?? (cancellation.cancelledBy != 0 ? EngineError.interrupted(signal: cancellation.cancelledBy) : nil)
        if let stopped {
            if options.resume {
                // Keep what is on disk for a later --resume: flush it and record it.
                keepPartial = (try? ledger.checkpointNow()) ?? false
            }
            throw stopped
        }

        guard ledger.allChunksDone else {   // never an unfinished file at OUTPUT
            throw EngineError.badOption("\(options.output): internal error: not every chunk was written; "
                                        + "the output was not kept")
        }
        // The quick look is drawn while the output is closed and made durable, unless it must
        // read the finished output (chunks of an earlier run to fill).
        let facts = PreviewFacts(stats: ledger.stats, width: run.region.width, height: run.region.height,
                                 passThrough: run.passThrough.asWritten(by: sink.writes), chunksResumed: done.count,
                                 selectionSources: run.selection.summaries)
        var look: PreviewJob? = nil
        if let canvas, let request = options.preview, done.isEmpty {
            look = try PreviewJob.start(canvas, options, request: request, facts: facts)
        }
        defer { look?.discard() }
        // Close (reports write errors; a copy no block waited for must still be complete),
        // then make it durable and put it in place.
        try sink.close()
        if let cogOptions = run.cogOptions {
            try makeCOG(from: file.temporaryPath, to: file.cogPath, options: cogOptions, output: options.output,
                        cancellation: cancellation)
            try file.commit(from: file.cogPath)
            unlink(file.temporaryPath)
        } else {
            try file.commit()
        }
        finished = true
        let checksums = options.checksums ? try outputChecksums(options.output, bandCount: layout.bandCount) : []
        let decodes = blocks.counts
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        var report = ApplyReport(options: options, output: options.output,
                           width: run.region.width, height: run.region.height, bandCount: layout.bandCount,
                           outputType: profile.dataType, inputTypes: layout.bandTypes,
                           creationOptions: run.cogOptions ?? profile.creationOptions,
                           chunks: plan.chunkCount, chunksResumed: done.count, bytesWritten: fileSize(options.output),
                           peakMemoryBytes: peakMemoryBytes(), checksums: checksums,
                           threads: threads, selectionSources: run.selection.summaries,
                           passThrough: run.passThrough.asWritten(by: sink.writes), blockWrites: sink.writes,
                           blocksDecoded: decodes.decoded, blocksNeeded: decodes.needed,
                           stats: ledger.stats, seconds: seconds)
        report.partition = run.partitionTag
        // After the output is in place.
        if let look {
            report.previewSeconds = try look.finish()
        } else if let canvas, let request = options.preview {
            report.previewSeconds = try PreviewFile.writing(request.path) { file in
                try finishPreview(canvas, options, request: request, facts: facts, into: file)
            }
        }
        return report
    }

    /// Runs `threads` workers (`concurrentPerform`), each with its own handles and the
    /// operation's workspace, claiming chunks in strip order (see `BlockCache`) and handing
    /// them to `ledger` for `sink`; chunks in `skip` are already done. Returns the first error.
    private static func schedule<Op: TileOperation>(_ operation: Op, job: Job, sink: any OutputSink,
                                                    ledger: ChunkLedger,
                                                    threads: Int, skip: Set<Int>) -> EngineError? {
        let plan = job.plan
        let stripChunks = job.blocks?.stripChunks ?? plan.chunksAcross
        let next = Atomic<Int>(0)
        let failure = Guarded<EngineError?>(nil)
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            do {
                var worker = try TileWorker(job: job, operation: operation)
                while job.cancellation.cancelledBy == 0 && failure.withLock({ $0 == nil }) {
                    let k = next.add(1, ordering: .relaxed).oldValue
                    if k >= plan.chunkCount { break }
                    let i = plan.chunkIndex(order: k, stripChunks: stripChunks)
                    if !skip.contains(i) { try worker.process(i, sink: sink, ledger: ledger) }
                    job.blocks?.finished(chunk: i)
                }
            } catch {
                let e = EngineError(wrapping: error, path: job.inputPath, context: "processing")
                failure.withLock { if $0 == nil { $0 = e } }
            }
        }
        return failure.withLock { $0 }
    }

    /// The GeoTIFF the engine writes and, with `-of COG`, the COG driver's options for the final
    /// copy (the user's `-co` then go to the COG driver, with the compression the GeoTIFF would
    /// have had). The intermediate GeoTIFF of a COG is uncompressed, written in place, so the
    /// COG driver's copy decodes nothing and the pixels are encoded once, as by
    /// `gdal_translate -of COG`. Both are checked against the drivers' option lists.
    static func outputProfile(_ options: ApplyOptions, layout: RasterLayout) throws(EngineError) -> (OutputProfile,
                                                                                                     cog: [String]?) {
        let cog = options.format == .cog
        let final = OutputProfile(layout: layout, outputType: options.outputType,
                                  userOptions: cog ? [] : options.creationOptions)
        let cogOptions = cog ? final.cogOptions(resampling: options.overviewResampling ?? "average",
                                                userOptions: options.creationOptions) : nil
        let profile = cog ? final.uncompressed : final
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
            let copy = try ds.createCopy(to: target, driver: "COG",
                                         options: options) { _ in cancellation.cancelledBy == 0 }
            try copy.close()
        } catch {
            let signal = cancellation.cancelledBy
            if signal != 0 { throw EngineError.interrupted(signal: signal) }
            throw WriteFailure.error(error, path: output, writing: target, context: "writing the COG")
        }
    }

    /// Validates `--bands` (1-based, unique, in range); `nil` means all bands.
    static func bandList(_ bands: [Int]?, count: Int) throws -> [Int] {
        guard let bands else { return Array(1...max(1, count)) }
        if bands.isEmpty { throw EngineError.badBandList("the list is empty") }
        for b in bands where b < 1 || b > count {
            throw EngineError.badBandList("band \(b) does not exist; the input has \(count) "
                                          + "band\(count == 1 ? "" : "s")")
        }
        if Set(bands).count != bands.count { throw EngineError.badBandList("a band is listed twice") }
        return bands.sorted()
    }
}
