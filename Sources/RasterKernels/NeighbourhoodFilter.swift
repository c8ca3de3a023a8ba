import RasterTiling

/// A footprint method (`median`, `min`, `mean`, `lee:4`, …) as a tile operation: the result of each chosen
/// pixel is `NeighbourhoodStatistic`'s rule over the valid values its footprint covers (NaN values are always
/// invalid); a pixel with no valid neighbour keeps its own value. The algorithm is picked per tile (see
/// `Docs/operations.md`); every path gives the same result for any tiling, validity and choice.
/// Thread safety: an immutable value, `Sendable`; the workspace is per worker.
public struct NeighbourhoodFilter: TileOperation {
    /// What is computed.
    public let method: FilterMethod
    /// Which neighbours are read.
    public let footprint: Footprint
    /// Footprints of at most this many pixels use the direct (gather and sort) path for rank methods.
    static let directRankLimit = 9
    /// Footprints of at most this many pixels use the direct path for `mode`.
    static let directModeLimit = 25

    /// Creates the operation.
    /// - Precondition: `method` is not `.convolve` (`method.usesFootprint`).
    public init(method: FilterMethod, footprint: Footprint) {
        precondition(method.usesFootprint, "convolve is run by the convolution operation")
        self.method = method
        self.footprint = footprint
    }

    /// The footprint's halo (`Footprint.halo`).
    public var halo: Halo { footprint.halo }

    /// A fresh, empty workspace.
    public func makeWorkspace() -> NeighbourhoodWorkspace { NeighbourhoodWorkspace() }

    /// Writes the method's result for every chosen core pixel.
    /// - Precondition: the tile's halo is at least the footprint's on every side.
    public func apply(_ tile: PaddedTile, into plane: MutablePlane<Double>,
                      workspace: inout NeighbourhoodWorkspace) {
        let g = TileGeometry(tile, footprint: footprint)
        precondition(plane.width == g.width && plane.height == g.height, "a result plane of another size")
        let out = plane.elements
        switch method {
        case .median where footprint.width == 3 && footprint.height == 3 && footprint.isRectangle:
            applyMedian3x3(g, into: out, workspace: workspace)
        case .median, .percentile:
            if footprint.count <= NeighbourhoodFilter.directRankLimit {
                applyDirect(g, into: out, workspace: workspace)
            } else if !applyColumnHistogram(g, sample: tile.sample, into: out, workspace: workspace) {
                applyHistogramRank(g, sample: tile.sample, into: out, workspace: workspace)
            }
        case .minimum, .maximum, .range:
            if !applyExtremes(g, into: out, workspace: workspace) { applyDirect(g, into: out, workspace: workspace) }
        case .mean, .variance, .standardDeviation, .lee:
            if !applyMoments(g, sample: tile.sample, into: out, workspace: workspace) {
                applyDirect(g, into: out, workspace: workspace)
            }
        case .mode:
            if footprint.count > NeighbourhoodFilter.directRankLimit,
               applyColumnHistogram(g, sample: tile.sample, into: out, workspace: workspace) {
                break
            }
            if footprint.count <= NeighbourhoodFilter.directModeLimit {
                applyDirect(g, into: out, workspace: workspace)
            } else {
                applyHistogramRank(g, sample: tile.sample, into: out, workspace: workspace)
            }
        case .convolve:
            preconditionFailure("convolve is run by the convolution operation")
        }
    }

    /// The plain path: gathers each chosen pixel's valid neighbours and applies `NeighbourhoodStatistic`
    /// (bit for bit the reference). O(footprint) per pixel, O(footprint · log) for rank methods and `mode`.
    func applyDirect(_ g: TileGeometry, into out: MutablePlaneRow<Double>, workspace: NeighbourhoodWorkspace) {
        let offsets = memberOffsets(g, workspace: workspace)
        let buffer = workspace.doubles[0].row(footprint.count)
        for y in 0..<g.height where g.rowHasChosen(y) {
            for x in 0..<g.width where g.isChosen(x: x, y: y) {
                let base = g.windowOrigin(x: x, y: y)
                var n = 0
                for m in 0..<footprint.count {
                    let p = base + offsets[m]
                    if g.isValid(p) { buffer[n] = g.values[p]; n += 1 }
                }
                let centre = g.centre(x: x, y: y)
                out[y * g.width + x] = n == 0 ? centre
                    : NeighbourhoodStatistic.evaluate(method, values: buffer.part(0, count: n), centre: centre)
            }
        }
    }

    /// The padded-tile offsets of the footprint's members from the window's top-left, in footprint order.
    func memberOffsets(_ g: TileGeometry, workspace: NeighbourhoodWorkspace) -> MutablePlaneRow<Int> {
        let offsets = workspace.offsets.row(footprint.count)
        var m = 0
        for j in 0..<footprint.height {
            for i in 0..<footprint.width where footprint[i, j] { offsets[m] = j * g.paddedWidth + i; m += 1 }
        }
        return offsets
    }
}

/// Where a tile's pixels and a footprint's windows lie in the padded plane, whose planes it views as runs
/// (`values[y * paddedWidth + x]`, `chosen[y * width + x]`). Thread safety: a borrowed view.
struct TileGeometry {
    let values: PlaneRow<Double>
    let valid: PlaneRow<UInt8>?
    let chosen: PlaneRow<UInt8>?
    let paddedWidth: Int, paddedHeight: Int, width: Int, height: Int
    /// Padded column and row of the footprint window's top-left for core pixel (0, 0).
    let originX: Int, originY: Int
    /// Padded column and row of core pixel (0, 0).
    let coreX: Int, coreY: Int

    init(_ tile: PaddedTile, footprint: Footprint) {
        let h = footprint.halo
        precondition(tile.halo.left >= h.left && tile.halo.top >= h.top && tile.halo.right >= h.right
                     && tile.halo.bottom >= h.bottom, "the tile's halo must hold the footprint's")
        values = tile.values.elements
        valid = tile.valid?.elements
        chosen = tile.chosen?.elements
        paddedWidth = tile.paddedWidth
        paddedHeight = tile.paddedHeight
        width = tile.width
        height = tile.height
        originX = tile.halo.left - h.left
        originY = tile.halo.top - h.top
        coreX = tile.halo.left
        coreY = tile.halo.top
    }

    /// Whether padded position `p` holds a valid value (valid flag set and not NaN).
    @inline(__always) func isValid(_ p: Int) -> Bool {
        (valid.map { $0[p] != 0 } ?? true) && !values[p].isNaN
    }

    /// Whether core pixel (x, y) needs a result.
    @inline(__always) func isChosen(x: Int, y: Int) -> Bool { chosen.map { $0[y * width + x] != 0 } ?? true }

    /// Whether any pixel of core row `y` needs a result.
    func rowHasChosen(_ y: Int) -> Bool {
        guard let chosen else { return true }
        for x in 0..<width where chosen[y * width + x] != 0 { return true }
        return false
    }

    /// Padded index of the footprint window's top-left for core pixel (x, y).
    @inline(__always) func windowOrigin(x: Int, y: Int) -> Int { (y + originY) * paddedWidth + x + originX }

    /// The core pixel's own value.
    @inline(__always) func centre(x: Int, y: Int) -> Double { values[(y + coreY) * paddedWidth + x + coreX] }
}
