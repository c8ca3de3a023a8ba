import ArgumentParser
import Dispatch
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import RasterEngine
import RasterKernels
import RasterTiling


/// `geokernel apply INPUT OUTPUT --kernel SPEC [--mask PATH] [options]`.
struct ApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Convolve the selected pixels of INPUT with a kernel and write a georeferenced GeoTIFF.",
        discussion: """
        Pixels outside the mask, and pixels GDAL's mask marks invalid, come out bit-for-bit unchanged.
        The result equals scipy.ndimage.convolve(band, kernel, mode=EDGE) composited by the mask,
        whatever --tile-size and --threads are.

        Example: smooth the water with a Gaussian of sigma 30 metres:
          geokernel apply scene.tif smoothed.tif --kernel gaussian:30m --mask water.tif
        """
    )

    @Argument(help: "Any raster GDAL opens.")
    var input: String

    @Argument(help: "The GeoTIFF to write (refused if it exists, unless --overwrite).")
    var output: String

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "With --method convolve (the default): a kernel file, an inline matrix (\"0,-1,0;-1,5,-1;0,-1,0\"), "
            + "or a preset: identity, box:N, gaussian:SIGMA, sharpen, laplacian, sobel-x, sobel-y, emboss. "
            + "Sizes may be ground lengths: gaussian:30m, box:0.09km.",
        valueName: "SPEC"))
    var kernel: String?

    @OptionGroup(title: "Selection")
    var selection: SelectionOptions

    @OptionGroup(title: "Processing and output")
    var processing: ProcessingOptions

    @OptionGroup(title: "Quick look")
    var look: PreviewFlags

    @Option(parsing: .unconditional,
            help: ArgumentHelp("Compute only partition I (0-based) of N and write just its rectangle, for a mosaic "
        + "(geokernel mosaic); env/N takes I from JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX.",
        valueName: "I/N"))
    var partition: String?

    @Flag(help: "Replace OUTPUT if it exists.")
    var overwrite = false

    @Flag(help: ArgumentHelp("Keep a partial output and checkpoint when interrupted, and continue an interrupted "
                             + "run of the same command from them."))
    var resume = false

    @Flag(name: .shortAndLong, help: "No progress (unless --progress) and no summary.")
    var quiet = false

    @Flag(help: "Show progress also when stderr is not a terminal, as GDAL's tools do: 0...10...20 ... 100 - done.")
    var progress = false

    @Flag(help: "Print a JSON report on stdout at the end.")
    var json = false

    func run() throws {
        let options: ApplyOptions
        do { options = try makeOptions() } catch { fail(error, options: nil) }

        // A file-size limit (ulimit -f) must be a write error GDAL reports, not a silent kill.
        signal(SIGXFSZ, SIG_IGN)
        let cancellation = Cancellation()
        let signalSources = [SIGINT, SIGTERM].map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { cancellation.cancel(signal: sig) }
            source.resume()
            return source
        }
        defer { signalSources.forEach { $0.cancel() } }

        let display = ProgressDisplays.make(quiet: quiet, requested: progress, terminal: Diagnostics.stderrIsTerminal,
                                            pixels: (try? DatasetSummary(path: input)).map { $0.width * $0.height })
        let onProgress: (@Sendable (Double) -> Void)? = display.map { d in { @Sendable f in d.update(f) } }
        let report: ApplyReport
        do {
            report = try Engine.apply(options, cancellation: cancellation, progress: onProgress)
        } catch {
            display?.finish(completed: false)
            fail(error, options: options)
        }
        display?.finish(completed: true)
        if json {
            print(ReportJSON.render(report, options: options))
        } else if !quiet {
            let s = report.stats
            let bands = "\(report.bandCount) band\(report.bandCount == 1 ? "" : "s")"
            print("wrote \(report.output) (\(report.width)x\(report.height), \(bands), \(report.outputType.name)): "
                  + "\(s.tilesConvolved) of \(s.tilesTotal) tiles convolved, \(s.pixelsSelected) pixels selected, "
                  + "\(cFormat("%.2f", report.seconds)) s")
        }
    }

    /// Reports a failure: the one-line error on stderr and, with `--json`, the same as a JSON
    /// object on stdout, with the exit code the process then exits with.
    func fail(_ error: EngineError, options: ApplyOptions?) -> Never {
        if json { print(ReportJSON.failure(error, input: input, output: output)) }
        Diagnostics.fail(error)
    }

    /// Maps the flags to the engine's options; every refusal is one line.
    func makeOptions() throws(EngineError) -> ApplyOptions {
        var o = try processing.options(input: input, output: output, kernel: kernel)
        try selection.apply(to: &o)
        o.partition = try partition.map { text throws(EngineError) in try PartitionChoice(parsing: text) }
        o.overwrite = overwrite
        o.resume = resume
        // A part's checksums would re-read it whole (a fifth of a part's CPU); the mosaic's are what count.
        o.checksums = json && partition == nil
        o.preview = try look.request()
        if let text = ProcessInfo.processInfo.environment["GEOKERNEL_CHECKPOINT_SECONDS"] {
            guard let v = Double(text), v >= 0, v.isFinite else {
                throw .badOption("GEOKERNEL_CHECKPOINT_SECONDS must be a number of seconds, not '\(text)'")
            }
            o.checkpointSeconds = v
        }
        return o
    }
}
