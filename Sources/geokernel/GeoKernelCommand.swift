import ArgumentParser

/// `geokernel`: apply a convolution kernel to the masked pixels of huge georeferenced rasters.
@main
struct GeoKernelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geokernel",
        abstract: "Apply a convolution kernel to selected pixels of a huge georeferenced raster, tile by tile.",
        discussion: """
        Example: geokernel apply scene.tif out.tif --kernel sharpen --bbox 150000,2700000,250000,2780000
        Shell completion: geokernel --generate-completion-script bash|zsh|fish (see the README).
        """,
        version: "0.1.0",
        subcommands: [ApplyCommand.self, PlanCommand.self, InfoCommand.self]
    )
}
