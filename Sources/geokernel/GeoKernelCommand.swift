import ArgumentParser

/// `geokernel`: apply a convolution kernel to the masked pixels of huge georeferenced rasters.
@main
struct GeoKernelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geokernel",
        abstract: "Apply a convolution kernel to selected pixels of a huge georeferenced raster, tile by tile.",
        version: "0.1.0",
        subcommands: [ApplyCommand.self, PlanCommand.self, InfoCommand.self, PreviewCommand.self]
    )
}
