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
/// operation sees (no file, no thread, no block layout). Core pixel (x, y) of the tile is
/// `values[x + halo.left, y + halo.top]`. Values outside the raster were already filled by the
/// edge mode (with `constant` they hold the cval and count as valid).
/// Thread safety: views of planes its lender owns, valid only during the call it is lent to.
public struct PaddedTile {
    /// The padded plane, `paddedWidth × paddedHeight` values, its rows one after the other.
    public let values: Plane<Double>
    /// The same shape, 1 = valid; `nil` when every value is valid (or invalid ones are to be
    /// taken as ordinary numbers).
    public let valid: Plane<UInt8>?
    /// Where the core starts (`left`, `top`) and how far the padding reaches past it.
    public let halo: Halo
    /// The core's size.
    public let width: Int, height: Int
    /// The core's `width × height` flags, 1 = a result is needed, rows one after the other;
    /// `nil` when every core pixel needs one. Chosen pixels are always valid ones.
    public let chosen: Plane<UInt8>?
    /// The band's kind of numbers.
    public let sample: SampleKind

    /// A padded tile over planes the caller lends: the core is `values` less `halo`.
    /// - Precondition: `valid` has `values`'s shape, `chosen` the core's, and each plane's rows
    ///   follow each other (the operations index them as one run).
    public init(values: Plane<Double>, valid: Plane<UInt8>?, halo: Halo, chosen: Plane<UInt8>?,
                sample: SampleKind) {
        let pw = values.width, ph = values.height
        let w = pw - halo.left - halo.right, h = ph - halo.top - halo.bottom
        precondition(w >= 0 && h >= 0, "a halo wider than the padded tile")
        precondition(values.rowStride == pw, "the padded plane's rows are not contiguous")
        precondition(valid.map { $0.width == pw && $0.height == ph && $0.rowStride == pw } ?? true,
                     "validity of another shape")
        precondition(chosen.map { $0.width == w && $0.height == h && $0.rowStride == w } ?? true,
                     "a choice of another shape than the core")
        width = w
        height = h
        self.values = values
        self.valid = valid
        self.halo = halo
        self.chosen = chosen
        self.sample = sample
    }

    /// The padded plane's size.
    public var paddedWidth: Int { values.width }
    public var paddedHeight: Int { values.height }
    /// The core, in the padded plane's coordinates.
    public var core: Window { Window(x: halo.left, y: halo.top, width: width, height: height) }

    /// The smallest window of the core holding every chosen pixel: the whole core when
    /// `chosen` is `nil`, `nil` when no pixel is chosen.
    public var chosenBounds: Window? {
        guard let chosen else { return Window(width: width, height: height) }
        return chosen.nonZeroBounds
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
    /// Writes the result of every chosen core pixel (x, y) to `out[x, y]`; other pixels may
    /// hold anything.
    /// - Precondition: `out` has the core's size and its rows follow each other.
    func apply(_ tile: PaddedTile, into out: MutablePlane<Double>, workspace: inout Workspace)
}
