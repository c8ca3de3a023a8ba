#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GDALKit
import QuickLook
import RasterKernels
import RasterTiling

/// What a quick look wrote. Thread safety: a plain value, `Sendable`.
public struct PreviewReport: Sendable, Codable {
    /// The PNG written and its size in pixels.
    public var path: String
    public var width: Int, height: Int
    /// Each panel's name and place (`x,y,width,height`), in reading order.
    public var panels: [String]
    /// Sample grid cells, those selected, and those not sampled (drawn hatched).
    public var samples: Int, samplesSelected: Int, samplesUnknown: Int
}

extension Engine {
    /// Rasters up to this many pixels have the cells `apply` never read (a copied input's
    /// untouched blocks) filled by a decimated read after the run; larger ones only when the
    /// files read have overviews, and are otherwise left hatched, since that read would decode
    /// every block (see Docs/preview.md).
    static let previewFillPixels = 16 << 20

    // MARK: - apply --preview

    /// The canvas the workers feed, when `--preview` is given.
    static func previewCanvas(_ options: ApplyOptions, layout: RasterLayout, outputType: RasterDataType,
                              nanValues: [Double]) throws -> PreviewCanvas? {
        guard let request = options.preview else { return nil }
        let bands = try request.shownBands(count: layout.bandCount)
        let grid = SampleGrid(rasterWidth: layout.width, rasterHeight: layout.height, maximumSide: request.panelSide)
        let noData = bands.map { b in
            RasterLayout.nodataComparand(flags: layout.maskFlags[b - 1], type: layout.bandTypes[b - 1],
                                       noData: layout.noData[b - 1])
        }
        return PreviewCanvas(grid: grid, bands: bands, noData: noData, outputType: outputType, nanValues: nanValues)
    }

    /// What the quick look of a run says of it, known once every chunk is done.
    struct PreviewFacts: Sendable {
        var stats: RunStats
        var width: Int, height: Int
        var passThrough: PassThrough
        var chunksResumed: Int
        /// The selection sources, as the report lists them.
        var selectionSources: [String]
    }

    /// Writes the quick look of a finished run into `file` (the caller commits or discards it): fills the
    /// cells no worker recorded when that is cheap (`previewFillPixels`), then draws and encodes the PNG
    /// with the run's provenance.
    /// - Returns: the seconds it took.
    static func finishPreview(_ canvas: PreviewCanvas, _ options: ApplyOptions, request: PreviewRequest,
                              facts report: PreviewFacts, into file: PreviewFile) throws -> Double {
        let started = ContinuousClock.now
        let grid = canvas.grid
        let small = grid.rasterWidth * grid.rasterHeight <= previewFillPixels
        func cheap(_ path: String) throws -> Bool {   // a decimated read of it decodes a fraction of its blocks
            let ds = try gdal(path, "opening for the preview") { try Dataset.open(path) }
            return try canvas.bands.allSatisfy { b in
                try gdal(path, "reading band \(b)") { try ds.withBand(b) { $0.overviewCount } } > 0
            }
        }
        if canvas.unknownCount > 0,
           try small || (cheap(options.input) && (report.chunksResumed == 0 || cheap(options.output))) {
            let input = try gdal(options.input, "opening for the preview") { try Dataset.open(options.input) }
            let (values, valid) = try PreviewSampling.bands(input, canvas.bands, grid: grid, path: options.input)
            var output: [[Double]]? = nil
            if report.chunksResumed > 0 {   // chunks of an earlier run: their output is not the input
                let out = try gdal(options.output, "opening for the preview") { try Dataset.open(options.output) }
                output = try PreviewSampling.bands(out, canvas.bands, grid: grid, path: options.output).values
            }
            canvas.fill(input: values, output: output, valid: valid)
        }
        let s = report.stats
        var text = provenance(options, selection: report.selectionSources, request: request, bands: canvas.bands)
        text += [("OUTPUT", options.output),
                 ("PIXELS_SELECTED", "\(s.pixelsSelected) of \(report.width * report.height)"),
                 ("TILES", "\(s.tilesTotal) in all, \(s.tilesConvolved) convolved, \(s.tilesSkipped) skipped"),
                 ("PASS_THROUGH", report.passThrough.name)]
        _ = try writeQuickLook(canvas.planes(), request: request, text: text, into: file)
        return Meter.seconds(ContinuousClock.now - started)
    }

    // MARK: - Shared

