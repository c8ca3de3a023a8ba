import ArgumentParser
import Dispatch
import Foundation
import RasterEngine
import RasterKernels
import RasterTiling

extension EdgeMode: ExpressibleByArgument {}
extension NodataPolicy: ExpressibleByArgument {}

/// `geokernel apply INPUT OUTPUT --kernel SPEC [--mask PATH] [options]`.
struct ApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Convolve the selected pixels of INPUT with a kernel and write a georeferenced GeoTIFF.",
        discussion: """
        Pixels outside the mask, and pixels GDAL's mask marks invalid, come out bit-for-bit unchanged.
        The result equals scipy.ndimage.convolve(band, kernel, mode=EDGE) composited by the mask,
        whatever --tile-size and --threads are.
        """
    )

    @Argument(help: "Any raster GDAL opens.")
    var input: String

    @Argument(help: "The GeoTIFF to write (refused if it exists, unless --overwrite).")
    var output: String

    @Option(parsing: .unconditional, help: ArgumentHelp("A kernel file, an inline matrix (\"0,-1,0;-1,5,-1;0,-1,0\"), or a preset: identity, box:N, gaussian:SIGMA, sharpen, laplacian, sobel-x, sobel-y, emboss.", valueName: "SPEC"))
    var kernel: String

    @Option(help: ArgumentHelp("A raster on the input's pixel grid; pixels where its first band is non-zero and not nodata are filtered.", valueName: "PATH"))
    var mask: String?

    @Option(name: .customLong("mask-band"), help: "The band of the mask raster to read (default 1).")
    var maskBand: Int = 1

    @Option(name: .customLong("where"), parsing: .unconditional, help: ArgumentHelp("Select pixels by an expression over the input's bands, e.g. \"b1 > 1200 && !nodata(b2)\".", valueName: "EXPR"))
    var whereExpression: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Select pixels whose centre lies in this box, in the input's CRS (or --bbox-crs).", valueName: "XMIN,YMIN,XMAX,YMAX"))
    var bbox: String?

    @Option(name: .customLong("bbox-crs"), help: ArgumentHelp("The CRS of --bbox, e.g. EPSG:4326.", valueName: "CRS"))
    var bboxCRS: String?

    @Flag(name: .customLong("invert-mask"), help: "Filter the pixels the selection (mask, --where, --bbox together) leaves out.")
    var invertMask = false

    @Option(help: "How the raster is extended past its border: reflect, mirror, nearest, constant or wrap (scipy.ndimage's meanings).")
    var edge: EdgeMode = .reflect

    @Option(parsing: .unconditional, help: "The value outside the raster with --edge constant (negative values allowed).")
    var cval: Double = 0

    @Option(help: ArgumentHelp("Bands to filter, 1-based (e.g. 1,3 or 2-4); the others are copied unchanged.", valueName: "LIST"))
    var bands: String?

    @Option(name: .customLong("nodata-policy"), help: "renormalize: leave invalid neighbours out and rescale the weights; ignore: use nodata values as numbers.")
    var nodataPolicy: NodataPolicy = .renormalize

    @Option(name: .customLong("ot", withSingleDash: true), help: ArgumentHelp("Output data type (GDAL name: Byte, UInt16, Int16, UInt32, Int32, Float32, Float64); default the input's.", valueName: "TYPE"))
    var outputType: String?

    @Option(name: .customLong("co", withSingleDash: true), help: ArgumentHelp("GDAL GeoTIFF creation option, repeatable; overrides the defaults.", valueName: "KEY=VALUE"))
    var creationOptions: [String] = []

    @Option(name: .customLong("tile-size"), help: "Tile edge in pixels (default: the engine's choice, 512 rounded to output blocks).")
    var tileSize: Int?

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?

    @Flag(help: "Replace OUTPUT if it exists.")
    var overwrite = false

    @Flag(help: "Keep a partial output and checkpoint when interrupted, and continue an interrupted run of the same command from them.")
    var resume = false

    @Flag(name: .shortAndLong, help: "No progress and no summary.")
    var quiet = false

    @Flag(help: "Print a JSON report on stdout at the end.")
    var json = false

    func run() throws {
        let options: ApplyOptions
        do { options = try makeOptions() } catch { Diagnostics.fail(error) }

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

        let showProgress = !quiet && Diagnostics.stderrIsTerminal
        let progress: (@Sendable (Double) -> Void)? = showProgress ? { @Sendable (fraction: Double) in
            let percent = Int(fraction * 100)
            FileHandle.standardError.write(Data("\r\(percent)%".utf8))
        } : nil
        let report: ApplyReport
        do {
            report = try Engine.apply(options, cancellation: cancellation, progress: progress)
        } catch {
            if showProgress { Diagnostics.printError("") }
            Diagnostics.fail(error)
        }
        if showProgress { Diagnostics.printError("") }
        if json {
            print(ReportJSON.render(report, options: options))
        } else if !quiet {
            let s = report.stats
            print("wrote \(report.output) (\(report.width)x\(report.height), \(report.bandCount) band\(report.bandCount == 1 ? "" : "s"), \(report.outputType.name)): \(s.tilesConvolved) of \(s.tilesTotal) tiles convolved, \(s.pixelsSelected) pixels selected, \(String(format: "%.2f", report.seconds)) s")
        }
    }

    /// Maps the flags to the engine's options; every refusal is one line.
    func makeOptions() throws(EngineError) -> ApplyOptions {
        let k = try KernelSource.resolve(kernel)
        var o = ApplyOptions(input: input, output: output, kernel: k)
        o.mask = mask
        o.maskBand = maskBand
        o.invertMask = invertMask
        if let whereExpression {
            do { o.whereExpression = try SelectionExpression(parsing: whereExpression) } catch { throw .badOption(error.description) }
        }
        if let bbox { o.bbox = try ApplyOptions.parseBBox(bbox) }
        if bboxCRS != nil && bbox == nil { throw .badOption("--bbox-crs needs --bbox") }
        o.bboxCRS = bboxCRS
        o.edge = edge
        o.cval = cval
        if let bands { o.bands = try ApplyOptions.parseBands(bands) }
        o.nodataPolicy = nodataPolicy
        if let outputType { try o.setOutputType(named: outputType) }
        for co in creationOptions where !co.contains("=") {
            throw .badOption("-co \(co): a creation option is KEY=VALUE")
        }
        o.creationOptions = creationOptions
        o.tileSize = tileSize
        o.threads = threads
        o.overwrite = overwrite
        o.resume = resume
        if let text = ProcessInfo.processInfo.environment["GEOKERNEL_CHECKPOINT_SECONDS"] {
            guard let v = Double(text), v >= 0, v.isFinite else {
                throw .badOption("GEOKERNEL_CHECKPOINT_SECONDS must be a number of seconds, not '\(text)'")
            }
            o.checkpointSeconds = v
        }
        return o
    }
}
