import GDALKit
import RasterKernels
import RasterTiling

/// The immutable description of one run that every worker shares: plain values only, so it
/// crosses into `concurrentPerform` safely. Thread safety: `Sendable`.
struct Job: Sendable {
    var inputPath: String
    /// The selection sources, combined per chunk by each worker's `SelectionPlane`.
    var selection: Selection
    var layout: RasterLayout
    var plan: TilePlan
    /// How far the operation reads around a pixel.
    var halo: Halo
    var edge: EdgeMode
    var cval: Double
    /// Whether operations leave invalid neighbours out (`--nodata-policy renormalize`) or take
    /// their values as numbers (`ignore`).
    var leavesInvalidOut: Bool
    /// 1-based bands that are filtered, ascending; and those copied unchanged.
    var filteredBands: [Int]
    var copiedBands: [Int]
    var outputType: RasterDataType
    /// Per output band (index 0 = band 1): the value NaN becomes in an integer output.
    var nanValues: [Double]
    /// Polled before every tile.
    var cancellation: Cancellation
    /// The output started as a copy of the input: chunks without selected pixels are not
    /// written, and of the others only blocks with selected pixels.
    var copiesInput = false
    /// The input's decoded blocks shared by the workers (`nil`: read through GDAL directly).
    var blocks: BlockCache? = nil
    /// The quick look the workers feed (`--preview`), `nil` without one.
    var preview: PreviewCanvas? = nil

    /// Per band (index 0 = band 1): the kind of numbers it holds, for the operation.
    var samples: [SampleKind] { layout.samples }
    var bandCount: Int { layout.bandCount }
    var readType: RasterDataType { layout.readType }
}

/// Counts gathered while running, summed over chunks. Thread safety: a plain value.
public struct RunStats: Sendable, Equatable {
    /// Tiles looked at in all, tiles convolved, tiles passed through untouched.
    public var tilesTotal = 0, tilesConvolved = 0, tilesSkipped = 0
    /// Pixels the selection chose, and pixels that were convolved (selected and valid) per band sum.
    public var pixelsSelected = 0, pixelsFiltered = 0
    /// Filtered pixels whose written value differs from the input's (summed over bands).
    public var pixelsChanged = 0
    /// Pixels clamped to the output type's range, per output band (index 0 = band 1).
    public var pixelsClamped: [Int] = []
    /// Output blocks written (per band; pass-through blocks of a copied input are not).
    public var blocksWritten = 0
    /// Bytes GDAL was asked to read (input and selection sources).
    public var bytesRead = 0
    /// Seconds spent reading, computing and writing, summed over threads.
    public var secondsRead = 0.0, secondsCompute = 0.0, secondsWrite = 0.0

    /// Adds another chunk's counts.
    mutating func add(_ o: RunStats) {
        tilesTotal += o.tilesTotal; tilesConvolved += o.tilesConvolved; tilesSkipped += o.tilesSkipped
        pixelsSelected += o.pixelsSelected; pixelsFiltered += o.pixelsFiltered; pixelsChanged += o.pixelsChanged
        bytesRead += o.bytesRead; blocksWritten += o.blocksWritten
        secondsRead += o.secondsRead; secondsCompute += o.secondsCompute; secondsWrite += o.secondsWrite
        if pixelsClamped.count < o.pixelsClamped.count {
            pixelsClamped += Array(repeating: 0, count: o.pixelsClamped.count - pixelsClamped.count)
        }
        for i in o.pixelsClamped.indices { pixelsClamped[i] += o.pixelsClamped[i] }
    }
}

extension Job {
    /// The job for `options` on a prepared input, plan and selection.
    init(_ options: ApplyOptions, layout: RasterLayout, plan: TilePlan, selection: Selection, filtered: [Int],
         halo: Halo, outputType: RasterDataType, nanValues: [Double], cancellation: Cancellation,
         copiesInput: Bool = false, blocks: BlockCache? = nil, preview: PreviewCanvas? = nil) {
        self.init(inputPath: options.input, selection: selection,
                  layout: layout, plan: plan, halo: halo, edge: options.edge,
                  cval: options.cval, leavesInvalidOut: options.nodataPolicy == .renormalize, filteredBands: filtered,
                  copiedBands: (1...layout.bandCount).filter { !filtered.contains($0) }, outputType: outputType,
                  nanValues: nanValues, cancellation: cancellation, copiesInput: copiesInput, blocks: blocks,
                  preview: preview)
    }
}
