import GDALKit
import RasterKernels
import RasterTiling

/// The immutable description of one run that every worker shares: plain values only, so it
/// crosses into `concurrentPerform` safely. Thread safety: `Sendable`.
struct Job: Sendable {
    var inputPath: String
    var maskPath: String?
    var maskNoData: Double?
    /// Whether the mask's first band is Byte (read as it is, without conversion).
    var maskIsByte: Bool
    var layout: RasterLayout
    var plan: TilePlan
    var taps: Taps
    var halo: Halo
    var edge: EdgeMode
    var cval: Double
    var policy: NodataPolicy
    /// 1-based bands that are filtered, ascending; and those copied unchanged.
    var filteredBands: [Int]
    var copiedBands: [Int]
    var outputType: RasterDataType
    /// Per output band (index 0 = band 1): the value NaN becomes in an integer output.
    var nanValues: [Double]
    /// Polled before every tile.
    var cancellation: Cancellation

    var bandCount: Int { layout.bandCount }
    var readType: RasterDataType { layout.readType }
}

/// Counts gathered while running, summed over chunks. Thread safety: a plain value.
public struct RunStats: Sendable, Equatable {
    /// Tiles looked at in all, tiles convolved, tiles passed through untouched.
    public var tilesTotal = 0, tilesConvolved = 0, tilesSkipped = 0
    /// Pixels the selection chose, and pixels that were convolved (selected and valid) per band sum.
    public var pixelsSelected = 0, pixelsFiltered = 0
    /// Pixels clamped to the output type's range, per output band (index 0 = band 1).
    public var pixelsClamped: [Int] = []

    /// Adds another chunk's counts.
    mutating func add(_ o: RunStats) {
        tilesTotal += o.tilesTotal; tilesConvolved += o.tilesConvolved; tilesSkipped += o.tilesSkipped
        pixelsSelected += o.pixelsSelected; pixelsFiltered += o.pixelsFiltered
        if pixelsClamped.count < o.pixelsClamped.count { pixelsClamped += Array(repeating: 0, count: o.pixelsClamped.count - pixelsClamped.count) }
        for i in o.pixelsClamped.indices { pixelsClamped[i] += o.pixelsClamped[i] }
    }
}
