import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RasterEngine
import RasterKernels

/// `--preview PATH.png`, `--preview-bands LIST`, `--preview-size N`: the quick look of `apply`
/// (and what `plan` reports). Shared by `apply` and `plan`.
struct PreviewFlags: ParsableArguments {
    @Option(help: ArgumentHelp("Also write a quick look: input, selection, output and |output - input| side by side.",
                               valueName: "PATH.png"))
    var preview: String?

    @Option(name: .customLong("preview-bands"), help: ArgumentHelp(PreviewFlags.bandsHelp, valueName: "LIST"))
    var bands: String?

    @Option(name: .customLong("preview-size"), help: "Each panel's long side at most, in pixels (1-1024, default 384).")
    var size: Int = PreviewRequest.defaultPanelSide

    static let bandsHelp = "Bands shown as red,green,blue (e.g. 4,3,2) or one band as grey;"
        + " default the first three (band 1 with fewer)."

    /// The engine's request, `nil` without `--preview`.
    func request() throws(EngineError) -> PreviewRequest? {
        guard let preview else {
            if bands != nil { throw .badOption("--preview-bands goes with --preview") }
            return nil
        }
        return try PreviewFlags.request(path: preview, bands: bands, size: size)
    }

    /// A request for `path` with the command line and version as provenance.
    static func request(path: String, bands: String?, size: Int) throws(EngineError) -> PreviewRequest {
        var list: [Int]? = nil
        if let bands {
            do { list = try ApplyOptions.parseBands(bands) } catch {
                let reason = error.description.replacing("--bands: ", with: "")
                throw .badOption("--preview-bands: " + reason)
            }
        }
        return PreviewRequest(path: path, bands: list, panelSide: size, commandLine: commandLine,
                              version: GeoKernelCommand.configuration.version)
    }

    /// This process's command line, each argument quoted for a POSIX shell when it needs it.
    static var commandLine: String {
        CommandLine.arguments.map { a in
            let plain = !a.isEmpty && a.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }
            return plain ? a : "'" + a.replacing("'", with: "'\\''") + "'"
        }.joined(separator: " ")
    }
}

/// `geokernel preview INPUT [OUTPUT] [selection options] -o PATH.png`: the quick look of an
/// existing pair, from decimated reads (overviews when the files have them).
struct PreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Draw a quick look of INPUT, its selection, OUTPUT and |OUTPUT - INPUT| as one PNG.",
        discussion: """
        Reads INPUT and OUTPUT decimated (384 samples on the long side by default, at most 1024; nearest \
        neighbour, from overviews when the files have them), never at full resolution. Without OUTPUT, draws INPUT and \
        its selection only. Example: geokernel preview scene.tif scene_smoothed.tif --mask water.tif -o look.png
        """
    )

    @Argument(help: "Any raster GDAL opens.")
    var input: String

    @Argument(help: "The result of apply on INPUT (same grid); optional.")
    var output: String?

    @OptionGroup(title: "Selection")
    var selection: SelectionOptions

    @Option(name: .customShort("o"), help: ArgumentHelp("The PNG to write (replaced if it exists).",
                                                        valueName: "PATH.png"))
    var png: String

    @Option(name: .customLong("preview-bands"), help: ArgumentHelp(PreviewFlags.bandsHelp, valueName: "LIST"))
    var bands: String?

    @Option(name: .customLong("preview-size"), help: "Each panel's long side at most, in pixels (1-1024, default 384).")
    var size: Int = PreviewRequest.defaultPanelSide

    @Flag(help: "Print one JSON object describing the PNG.")
    var json = false

    func run() throws {
        let report: PreviewReport
        do {
            var o = ApplyOptions(input: input, output: output ?? "", kernel: try Kernel(rows: [[1]]))
            try selection.apply(to: &o)
            o.preview = try PreviewFlags.request(path: png, bands: bands, size: size)
            report = try Engine.preview(o, output: output)
        } catch let e as EngineError {
            Diagnostics.fail(e)
        }
        if json {
            try Diagnostics.printJSON(report)
        } else {
            print("wrote \(report.path) (\(report.width)x\(report.height)): \(report.panels.joined(separator: "; "))")
        }
    }
}
