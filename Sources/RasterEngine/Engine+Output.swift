import BlockOutput
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

/// Making the output: the temporary file, its description, and the sink that writes its blocks.
extension Engine {
    /// The run's output over the temporary file: created with the input's georeferencing (or
    /// reopened when resuming, or copied from the input), the plan over its blocks, the value
    /// NaN becomes per band, and the sink that will write it. An uncompressed GeoTIFF's blocks
    /// are written in place by the engine (`InPlaceSink`): GDAL only makes the file, with every
    /// block unwritten; a layout the engine does not write itself goes through GDAL.
    static func makeSink(_ run: borrowing PreparedRun, input: consuming sending Dataset, file: OutputFile,
                         resuming: Bool,
                         cancellation: Cancellation, check: (TilePlan) throws -> Void) throws
        -> (sink: any OutputSink, plan: TilePlan, nanValues: [Double], copy: BackgroundCopy?) {
        let options = run.options, layout = run.layout, profile = run.profile
        let byteSize = profile.dataType.byteSize
        if run.copiesInput && !resuming {
            let plan = run.plan(block: run.plannedBlock)
            try check(plan)
            let copy = BackgroundCopy(options.input, to: file.temporaryPath, cancellation: cancellation)
            let sink = CopiedInputSink(copy: copy, path: options.output, filePath: file.temporaryPath, plan: plan,
                                       bandCount: layout.bandCount, byteSize: byteSize)
            return (sink, plan, layout.noData.map { $0 ?? 0 }, copy)
        }
        if run.passThrough == .rawBlocks && !resuming {   // Engine+RawBlocks.swift
            return try makeRawBlockSink(run, input: input, file: file, check: check)
        }
        let inPlace = run.blockWrites != .gdal
        var opened: Dataset? = try openOutput(resuming: resuming, file: file, outputPath: options.output,
                                              layout: layout,
                                              profile: profile, input: input, blocksInPlace: inPlace,
                                              partition: run.partitionTag)
        _ = consume input   // the main thread's handle is not needed past the output's creation
        let block = try opened!.withBand(1) { $0.blockSize }
        let nanValues = try (1...layout.bandCount).map { b in try opened!.withBand(b) { $0.noDataValue } ?? 0 }
        let plan = run.plan(block: block)
        try check(plan)   // a partial output is opened for writing only once its checkpoint is checked
        if (inPlace || resuming), let ds = opened.take() {
            do { try ds.close() } catch { throw EngineError.gdal(path: options.output, context: "creating", error) }
        }
        // The sinks see the file's own blocks: a partition's file starts at the partition's corner.
        if inPlace, let blockFile = try BlockFile.open(file.temporaryPath, shownAs: options.output, plan: plan.local,
                                                       bands: layout.bandCount, sampleBytes: byteSize) {
            let sink = InPlaceSink(file: blockFile, plan: plan.local, bandCount: layout.bandCount, byteSize: byteSize,
                                   workers: run.threads(for: plan))
            return (sink, plan, nanValues, nil)
        }
        if opened == nil {
            opened = try gdal(file.temporaryPath, resuming ? "reopening the partial output" : "reopening the output") {
                try Dataset.open(file.temporaryPath, access: .update)
            }
        }
        guard let dataset = opened.take() else { preconditionFailure("the output is open") }
        let sink = GDALSink(dataset: dataset, path: options.output, filePath: file.temporaryPath, plan: plan.local,
                            bandCount: layout.bandCount, byteSize: byteSize)
        return (sink, plan, nanValues, nil)
    }

    /// Reopens the partial output of an interrupted run (read-only), or creates the output and
    /// gives it the input's georeferencing and metadata. With `blocksInPlace` (the caller writes
    /// the blocks itself), a new one is created with no block written (`SPARSE_OK=TRUE`, unless
    /// the user chose). A partition's file is its rectangle, placed by its geotransform and tagged.
    static func openOutput(resuming: Bool, file: OutputFile, outputPath: String, layout: RasterLayout,
                           profile: OutputProfile, input: borrowing Dataset, blocksInPlace: Bool,
                           partition: PartitionTag?) throws -> Dataset {
        if resuming {   // read-only until its checkpoint is checked
            return try gdal(file.temporaryPath, "reopening the partial output") { try Dataset.open(file.temporaryPath) }
        }
        let sparse = blocksInPlace && profile.option("SPARSE_OK") == nil ? ["SPARSE_OK=TRUE"] : []
        let output = try gdal(outputPath, "creating") {
            try Dataset.create(file.temporaryPath, width: partition?.window.width ?? layout.width,
                               height: partition?.window.height ?? layout.height, bandCount: layout.bandCount,
                               dataType: profile.dataType.storageType, options: profile.creationOptions + sparse)
        }
        try gdal(outputPath, "copying georeferencing and metadata") {
            try copyDescription(from: input, to: output, bandCount: layout.bandCount)
            if let partition, let gt = input.geoTransform {
                try output.setGeoTransform(gt.of(partition.window))
                try output.setMetadata(partition.items, domain: PartitionTag.domain)
            }
        }
        return output
    }

    /// Copies what makes the output the input's twin: geotransform or GCPs, CRS, metadata,
    /// and per band nodata, colour interpretation, description, scale/offset, unit, colour table.
    static func copyDescription(from input: borrowing Dataset, to output: borrowing Dataset, bandCount: Int) throws {
        if let gt = input.geoTransform { try output.setGeoTransform(gt) }
        let wkt = input.projectionWKT
        if !wkt.isEmpty { try output.setProjection(wkt) }
        if input.gcpCount > 0 { try output.copyGCPs(from: input) }
        let md = input.metadata()
        if !md.isEmpty { try output.setMetadata(md) }
        for b in 1...bandCount {
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

    /// GDAL's checksum of every band of the finished output (`--checksums`), as `gdalinfo -checksum` prints.
    static func outputChecksums(_ path: String, bandCount: Int) throws -> [Int] {
        let written = try gdal(path, "reopening for checksums") { try Dataset.open(path) }
        let rect = Window(x: 0, y: 0, width: written.width, height: written.height)
        return try (1...bandCount).map { b in
            try gdal(path, "checksumming band \(b)") { try written.withBand(b) { try $0.checksum(rect) } }
        }
    }

    /// The size of the file at `path` in bytes, 0 when it cannot be read.
    static func fileSize(_ path: String) -> Int {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : 0
    }

    /// This process's peak resident memory so far (`getrusage`), in bytes.
    static func peakMemoryBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) * 1024
    }
}
