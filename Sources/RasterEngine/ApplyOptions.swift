#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GDALKit
import RasterKernels
import RasterTiling

/// Everything `geokernel apply` was asked to do, already parsed.
///
/// Every stored property is part of the `--resume` fingerprint (`RunFingerprint`, by
/// reflection) unless `RunFingerprint.ignoredProperties` lists it; a new one needs its flag in
/// `RunFingerprint.optionNames` (`RunFingerprintTests` fails until it is classified).
/// Thread safety: a plain value, `Sendable`.
public struct ApplyOptions: Sendable {
    /// INPUT: any raster GDAL opens.
    public var input: String
    /// OUTPUT: the GeoTIFF to write.
    public var output: String
    /// The convolution kernel, already parsed (`--kernel`); `nil` for the footprint methods.
    public var kernel: Kernel?
    /// What is computed over each pixel's neighbourhood (`--method`): convolution with the
    /// kernel (the default) or a statistic of the footprint's values.
    public var method: FilterMethod = .convolve
    /// The neighbourhood of a footprint method (`--footprint`), already parsed.
    public var footprint: Footprint?
    /// Dilate or erode the combined selection (after `--invert-mask`) by a disk of this many
    /// pixels before filtering (`--grow-mask`, `--shrink-mask`).
    public var growMask: Int?
    public var shrinkMask: Int?
    /// A kernel preset sized in ground units, as written (`--kernel gaussian:30m`); the engine
    /// turns it into `kernel` on the input's grid. `nil` when the kernel is in pixels.
    public var groundKernel: GroundKernelSpec?
    /// What `groundKernel` became on the input's grid (σ or size in pixels per axis, metres per
    /// pixel); set by the engine (`resolvingGroundUnits(input:)`), `nil` before and without one.
    public var groundKernelSize: GroundKernelSize?
    /// A footprint sized in ground units, as written (`--footprint disk:50m`); the engine turns
    /// it into `footprint` on the input's grid (whose spec then names it).
    public var groundFootprint: GroundFootprintSpec?
    /// The file `kernel` was read from (`--kernel FILE`), `nil` for a preset or an inline
    /// matrix: the resume fingerprint records its identity.
    public var kernelFile: String?
    /// The file `footprint` was read from (`--footprint FILE`), likewise.
    public var footprintFile: String?
    /// Selection raster on the input's grid; `nil` selects every pixel.
    public var mask: String?
    /// Resample a mask on another grid onto the input's, nearest neighbour (`--mask-warp`).
    public var maskWarp = false
    /// A vector source whose polygons select pixels (`--polygons`), its layer (`--layer`),
    /// an attribute filter (`--sql-where`) and whether touched pixels count (`--all-touched`).
    public var polygons: String?
    public var polygonLayer: String?
    public var polygonWhere: String?
    public var allTouched = false
    /// The mask raster's band to read (`--mask-band`, 1-based).
    public var maskBand = 1
    /// Select where the combined sources do not (`--invert-mask`).
    public var invertMask = false
    /// A per-pixel expression over the input's bands (`--where`).
    public var whereExpression: SelectionExpression?
    /// A region `xmin, ymin, xmax, ymax` (`--bbox`), in the input's CRS or `bboxCRS`.
    public var bbox: [Double]?
    /// The CRS of `bbox` (`--bbox-crs`, e.g. `EPSG:4326`); `nil` for the input's.
    public var bboxCRS: String?
    /// Border extension (`--edge`).
    public var edge: EdgeMode = .reflect
    /// Value outside the raster with `constant` (`--cval`).
    public var cval: Double = 0
    /// 1-based bands to filter; `nil` means all. The others are copied unchanged.
    public var bands: [Int]?
    /// What invalid neighbours do (`--nodata-policy`).
    public var nodataPolicy: NodataPolicy = .renormalize
    /// Output pixel type; `nil` keeps the input's.
    public var outputType: RasterDataType?
    /// The output format: a tiled GeoTIFF, or a Cloud Optimized GeoTIFF with overviews (`-of`).
    public enum Format: String, CaseIterable, Sendable { case gtiff = "GTiff", cog = "COG" }
    public var format: Format = .gtiff
    /// Overview resampling for `-of COG` (`--overviews`, GDAL's names; default `average`).
    public var overviewResampling: String?
    /// `-co KEY=VALUE` items, overriding the defaults.
    public var creationOptions: [String] = []
    /// Tile edge; `nil` lets the engine choose.
    public var tileSize: Int?
    /// Worker threads; `nil` uses every core.
    public var threads: Int?
    /// Replace an existing OUTPUT (`--overwrite`).
    public var overwrite = false
    /// Keep a partial output and checkpoint when interrupted, and continue from them.
    public var resume = false
    /// Decode and write every block even when the output could start as a copy of the input.
    public var noInputCopy = false
    /// Compute GDAL's checksum of every output band after writing (for `--json`).
    public var checksums = false
    /// Seconds between checkpoints with `resume` (each flushes the partial GeoTIFF).
    public var checkpointSeconds: Double = 5
    /// A quick look to write at the end (`--preview`); changes no pixel, so not in the resume fingerprint.
    public var preview: PreviewRequest?
    /// Compute only this partition of the output and write just its rectangle (`--partition I/N`).
    public var partition: PartitionChoice?

