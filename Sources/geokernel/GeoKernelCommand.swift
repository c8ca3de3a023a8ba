import ArgumentParser

/// `geokernel`: apply a convolution kernel to the masked pixels of huge georeferenced rasters.
@main
struct GeoKernelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geokernel",
        abstract: "Apply a convolution kernel to selected pixels of a huge georeferenced raster, tile by tile.",
        discussion: """
        Example: a 5x5 mean over the water, every other pixel kept:
          geokernel apply scene.tif out.tif --kernel box:5 --mask water.tif

        Shell completion: geokernel --generate-completion-script bash|zsh|fish
        """,
        version: "0.1.0",
        subcommands: [ApplyCommand.self, PlanCommand.self, InfoCommand.self, PreviewCommand.self, MosaicCommand.self]
    )
}
