import ArgumentParser
import Foundation
import RasterEngine

/// `geokernel plan INPUT [selection and processing options]`: a dry run.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what apply would do: tiling, tiles visited, bytes to read and write, memory bound, BigTIFF.",
        discussion: "Reads only the metadata and the selection sources (mask, --where bands); writes nothing."
    )

    @Argument(help: "Any raster GDAL opens.")
    var input: String

    @Option(parsing: .unconditional, help: ArgumentHelp("The kernel apply would use (its size sets the halo); default identity.", valueName: "SPEC"))
    var kernel: String = "identity"

    @OptionGroup(title: "Selection")
    var selection: SelectionOptions

    @OptionGroup(title: "Processing and output")
    var processing: ProcessingOptions

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        let report: PlanReport
        do {
            var o = try processing.options(input: input, output: "", kernelSpec: kernel)
            try selection.apply(to: &o)
            report = try Engine.plan(o)
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