    /// Creates options with the defaults of the command line, convolving with `kernel`.
    public init(input: String, output: String, kernel: Kernel) {
        self.input = input
        self.output = output
        self.kernel = kernel
    }

    /// Creates options with the defaults of the command line for a footprint method.
    public init(input: String, output: String, method: FilterMethod, footprint: Footprint) {
        self.input = input
        self.output = output
        self.method = method
        self.footprint = footprint
    }

    /// Largest `--grow-mask` / `--shrink-mask` radius accepted.
    public static let maximumMaskRadius = (Footprint.maximumSize - 1) / 2

    /// Largest `--tile-size` accepted.
    public static let maximumTileSize = 16384
    /// Largest `--threads` accepted.
    public static let maximumThreads = 1024
}

extension ApplyOptions {
    /// Checks the bounds `apply` and `plan` share: tile size, threads, and an output type the
    /// engine can write.
    /// - Throws: `EngineError` naming the option.
    public func checkBounds() throws(EngineError) {
        if let t = tileSize, !(1...ApplyOptions.maximumTileSize).contains(t) {
            throw .badOption("--tile-size must be between 1 and \(ApplyOptions.maximumTileSize), not \(t)")
        }
        if let n = threads, !(1...ApplyOptions.maximumThreads).contains(n) {
            throw .badOption("--threads must be between 1 and \(ApplyOptions.maximumThreads), not \(n)")
        }
        if let t = outputType, t.isComplex || t == .int64 || t == .uint64 {
            throw .unknownDataType(t.name)
        }
        if method == .convolve {
            if kernel == nil { throw .badOption("--method convolve needs --kernel") }
            if footprint != nil {
                throw .badOption("--footprint goes with a footprint method (--method median, min, max, …); convolve "
                                 + "takes --kernel")
            }
        } else {
            if footprint == nil {
                throw .badOption("--method \(method) needs --footprint "
                                 + "(square:N, rect:WxH, disk:R, a file or a matrix)")
            }
            if kernel != nil { throw .badOption("--kernel goes with --method convolve; --method \(method) takes "
                                                + "--footprint") }
        }
        if growMask != nil && shrinkMask != nil { throw .badOption("--grow-mask and --shrink-mask cannot be combined") }
        for (flag, r) in [("--grow-mask", growMask), ("--shrink-mask", shrinkMask)] {
            if let r, !(0...ApplyOptions.maximumMaskRadius).contains(r) {
                throw .badOption("\(flag) must be between 0 and \(ApplyOptions.maximumMaskRadius) pixels, not \(r)")
            }
        }
    }

    /// Sets `-ot` from a GDAL type name.
    /// - Throws: `EngineError.unknownDataType` for names GDAL does not know or the engine cannot write.
    public mutating func setOutputType(named name: String) throws(EngineError) {
        let t = name.lowercased() == "int8" ? RasterDataType.int8 : RasterDataType(name: name)
        guard let t, !t.isComplex, t != .int64, t != .uint64 else {
            throw .unknownDataType(name)
        }
        outputType = t
    }

    /// Parses `--bbox` text `XMIN,YMIN,XMAX,YMAX`.
    /// - Throws: `EngineError.badOption` when it is not four finite numbers with min < max.
    public static func parseBBox(_ text: String) throws(EngineError) -> [Double] {
        let parts = text.split(separator: ",",
                               omittingEmptySubsequences: false).map { Double($0.trimmingBlanks()) }
        guard parts.count == 4, let v = parts as? [Double], v.allSatisfy({ $0.isFinite }) else {
            throw .badOption("--bbox: '\(KernelError.quoted(text))' is not XMIN,YMIN,XMAX,YMAX")
        }
        guard v[0] < v[2], v[1] < v[3] else { throw .badOption("--bbox: XMIN must be below XMAX and YMIN below YMAX") }
        return v
    }

    /// Parses `--bands` text such as `1,3` or `2-4`.
    /// - Throws: `EngineError.badBandList` naming the bad item.
    public static func parseBands(_ text: String) throws(EngineError) -> [Int] {
        var out: [Int] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let s = item.trimmingBlanks()
            let ends = s.split(separator: "-", omittingEmptySubsequences: false)
            if ends.count == 2, let a = Int(ends[0]), let b = Int(ends[1]), a <= b, b - a < 100_000 {
                out += Array(a...b)
            } else if let v = Int(s) {
                out.append(v)
            } else {
                throw .badBandList("'\(KernelError.quoted(s))' is not a band number (write a list such as 1,3 or 2-4)")
            }
        }
        return out
    }
}
