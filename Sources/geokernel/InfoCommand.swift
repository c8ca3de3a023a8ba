import ArgumentParser
import Foundation
import RasterEngine

/// `geokernel info FILE`: what the engine sees in a raster.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Print size, bands, types, block size, CRS, nodata and mask flags of a raster."
    )

    @Argument(help: "Any raster GDAL opens.")
    var file: String

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        let summary: DatasetSummary
        do { summary = try DatasetSummary(path: file) } catch { Diagnostics.fail(error) }
        if json {
            try Diagnostics.printJSON(summary)
        } else {
            print(summary.text)
        }
    }
}
