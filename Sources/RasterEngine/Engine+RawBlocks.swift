import BlockOutput
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GDALKit
import RasterTiling

/// The raw-block output (`RawBlockSink`): when it applies, and making it.
extension Engine {
    /// Why the output's blocks cannot be the input's encoded bytes, or `nil` when they can.
    /// Called once `layoutObstacle` found the layouts equal: the workers must also encode
    /// the codec (DEFLATE, predictor 1 or 2), the input's bytes must be little-endian as the
    /// output's are, and the run must not be resumable (a checkpoint cannot describe blocks
    /// appended in completion order).
    static func rawBlockObstacle(_ options: ApplyOptions, layout: RasterLayout) -> String? {
        let compression = (layout.imageStructure["COMPRESSION"] ?? "NONE").uppercased()
        if compression != "DEFLATE" { return "the workers encode DEFLATE only, the input is \(compression)" }
        let predictor = layout.imageStructure["PREDICTOR"] ?? "1"
        if predictor != "1" && predictor != "2" { return "the workers do not encode predictor \(predictor)" }
        if options.resume { return "--resume" }
        if !isLittleEndianTIFF(options.input) { return "the input is a big-endian TIFF" }
        return nil
    }

    /// Whether the TIFF at `path` stores its numbers little-endian ("II").
    static func isLittleEndianTIFF(_ path: String) -> Bool {
        FileBytes.prefix(path, limit: 2) == [0x49, 0x49]
    }

    /// Creates the output (sparse, the run's creation options, the input's description) and
    /// its `RawBlockSink`; a `GDALSink` over the same file when the file GDAL made is not laid
    /// out as the input (every block is then computed and written by GDAL).
    static func makeRawBlockSink(_ run: borrowing PreparedRun, input: borrowing Dataset, file: OutputFile,
                                 check: (TilePlan) throws -> Void) throws
        -> (sink: any OutputSink, plan: TilePlan, nanValues: [Double], copy: BackgroundCopy?) {
        let options = run.options, layout = run.layout, byteSize = run.profile.dataType.byteSize
        let separate = layout.bandCount > 1 && layout.imageStructure["INTERLEAVE"]?.uppercased() == "BAND"
        let blocks = InputBlocks(input, path: options.input, planes: separate ? layout.bandCount : 1)
        let created = try openOutput(resuming: false, file: file, outputPath: options.output, layout: layout,
                                     profile: run.profile, input: input, blocksInPlace: true,
                                     partition: run.partitionTag)
        let nanValues = try (1...layout.bandCount).map { b in try created.withBand(b) { $0.noDataValue } ?? 0 }
        let plan = run.plan(block: (layout.blockWidth, layout.blockHeight))
        try check(plan)
        do { try created.close() } catch { throw EngineError.gdal(path: options.output, context: "creating", error) }
        // A partition's file is its rectangle: its block (c, r) is the input's (c, r) + the corner's.
        let region = plan.raster, origin = (column: region.x / layout.blockWidth, row: region.y / layout.blockHeight)
        let expected = AppendedBlockFile.Layout(
            width: region.width, height: region.height, tileWidth: layout.blockWidth, tileHeight: layout.blockHeight,
            bands: layout.bandCount, bitsPerSample: 8 * byteSize, compression: 8,
            predictor: Int(layout.imageStructure["PREDICTOR"] ?? "1") ?? 1, separatePlanes: separate)
        if let blocks,
           let appended = try AppendedBlockFile.open(file.temporaryPath, shownAs: options.output, layout: expected) {
            let sink = RawBlockSink(file: appended, input: blocks, plan: plan.local, bandCount: layout.bandCount,
                                    byteSize: byteSize, origin: origin)
            return (sink, plan, nanValues, nil)
        }
        let reopened = try gdal(file.temporaryPath, "reopening the output") {
            try Dataset.open(file.temporaryPath, access: .update)
        }
        let sink = GDALSink(dataset: reopened, path: options.output, filePath: file.temporaryPath, plan: plan.local,
                            bandCount: layout.bandCount, byteSize: byteSize)
        return (sink, plan, nanValues, nil)
    }
}

extension PassThrough {
    /// The pass-through as the run made it: raw blocks only when the sink appended them
    /// (it falls back to GDAL when the file GDAL made is not laid out as the input).
    func asWritten(by writes: BlockWrites) -> PassThrough {
        self == .rawBlocks && writes != .appended
            ? .rewritten(reason: "the output GDAL created is not laid out as the input") : self
    }
}

extension Engine {
    /// What GDAL's COG driver holds beyond its block cache while it copies the finished GeoTIFF
    /// and builds the overviews (its compression threads' blocks, the overview chunks): the
    /// 40960² COG run peaked at 245 MiB, 12 MiB above the bound without this allowance.
    static let cogCopyBytes = 32 << 20

    /// Bytes the output's writing holds beyond the workers' chunks, for the plan's bound: the
    /// staging (a chunk per worker through GDAL; the write queue's buffers in place; a chunk
    /// and its encoded bytes per worker when appended) and the tables that grow with the
    /// number of blocks (the block cache's counts, the input's and output's tile indexes in
    /// GDAL and in the engine, the ledger): 96 bytes a block, counted generously.
    static func stagingBound(_ writes: BlockWrites, threads: Int, chunkBytes: Int, layout: RasterLayout) -> Int {
        let staging: Int
        switch writes {
        case .gdal: staging = threads * chunkBytes
        case .inPlace, .inPlaceDirect: staging = (threads + InPlaceSink.writeLanes) * chunkBytes
        case .appended: staging = threads * (chunkBytes + Deflate.bound(chunkBytes) + chunkBytes)
        }
        let grid = BlockGrid(blockWidth: max(1, layout.blockWidth), blockHeight: max(1, layout.blockHeight),
                             width: layout.width, height: layout.height)
        let blocks = grid.blocksAcross * grid.blocksDown * layout.bandCount
        return staging + blocks * 96
    }
}
