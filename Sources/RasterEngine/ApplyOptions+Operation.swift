import RasterKernels

extension ApplyOptions {
    /// The neighbourhood operation the options name, behind the tile seam: its halo decides
    /// what is read, the plan's memory bound and the block cache's reach.
    var operation: ConvolutionOperation { ConvolutionOperation(kernel: kernel, policy: nodataPolicy) }
}
