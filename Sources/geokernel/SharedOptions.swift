import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RasterEngine
import RasterKernels
import RasterTiling

extension EdgeMode: ExpressibleByArgument {}
extension NodataPolicy: ExpressibleByArgument {}

/// Which pixels are filtered: `--mask`, `--where`, `--bbox` (combined with AND), `--invert-mask`.
/// Shared by `apply` and `plan`.
struct SelectionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A raster on the input's pixel grid; pixels where its band is non-zero and not nodata "
                               + "are selected.", valueName: "PATH"))
    var mask: String?

    @Option(help: ArgumentHelp("A vector source (GeoPackage, Shapefile, GeoJSON, FlatGeobuf…) whose polygons select "
                               + "pixels; reprojected to the input's CRS.", valueName: "PATH"))
    var polygons: String?

    @Option(help: ArgumentHelp("The layer of --polygons (default: the first).", valueName: "NAME"))
    var layer: String?

    @Option(name: .customLong("sql-where"), parsing: .unconditional,
            help: ArgumentHelp("An attribute filter on --polygons, OGR SQL, e.g. \"class = 'water'\".",
                               valueName: "FILTER"))
    var sqlWhere: String?

    @Flag(name: .customLong("all-touched"),
          help: "With --polygons, select every pixel a polygon touches, not only those whose centre is inside.")
    var allTouched = false

    @Flag(name: .customLong("mask-warp"),
          help: ArgumentHelp("Resample a mask on another grid (resolution, extent or CRS) onto the input's, "
                + "nearest neighbour, "
                + "window by window."))
    var maskWarp = false

    @Option(name: .customLong("mask-band"), help: "The band of the mask raster to read (default 1).")
    var maskBand: Int = 1

    @Option(name: .customLong("where"), parsing: .unconditional,
            help: ArgumentHelp("Select pixels by an expression over the input's bands, e.g. \"b1 > 1200 && "
                               + "!nodata(b2)\".", valueName: "EXPR"))
    var whereExpression: String?

    @Option(parsing: .unconditional,
            help: ArgumentHelp("Select pixels whose centre lies in this box, in the input's CRS (or --bbox-crs).",
                               valueName: "XMIN,YMIN,XMAX,YMAX"))
    var bbox: String?

    @Option(name: .customLong("bbox-crs"), help: ArgumentHelp("The CRS of --bbox, e.g. EPSG:4326.", valueName: "CRS"))
    var bboxCRS: String?

    @Flag(name: .customLong("invert-mask"),
          help: "Filter the pixels the selection (mask, --where, --bbox together) leaves out.")
    var invertMask = false

    @Option(name: .customLong("grow-mask"),
            help: ArgumentHelp("Dilate the combined selection (after --invert-mask) by a disk of R pixels before "
                               + "filtering.", valueName: "R"))
    var growMask: Int?

    @Option(name: .customLong("shrink-mask"),
            help: ArgumentHelp("Erode the combined selection by a disk of R pixels (pixels within R of the raster's "
                               + "edge are left out, as scipy's binary_erosion does).", valueName: "R"))
    var shrinkMask: Int?

    /// Puts the selection into the engine's options.
    func apply(to o: inout ApplyOptions) throws(EngineError) {
        o.mask = mask
        o.maskBand = maskBand
        o.maskWarp = maskWarp
        o.polygons = polygons
        o.polygonLayer = layer
        o.polygonWhere = sqlWhere
        o.allTouched = allTouched
        if polygons == nil && (layer != nil || sqlWhere != nil || allTouched) {
            throw .badOption("--layer, --sql-where and --all-touched go with --polygons")
        }
        o.invertMask = invertMask
        o.growMask = growMask
        o.shrinkMask = shrinkMask
        if let whereExpression {
            do {
                o.whereExpression = try SelectionExpression(parsing: whereExpression)
            } catch {
                throw .badOption(error.description)
            }
        }
        if let bbox { o.bbox = try ApplyOptions.parseBBox(bbox) }
        if bboxCRS != nil && bbox == nil { throw .badOption("--bbox-crs needs --bbox") }
        o.bboxCRS = bboxCRS
    }
}