    /// The provenance every quick look carries: command, version, method and kernel, the
    /// selection (`selection`: the sources as `Selection` names them), bands.
    static func provenance(_ options: ApplyOptions, selection sources: [String], request: PreviewRequest,
                           bands: [Int]) -> [(key: String, value: String)] {
        var method = options.operationSummary
        if let k = options.kernel, options.method == .convolve {
            var weights = ""
            if k.width * k.height <= 81 {
                let rows = (0..<k.height).map { r in
                    (0..<k.width).map { c in cFormat("%g", k.values[r * k.width + c]) }.joined(separator: ",")
                }
                weights = "; weights " + rows.joined(separator: ";")
            }
            method = "convolution, kernel \(k.width)x\(k.height), sum \(cFormat("%g", k.sum))"
                + "\(k.isSeparable ? ", separable" : "")\(weights)"
        }
        return [("COMMAND", request.commandLine),
                ("VERSION", "geokernel \(request.version), GDAL \(GDALRuntime.version)"),
                ("INPUT", options.input),
                ("METHOD", "\(method); edge \(options.edge.rawValue), nodata policy \(options.nodataPolicy.rawValue)"),
                ("SELECTION", sources.isEmpty ? "every pixel" : sources.joined(separator: " AND ")),
                ("BANDS", bands.map(String.init).joined(separator: ",")
                    + (bands.count == 3 ? " as red, green, blue" : " as grey"))]
    }

    /// Draws `samples` and encodes the PNG through GDAL: a MEM dataset (red, green, blue, alpha; or one
    /// palette band for a grey quick look), its metadata the text chunks, copied by the PNG driver, into
    /// `file` (the caller commits it or discards it: no partial file on failure).
    static func writeQuickLook(_ samples: SamplePlanes, request: PreviewRequest, text: [(key: String, value: String)],
                               into file: PreviewFile) throws -> PreviewReport {
        let image = QuickLookImage(samples)
        let panels = image.panels.map { p in
            "\(p.name) \(p.window.x),\(p.window.y),\(p.window.width),\(p.window.height)"
        }
        let stretch = image.stretches.map { cFormat("%g..%g", $0.low, $0.high) }.joined(separator: "; ")
        let unknown = samples.known.reduce(0) { $0 + (1 - Int($1)) }
        let selected = samples.selected.reduce(0) { $0 + Int($1) }
        var items = text + [
            ("PANELS", panels.joined(separator: "; ")),
            ("STRETCH", "2-98 % of the input's valid samples, shared by input and output: \(stretch)"),
            ("SAMPLES", "\(samples.width)x\(samples.height) nearest-neighbour samples, \(selected) selected"),
        ]
        if samples.output != nil {
            let white = image.differenceWhite.map { cFormat("%g", $0) } ?? "none (every difference is zero)"
            items.append(("DIFFERENCE", "black = zero; white = \(white) of the stretch range;"
                          + " any non-zero at least \(QuickLookImage.differenceFloor)/255"))
        }
        if unknown > 0 {
            items.append(("NOT_SAMPLED", "\(unknown) samples in blocks the run never read (copied from the input,"
                          + " or done before --resume): hatched; geokernel preview INPUT OUTPUT draws them"))
        }
        do {
            let bands = image.palette == nil ? 4 : 1
            let ds = try Dataset.inMemory(width: image.width, height: image.height, bandCount: bands, dataType: .byte)
            let rect = Window(x: 0, y: 0, width: image.width, height: image.height)
            let layout = BufferLayout(dataType: .byte, width: image.width, height: image.height)
            try image.pixels.withUnsafeBytes { try ds.write(bands: Array(1...bands), rect, from: $0, layout: layout) }
            if let palette = image.palette {
                let entries = stride(from: 0, to: palette.count, by: 4).map { i in
                    ColorEntry(palette[i], palette[i + 1], palette[i + 2], palette[i + 3])
                }
                try ds.withBand(1) { try $0.setColorEntries(entries) }
            } else {
                for (b, name) in ["Red", "Green", "Blue", "Alpha"].enumerated() {
                    try ds.withBand(b + 1) { try $0.setColorInterpretation(name) }
                }
            }
            try ds.setMetadata(items)
            try file.write(ds.pngBytes(zlevel: 1))
        } catch {
            throw EngineError(wrapping: error, path: request.path, context: "writing the preview")
        }
        return PreviewReport(path: request.path, width: image.width, height: image.height, panels: panels,
                             samples: samples.count, samplesSelected: selected, samplesUnknown: unknown)
    }
}
