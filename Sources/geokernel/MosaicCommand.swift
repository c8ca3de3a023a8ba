import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RasterEngine

/// `geokernel mosaic PART... OUTPUT [-of VRT|GTiff|COG]`: the parts of a partitioned run as one raster.
struct MosaicCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mosaic",
        abstract: "Mosaic the parts of a partitioned run (apply --partition I/N) into the one-machine result.",
        discussion: """
        Checks that the parts are exactly the N partitions of one run (each records the run's digest and
        its index); a missing, repeated, foreign or truncated part is refused, naming it. Writes a VRT over
        the parts (GDAL's gdalbuildvrt), or with -of GTiff or COG one file with the run's creation options.
        Its pixels, georeferencing, nodata and metadata equal those of the same apply run on one machine.

        Example: four parts, then one Cloud Optimized GeoTIFF:
          for i in 0 1 2 3; do geokernel apply scene.tif part$i.tif --kernel box:5 --partition $i/4; done
          geokernel mosaic part0.tif part1.tif part2.tif part3.tif smoothed.tif -of COG
        """
    )

    @Argument(help: ArgumentHelp("The parts, in any order, then OUTPUT.", valueName: "PART… OUTPUT"))
    var paths: [String]

    @Option(name: .customLong("of", withSingleDash: true),
            help: ArgumentHelp("VRT (default), GTiff or COG.", valueName: "FORMAT"))
    var format: String = "VRT"

    @Option(name: .customLong("co", withSingleDash: true), help: ArgumentHelp(
        "A creation option over the run's own (GTiff) or the COG driver's, repeatable.", valueName: "KEY=VALUE"))
    var creationOptions: [String] = []

    @Option(help: ArgumentHelp("Overview resampling with -of COG (default average).", valueName: "METHOD"))
    var overviews: String?

    @Flag(help: "Decode every block of every part first (a part damaged inside is refused, naming the block).")
    var check = false

    @Flag(help: "Replace OUTPUT if it exists.")
    var overwrite = false

    @Flag(name: .shortAndLong, help: "No summary.")
    var quiet = false

    @Flag(help: "Print a JSON report on stdout at the end.")
    var json = false

    func run() throws {
        let report: MosaicReport
        do {
            guard paths.count >= 2 else { throw EngineError.badOption("mosaic needs at least one PART and OUTPUT") }
            let named = MosaicOptions.Format.allCases.first { $0.rawValue.lowercased() == format.lowercased() }
            guard let f = named else {
                throw EngineError.badOption("-of \(format): the mosaic's format is VRT, GTiff or COG")
            }
            if overviews != nil && f != .cog { throw EngineError.badOption("--overviews needs -of COG") }
            for co in creationOptions where !co.contains("=") {
                throw EngineError.badOption("-co \(co): a creation option is KEY=VALUE")
            }
            var o = MosaicOptions(parts: Array(paths.dropLast()), output: paths.last!)
            o.format = f
            o.creationOptions = creationOptions
            o.overviewResampling = overviews
            o.overwrite = overwrite
            o.checkBlocks = check
            report = try Engine.mosaic(o)
        } catch let e as EngineError {
            if json { print(ReportJSON.failure(e, input: paths.first ?? "", output: paths.last ?? "")) }
            Diagnostics.fail(e)
        }
        if json {
            let object: [String: Any] = [
                "ok": true, "exit_code": 0, "output": report.output, "format": report.format.rawValue,
                "run": report.run, "parts": report.parts, "width": report.width, "height": report.height,
                "bands": report.bandCount, "bytes_written": report.bytesWritten, "seconds": report.seconds,
            ]
            print(JSONText.serialize(object))
        } else if !quiet {
            let bands = "\(report.bandCount) band\(report.bandCount == 1 ? "" : "s")"
            print("wrote \(report.output) (\(report.format.rawValue), \(report.width)x\(report.height), \(bands)) "
                  + "from \(report.parts) parts of run \(report.run)")
        }
    }
}
