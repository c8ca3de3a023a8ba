import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RasterEngine

/// `geokernel plan INPUT [selection and processing options]`: a dry run.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what apply would do: tiling, tiles visited, bytes to read and write, memory bound, BigTIFF.",
        discussion: """
        Reads only the metadata and the selection sources (mask, --where bands); writes nothing.

        Example: what a 5x5 box over the water would cost, as JSON:
          geokernel plan scene.tif --mask water.tif --kernel box:5 --json
        """
    )

    @Argument(help: "Any raster GDAL opens.")
    var input: String

    @Option(parsing: .unconditional,
            help: ArgumentHelp("The kernel apply would use (its size sets the halo); default identity with --method "
                               + "convolve.", valueName: "SPEC"))
    var kernel: String?

    @OptionGroup(title: "Selection")
    var selection: SelectionOptions

    @OptionGroup(title: "Processing and output")
    var processing: ProcessingOptions

    @OptionGroup(title: "Quick look")
    var look: PreviewFlags

    @Option(help: ArgumentHelp("Also list the N partitions of a scaled-out run (apply --partition I/N): "
        + "windows, bounds, selected chunks, bytes.", valueName: "N"))
    var partitions: Int?

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        let report: PlanReport
        do {
            var o = try processing.options(input: input, output: "", kernel: kernel, defaultKernel: "identity")
            try selection.apply(to: &o)
            o.preview = try look.request()
            report = try Engine.plan(o, partitions: partitions)
        } catch {
            Diagnostics.fail(error)
        }
        if json {
            try Diagnostics.printJSON(report)
        } else {
            print(report.text)
        }
    }
}
