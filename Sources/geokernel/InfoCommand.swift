import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RasterEngine

/// `geokernel info FILE [--check] [--json]`: what the engine sees in a raster.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Print size, bands, types, block size, CRS, nodata and mask flags of a raster.",
        discussion: """
        With --check, every block of every band (and of the mask band, when the file has one) is decoded; \
        the first block that fails is named with GDAL's message and the exit code is 1. \
        With --check --json, each band's checksum is added, the number gdalinfo -checksum prints.

        Example: verify an input before a long run, and keep its checksums:
          geokernel info scene.tif --check --json
        """
    )

    @Argument(help: "Any raster GDAL opens.")
    var file: String

    @Flag(help: "Decode every block of every band and of the mask band; exit 1 naming the first that fails.")
    var check = false

    @Flag(help: "Print one JSON object instead of text (with --check: per-band checksums, as gdalinfo -checksum).")
    var json = false

    func run() throws {
        var summary: DatasetSummary
        do { summary = try DatasetSummary(path: file) } catch { Diagnostics.fail(error) }
        if check {
            let result: BlockCheck
            do { result = try BlockCheck.run(path: file, checksums: json) } catch { Diagnostics.fail(error) }
            summary.check = result
            if let failure = result.failure {
                let error = EngineError.badOption("\(file): \(failure.description)")
                if json {
                    let report = CheckFailureJSON(error: error.description, path: file, failedBlock: failure)
                    try Diagnostics.printJSON(report)
                }
                Diagnostics.fail(error)
            }
        }
        if json {
            try Diagnostics.printJSON(summary)
        } else {
            print(summary.text)
            if let c = summary.check {
                let mask = c.maskRead ? " (mask blocks included)" : ""
                print("Check: \(c.blocksRead) blocks read\(mask), every block decodes")
            }
        }
    }
}

/// `info --check --json` when a block fails: the error, as `apply --json` reports one, and the block.
struct CheckFailureJSON: Encodable {
    var ok = false
    var exitCode = 1
    var error: String
    var path: String
    var failedBlock: BlockCheck.Failure

    enum CodingKeys: String, CodingKey {
        case ok, error, path
        case exitCode = "exit_code", failedBlock = "failed_block"
    }
}
