import RasterTiling

/// What kind of numbers a band holds, for operations that work on integers (histograms).
/// Thread safety: a plain value, `Sendable`.
public enum SampleKind: Sendable, Equatable {
    /// Whole numbers from `min` to `max` (the band's type's range).
    case integer(min: Int, max: Int)
    /// Floating-point values (NaN is always invalid).
    case float
}

/// A tile and its halo, decoded to Float64, handed to an operation: the one thing an
/// operation sees (no file, no thread, no block layout). Core pixel (x, y) of the tile is at
/// `values[(y + halo.top) * paddedWidth + x + halo.left]`. Values outside the raster were
/// already filled by the edge mode (with `constant` they hold the cval and count as valid).
/// Thread safety: a view of buffers its lender owns, valid only during the call it is lent to.
public struct PaddedTile {
    /// `paddedWidth × paddedHeight` values, row-major.
    public let values: UnsafePointer<Double>
    /// The same shape, 1 = valid; `nil` when every value is valid (or invalid ones are to be
    /// taken as ordinary numbers).
    public let valid: UnsafePointer<UInt8>?
    /// The padded plane's size.
    public let paddedWidth: Int, paddedHeight: Int
    /// Where the core starts (`left`, `top`) and how far the padding reaches past it.
    public let halo: Halo
    /// The core's size.
    public let width: Int, height: Int
    /// `width × height` flags, 1 = a result is needed; `nil` when every core pixel needs one.
    /// Chosen pixels are always valid ones.
    public let chosen: UnsafePointer<UInt8>?
    /// The band's kind of numbers.
    public let sample: SampleKind

    /// Describes a padded tile over buffers the caller owns.
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

    /// The smallest window of the core holding every chosen pixel: the whole core when
    /// `chosen` is `nil`, `nil` when no pixel is chosen.
    public var chosenBounds: Window? {
        guard let chosen else { return Window(width: width, height: height) }
        var minX = width, maxX = -1, minY = height, maxY = -1
        for y in 0..<height {
            let row = chosen + y * width
            var first = 0
            while first < width && row[first] == 0 { first += 1 }
            guard first < width else { continue }
            var last = width - 1
            while row[last] == 0 { last -= 1 }
            minX = min(minX, first); maxX = max(maxX, last)
            minY = min(minY, y); maxY = y
        }
        return maxY < 0 ? nil : Window(x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1)
    }
}

/// A neighbourhood operation: reads a padded tile, writes one Float64 result per core pixel.
/// The engine reads the tile with the halo the operation declares, and rounds, clamps and
/// composites the results after it (libvips's generate function, without the region).
/// Thread safety: `Sendable` values; `apply` runs on many threads at once, each with its own
/// workspace.
public protocol TileOperation: Sendable {
    /// Per-worker scratch state, made once per worker thread (libvips's start).
    associatedtype Workspace
    /// How far the operation reads around a pixel.
    var halo: Halo { get }
    /// A new workspace for one worker thread.
    func makeWorkspace() -> Workspace
    /// The most bytes one worker's workspace can hold after tiles of at most `tile`'s size (the
    /// core; the halo is the operation's), for the run's memory bound.
    func workspaceBytes(tile: Window) -> Int
    /// Writes the result of every chosen core pixel to `out[y * width + x]`; other pixels may
    /// hold anything.
    func apply(_ tile: PaddedTile, into out: UnsafeMutablePointer<Double>, workspace: inout Workspace)
}
