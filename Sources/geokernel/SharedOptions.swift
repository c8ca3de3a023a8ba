import ArgumentParser
import Foundation
import RasterEngine
import RasterKernels
import RasterTiling

extension EdgeMode: ExpressibleByArgument {}
extension NodataPolicy: ExpressibleByArgument {}

/// Which pixels are filtered: `--mask`, `--where`, `--bbox` (combined with AND), `--invert-mask`.
/// Shared by `apply` and `plan`.
struct SelectionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A raster on the input's pixel grid; pixels where its band is non-zero and not nodata are selected.", valueName: "PATH"))
    var mask: String?

    @Option(help: ArgumentHelp("A vector source (GeoPackage, Shapefile, GeoJSON, FlatGeobuf…) whose polygons select pixels; reprojected to the input's CRS.", valueName: "PATH"))
    var polygons: String?

    @Option(help: ArgumentHelp("The layer of --polygons (default: the first).", valueName: "NAME"))
    var layer: String?

    @Option(name: .customLong("sql-where"), parsing: .unconditional, help: ArgumentHelp("An attribute filter on --polygons, OGR SQL, e.g. \"class = 'water'\".", valueName: "FILTER"))
    var sqlWhere: String?

    @Flag(name: .customLong("all-touched"), help: "With --polygons, select every pixel a polygon touches, not only those whose centre is inside.")
    var allTouched = false

    @Flag(name: .customLong("mask-warp"), help: "Resample a mask on another grid (resolution, extent or CRS) onto the input's, nearest neighbour, window by window.")
    var maskWarp = false

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
        if let whereExpression {
            do { o.whereExpression = try SelectionExpression(parsing: whereExpression) } catch { throw .badOption(error.description) }
        }
        if let bbox { o.bbox = try ApplyOptions.parseBBox(bbox) }
        if bboxCRS != nil && bbox == nil { throw .badOption("--bbox-crs needs --bbox") }
        o.bboxCRS = bboxCRS
    }
}

/// How the kernel is applied and what is written. Shared by `apply` and `plan`.
struct ProcessingOptions: ParsableArguments {
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

    @Option(name: .customLong("of", withSingleDash: true), help: ArgumentHelp("Output format: GTiff (default) or COG (Cloud Optimized GeoTIFF with overviews).", valueName: "FORMAT"))
    var format: String = "GTiff"

    @Option(help: ArgumentHelp("Overview resampling with -of COG: average (default), nearest (class data), bilinear, cubic, cubicspline, lanczos, mode, rms.", valueName: "METHOD"))
    var overviews: String?

    @Option(name: .customLong("co", withSingleDash: true), help: ArgumentHelp("GDAL GeoTIFF creation option, repeatable; overrides the defaults.", valueName: "KEY=VALUE"))
    var creationOptions: [String] = []

    @Option(name: .customLong("tile-size"), help: "Tile edge in pixels (default: the engine's choice, 512 rounded to output blocks).")
    var tileSize: Int?

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?

    @Flag(name: .customLong("no-input-copy"), help: "Decode and write every block, even when the output could start as a copy of the input with only the selected blocks rewritten.")
    var noInputCopy = false

    /// Builds the engine's options for INPUT, OUTPUT and `--kernel SPEC` (a file's path is
    /// kept for the resume fingerprint).
    func options(input: String, output: String, kernelSpec: String) throws(EngineError) -> ApplyOptions {
        var o = try options(input: input, output: output, kernel: KernelSource.resolve(kernelSpec))
        o.kernelFile = KernelSource.file(kernelSpec)
        return o
    }

    /// Builds the engine's options for INPUT, OUTPUT and a kernel.
    func options(input: String, output: String, kernel: Kernel) throws(EngineError) -> ApplyOptions {
        var o = ApplyOptions(input: input, output: output, kernel: kernel)
        o.edge = edge
        o.cval = cval
        if let bands { o.bands = try ApplyOptions.parseBands(bands) }
        o.nodataPolicy = nodataPolicy
        if let outputType { try o.setOutputType(named: outputType) }
        for co in creationOptions where !co.contains("=") {
            throw .badOption("-co \(co): a creation option is KEY=VALUE")
        }
        o.creationOptions = creationOptions
        guard let f = ApplyOptions.Format.allCases.first(where: { $0.rawValue.lowercased() == format.lowercased() }) else {
            throw .badOption("-of \(KernelError.quoted(format)): the output format is GTiff or COG")
        }
        o.format = f
        if let overviews {
            let known = ["nearest", "average", "bilinear", "cubic", "cubicspline", "lanczos", "mode", "rms"]
            guard known.contains(overviews.lowercased()) else {
                throw .badOption("--overviews \(KernelError.quoted(overviews)): known methods are \(known.joined(separator: ", "))")
            }
            o.overviewResampling = overviews.lowercased()
        }
        o.tileSize = tileSize
        o.threads = threads
        o.noInputCopy = noInputCopy
        return o
    }
}
