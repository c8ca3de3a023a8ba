#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GDALKit
import QuickLook
import RasterTiling

extension Engine {
    /// Runs `geokernel preview INPUT [OUTPUT] [selection options] -o PATH.png`: the quick look
    /// of an existing pair (or of INPUT and its selection alone), from decimated GDAL reads
    /// (overviews when the files have them) and the selection evaluated at the sampled pixels
    /// with the sources `apply` would prepare. Writes only the PNG.
    /// - Parameters:
    ///   - options: INPUT, the selection options and `preview` (the request); the kernel is unused.
    ///   - output: the result of an earlier `apply` of INPUT, on its grid, or `nil`.
    /// - Throws: `EngineError` with a one-line message (unreadable files, grids that differ, bad bands).
    public static func preview(_ options: ApplyOptions, output: String?) throws(EngineError) -> PreviewReport {
        try mappingErrors(options, "previewing") { try makePreview(options, output: output) }
    }

    private static func makePreview(_ options: ApplyOptions, output: String?) throws -> PreviewReport {
        GDALRuntime.ensureReady()
        guard let request = options.preview else { throw EngineError.badOption("no preview path (-o PATH.png)") }
        try request.check(notAnyOf: [options.input] + (output.map { [$0] } ?? []) + (options.mask.map { [$0] } ?? []))
        let input = try gdal(options.input, "opening") { try Dataset.open(options.input) }
        let bands = try request.shownBands(count: input.bandCount)
        let layout = try RasterLayout(input, path: options.input, filteredBands: bands)
        let selection = try Selection(options, input: input, layout: layout)
        defer { selection.removeTemporaries() }
        let grid = SampleGrid(rasterWidth: layout.width, rasterHeight: layout.height, maximumSide: request.panelSide)
        var samples = SamplePlanes(width: grid.width, height: grid.height, bands: bands.count,
                                   withOutput: output != nil)
        (samples.input, samples.inputValid) = try PreviewSampling.bands(input, bands, grid: grid, path: options.input)
        samples.selected = try PreviewSampling.selection(selection, input: input, grid: grid)
        var text = provenance(options, selection: selection.combinedSummaries, request: request, bands: bands)
        text.removeAll { $0.key == "METHOD" }
        if let output {
            let out = try gdal(output, "opening") { try Dataset.open(output) }
            if let reason = MaskGrid.gridDifference(out, input) {
                throw EngineError.badOption("\(output) is not on the pixel grid of \(options.input): \(reason)")
            }
            guard out.bandCount >= (bands.max() ?? 1) else {
                let plural = out.bandCount == 1 ? "" : "s"
                throw EngineError.badOption("\(output) has \(out.bandCount) band\(plural);"
                                            + " the preview shows band \(bands.max() ?? 1)")
            }
            (samples.output, samples.outputValid) = try PreviewSampling.bands(out, bands, grid: grid, path: output)
            text.append(("OUTPUT", output))
        }
        return try PreviewFile.writing(request.path) { file in
            try writeQuickLook(samples, request: request, text: text, into: file)
        }
    }
}
