import RasterKernels

extension ApplyOptions {
    /// The neighbourhood operation the options name, behind the tile seam: its halo decides
    /// what is read, the plan's memory bound and the block cache's reach. Valid once
    /// `checkBounds()` passed (a kernel for convolve, a footprint for the others).
    var operation: any TileOperation {
        if method == .convolve, let kernel { return ConvolutionOperation(kernel: kernel, policy: nodataPolicy) }
        guard let footprint else { preconditionFailure("checkBounds() requires a footprint for --method \(method)") }
        return NeighbourhoodFilter(method: method, footprint: footprint)
    }

    /// What the operation is, as the plan and the report name it.
    public var operationSummary: String {
        if method == .convolve, let kernel { return "convolve, \(kernel)" }
        return "\(method), footprint \(footprint.map { "\($0)" } ?? "none")"
    }

    /// The selection's dilation (positive radius) or erosion (negative) before filtering.
    var selectionMorphology: Int { growMask ?? -(shrinkMask ?? 0) }
}