/// How the kernel is applied and what is written. Shared by `apply` and `plan`.
struct ProcessingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("What is computed over each pixel's neighbourhood: convolve (with --kernel, the "
                               + "default), median, min, max, range, percentile:P, mean, variance, stddev, mode "
                               + "(class maps), lee:LOOKS (SAR speckle).", valueName: "METHOD"))
    var method: String = "convolve"

    @Option(parsing: .unconditional,
            help: ArgumentHelp("The neighbourhood of a --method other than convolve: square:N, rect:WxH, disk:R, a "
                               + "file or an inline matrix whose non-zero entries are the footprint.",
                               valueName: "SPEC"))
    var footprint: String?

    @Option(help: ArgumentHelp("How the raster is extended past its border: reflect, mirror, nearest, constant or wrap "
                  + "(scipy.ndimage's meanings)."))
    var edge: EdgeMode = .reflect

    @Option(parsing: .unconditional,
            help: "The value outside the raster with --edge constant (negative values allowed).")
    var cval: Double = 0

    @Option(help: ArgumentHelp("Bands to filter, 1-based (e.g. 1,3 or 2-4); the others are copied unchanged.",
                               valueName: "LIST"))
    var bands: String?

    @Option(name: .customLong("nodata-policy"),
            help: ArgumentHelp("renormalize: leave invalid neighbours out and rescale the weights; "
                  + "ignore: use nodata values as "
                  + "numbers."))
    var nodataPolicy: NodataPolicy = .renormalize

    @Option(name: .customLong("ot", withSingleDash: true),
            help: ArgumentHelp("Output data type (GDAL name: Byte, UInt16, Int16, UInt32, Int32, Float32, Float64); "
                               + "default the input's.", valueName: "TYPE"))
    var outputType: String?

    @Option(name: .customLong("of", withSingleDash: true),
            help: ArgumentHelp("Output format: GTiff (default) or COG (Cloud Optimized GeoTIFF with overviews).",
                               valueName: "FORMAT"))
    var format: String = "GTiff"

    @Option(help: ArgumentHelp("Overview resampling with -of COG: average (default), nearest (class data), bilinear, "
                               + "cubic, cubicspline, lanczos, mode, rms.", valueName: "METHOD"))
    var overviews: String?

    @Option(name: .customLong("co", withSingleDash: true),
            help: ArgumentHelp("GDAL GeoTIFF creation option, repeatable; overrides the defaults.",
                               valueName: "KEY=VALUE"))
    var creationOptions: [String] = []

    @Option(name: .customLong("tile-size"),
            help: "Tile edge in pixels (default: the engine's choice, 512 rounded to output blocks).")
    var tileSize: Int?

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?

    @Flag(name: .customLong("no-input-copy"),
          help: ArgumentHelp("Decode and write every block, even when the output could start as a copy of "
                + "the input with only the "
                + "selected blocks rewritten."))
    var noInputCopy = false

    /// Builds the engine's options for INPUT, OUTPUT and the `--kernel` spec, if any
    /// (`defaultKernel` when convolving without one; an error when that is `nil` too).
    func options(input: String, output: String, kernel: String?,
                 defaultKernel: String? = nil) throws(EngineError) -> ApplyOptions {
        let m: FilterMethod
        do { m = try FilterMethod(parsing: method) } catch { throw .badOption("--method: \(error.description)") }
        var o: ApplyOptions
        if m == .convolve {
            if footprint != nil {
                throw .badOption("--footprint goes with a footprint method (--method median, min, max, …); convolve "
                                 + "takes --kernel")
            }
            guard let spec = kernel ?? defaultKernel else {
                throw .badOption("apply needs --kernel SPEC (or --method METHOD with --footprint SPEC)")
            }
            if let ground = try KernelSource.groundKernel(spec) {
                o = ApplyOptions(input: input, output: output, groundKernel: ground)
            } else {
                o = ApplyOptions(input: input, output: output, kernel: try KernelSource.resolve(spec))
                o.kernelFile = KernelSource.file(spec)
            }
        } else {
            if kernel != nil {
                throw .badOption("--kernel goes with --method convolve; --method \(m) takes --footprint")
            }
            guard let footprint else {
                throw .badOption("--method \(m) needs --footprint (square:N, rect:WxH, disk:R, a file or a matrix)")
            }
            if let ground = FootprintSource.ground(footprint) {
                o = ApplyOptions(input: input, output: output, method: m, groundFootprint: ground)
            } else {
                o = ApplyOptions(input: input, output: output, method: m,
                                 footprint: try FootprintSource.resolve(footprint))
                o.footprintFile = KernelSource.file(footprint)
            }
        }
        o.edge = edge
        o.cval = cval
        if let bands { o.bands = try ApplyOptions.parseBands(bands) }
        o.nodataPolicy = nodataPolicy
        if let outputType { try o.setOutputType(named: outputType) }
        for co in creationOptions where !co.contains("=") {
            throw .badOption("-co \(co): a creation option is KEY=VALUE")
        }
        o.creationOptions = creationOptions
        let named = ApplyOptions.Format.allCases.first { $0.rawValue.lowercased() == format.lowercased() }
        guard let f = named else {
            throw .badOption("-of \(KernelError.quoted(format)): the output format is GTiff or COG")
        }
        o.format = f
        if let overviews {
            let known = ["nearest", "average", "bilinear", "cubic", "cubicspline", "lanczos", "mode", "rms"]
            guard known.contains(overviews.lowercased()) else {
                throw .badOption("--overviews \(KernelError.quoted(overviews)): known methods are "
                                 + known.joined(separator: ", "))
            }
            o.overviewResampling = overviews.lowercased()
        }
        o.tileSize = tileSize
        o.threads = threads
        o.noInputCopy = noInputCopy
        return o
    }
}
