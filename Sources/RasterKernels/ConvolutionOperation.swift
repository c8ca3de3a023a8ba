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

    public func apply(_ tile: PaddedTile, into out: UnsafeMutablePointer<Double>,
                      workspace: inout GrowableBuffer<Double>) {
        guard let box = tile.chosenBounds else { return }
        let pw = tile.paddedWidth
        let rows = workspace.pointer(count: tile.paddedHeight * tile.width)
        Convolution.convolve(taps: taps, padded: tile.values + box.y * pw + box.x, paddedWidth: pw,
                             width: box.width, height: box.height, out: out + box.y * tile.width + box.x,
                             outStride: tile.width, rows: rows)
        if policy == .renormalize, let valid = tile.valid {
            Convolution.convolveMasked(taps: taps, padded: tile.values, valid: valid, paddedWidth: pw,
                                       width: tile.width, height: tile.height, chosen: tile.chosen, out: out)
        }
    }
}
