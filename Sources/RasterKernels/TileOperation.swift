import RasterTiling

/// What kind of numbers a band holds, for operations that work on integers (histograms).
/// Thread safety: a plain value, `Sendable`.
public enum SampleKind: Sendable, Equatable {
    /// Integer samples between `min` and `max` inclusive (the band type's range).
    case integer(min: Int, max: Int)
    /// Floating-point samples.
    case float
}

/// A tile and its halo, decoded to Float64, handed to an operation. Core pixel (x, y) of the tile is at
/// `values[(y + halo.top) * paddedWidth + x + halo.left]`. Values outside the raster were already filled by
/// the edge mode (with `--edge constant` they hold cval and count as valid).
/// Thread safety: holds borrowed pointers; valid only during the `apply` call it is passed to.
public struct PaddedTile {
    /// `paddedWidth * paddedHeight` values, row-major.
    public let values: UnsafePointer<Double>
    /// Same shape as `values`, 1 = valid; `nil` = every value valid.
    public let valid: UnsafePointer<UInt8>?
    /// Size of the padded tile.
    public let paddedWidth: Int, paddedHeight: Int
    /// How far the padded tile reaches around the core.
    public let halo: Halo
    /// Size of the core.
    public let width: Int, height: Int
    /// `width * height`, 1 = a result is needed; `nil` = all.
    public let chosen: UnsafePointer<UInt8>?
    /// What kind of numbers the band holds.
    public let sample: SampleKind

    /// Creates a tile description over borrowed buffers.
    public init(values: UnsafePointer<Double>, valid: UnsafePointer<UInt8>?, paddedWidth: Int, paddedHeight: Int,
                halo: Halo, width: Int, height: Int, chosen: UnsafePointer<UInt8>?, sample: SampleKind) {
        self.values = values
        self.valid = valid
        self.paddedWidth = paddedWidth
        self.paddedHeight = paddedHeight
        self.halo = halo
        self.width = width
        self.height = height
        self.chosen = chosen
        self.sample = sample
    }
}

/// A neighbourhood operation: reads a padded tile, writes one Float64 result per core pixel.
public protocol TileOperation: Sendable {
    associatedtype Workspace
    /// How far the operation reads around a pixel.
    var halo: Halo { get }
    /// Per-worker scratch state, made once per worker thread (libvips's start).
    func makeWorkspace() -> Workspace
    /// Writes the result of every chosen core pixel to out[y * width + x]; other pixels may hold anything.
    func apply(_ tile: PaddedTile, into out: UnsafeMutablePointer<Double>, workspace: inout Workspace)
}
