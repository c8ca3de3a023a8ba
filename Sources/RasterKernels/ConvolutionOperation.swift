import RasterTiling

/// Convolution (`scipy.ndimage.convolve`, the kernel flipped) as a tile operation: the fast
/// loop over the chosen pixels' bounding box (two 1-D passes for a rank-1 kernel), then, with
/// `renormalize` and an invalid value in the tile, the masked loop over the chosen pixels
/// that have an invalid neighbour. Both add the same products in the same order, so a pixel's
/// bits do not depend on the path. The oracle is `ReferenceConvolution`.
/// Thread safety: a plain value, `Sendable`.
public struct ConvolutionOperation: TileOperation {
    /// The kernel as the user gave it, and what invalid neighbours do.
    public let kernel: Kernel
    public let policy: NodataPolicy
    /// The flipped, zero-free taps.
    public let taps: Taps

    /// Prepares `kernel` for tiles.
    public init(kernel: Kernel, policy: NodataPolicy) {
        self.kernel = kernel
        self.policy = policy
        taps = Taps(kernel)
    }

    /// The kernel's reach: a true convolution reads `width - 1 - width/2` columns to the left.
    public var halo: Halo { kernel.halo }

    /// The horizontal pass's rows of a separable kernel.
    public func makeWorkspace() -> GrowableBuffer<Double> { GrowableBuffer() }

    /// The rows of the horizontal pass: the padded height times the core's width.
    public func workspaceBytes(tile: Window) -> Int {
        max(1, tile.padded(by: halo).height * tile.width) * MemoryLayout<Double>.stride
    }

    public func apply(_ tile: PaddedTile, into out: MutablePlane<Double>,
                      workspace: inout GrowableBuffer<Double>) {
        guard let box = tile.chosenBounds else { return }
        let reach = Window(x: box.x, y: box.y, width: box.width + taps.width - 1,
                           height: box.height + taps.height - 1)
        workspace.withRow(count: tile.paddedHeight * tile.width) { rows in
            Convolution.convolve(taps: taps, padded: tile.values.part(reach), into: out.part(box), rows: rows)
        }
        if policy == .renormalize, let valid = tile.valid {
            Convolution.convolveMasked(taps: taps, padded: tile.values, valid: valid, chosen: tile.chosen, into: out)
        }
    }
}
