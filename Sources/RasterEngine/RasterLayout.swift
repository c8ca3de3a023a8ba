import GDALKit
import RasterKernels
import RasterTiling

/// What the engine learnt about the input when it opened it, checked once on the main
/// thread: the facts every worker needs, as plain values. Thread safety: `Sendable`.
struct RasterLayout: Sendable {
    var path: String
    var width: Int, height: Int, bandCount: Int
    /// Per band: GDAL type, nodata, mask flags, whether it is a palette band.
    var bandTypes: [RasterDataType]
    var noData: [Double?]
    var maskFlags: [MaskFlags]
    var blockWidth: Int, blockHeight: Int
    /// The type pixels are read in: the bands' common type, or Float64 when they differ.
    var readType: RasterDataType
    var imageStructure: [String: String]
    /// Per band: the kind of numbers it holds, as operations see them.
    var samples: [SampleKind]

    /// Opens nothing: describes an open dataset and refuses what the engine cannot filter.
    /// A palette band's values are class indices: filtered only when `classesAllowed` (the
    /// method returns the most frequent class, `mode`), else refused.
    init(_ ds: borrowing Dataset, path: String, filteredBands: [Int], classesAllowed: Bool = false) throws {
        self.path = path
        width = ds.width
        height = ds.height
        bandCount = ds.bandCount
        var types: [RasterDataType] = [], nd: [Double?] = [], flags: [MaskFlags] = []
        var block = (width: 256, height: 256)
        for b in 1...max(1, bandCount) where bandCount > 0 {
            typealias BandFacts = (RasterDataType?, String, Double?, MaskFlags, Bool, (width: Int, height: Int))
            let info: BandFacts = try gdal(path, "reading band \(b)") {
                try ds.withBand(b) { band in
                    // GDAL before 3.7 shows signed bytes as Byte with PIXELTYPE=SIGNEDBYTE.
                    let signed = band.dataType == .byte
                        && band.metadataItem("PIXELTYPE", domain: "IMAGE_STRUCTURE") == "SIGNEDBYTE"
                    return (signed ? .int8 : band.dataType, band.dataTypeName, band.noDataValue, band.maskFlags,
                            band.hasColorTable, band.blockSize)
                }
            }
            guard let t = info.0 else {
                throw EngineError.unsupportedDataType(path: path, band: b, type: info.1,
                                                      reason: "GeoKernel does not know this GDAL type")
            }
            let filtered = filteredBands.contains(b)
            if t.isComplex {
                throw EngineError.unsupportedDataType(path: path, band: b, type: t.name,
                                                      reason: "complex values have no order to round or clamp and no "
                                                              + "meaning for a real kernel; take the real part or "
                                                              + "amplitude first (gdal_translate -ot Float32 or "
                                                              + "gdal_calc.py)")
            }
            if t == .int64 || t == .uint64 {
                throw EngineError.unsupportedDataType(path: path, band: b, type: t.name,
                                                      reason: "64-bit integers do not fit exactly in the Float64 the "
                                                              + "convolution computes in")
            }
            if filtered && info.4 && !classesAllowed { throw EngineError.paletteBand(path: path, band: b) }
            if b == 1 { block = info.5 }
            types.append(t); nd.append(info.2); flags.append(info.3)
        }
        guard bandCount > 0 else {
            throw EngineError.unsupportedDataType(path: path, band: 0, type: "none",
                                                  reason: "the dataset has no raster band")
        }
        bandTypes = types
        noData = nd
        maskFlags = flags
        blockWidth = block.width
        blockHeight = block.height
        readType = Set(types).count == 1 ? types[0] : .float64
        samples = types.map { $0.isFloatingPoint ? .float : .integer(min: Int($0.minimum), max: Int($0.maximum)) }
        imageStructure = Dictionary(ds.metadata(domain: "IMAGE_STRUCTURE").map { ($0.key, $0.value) },
                                    uniquingKeysWith: { a, _ in a })
    }

    /// Whether the input's blocks look like tiles rather than strips.
    var isTiled: Bool {
        blockWidth < width && blockWidth % 16 == 0 && blockHeight % 16 == 0
            || (blockWidth == width && blockWidth == blockHeight && blockWidth % 16 == 0)
    }
}

extension RasterLayout {
    /// The value a pixel (as Double) equals exactly when GDAL's nodata mask calls it invalid,
    /// when the band's only mask is its nodata value (`GMF_NODATA`): the nodata cast to the
    /// band's type as GDAL casts it (truncated for integers, rounded to Float32); NaN for a
    /// NaN nodata (the NaN test does it). `nil` when GDAL's mask band must be read instead
    /// (other masks; GDAL 3.6 shows Int8 as Byte with its own rules).
    static func nodataComparand(flags: MaskFlags, type: RasterDataType, noData: Double?) -> Double? {
        guard flags == .nodata, let nd = noData, type != .int8 else { return nil }
        if nd.isNaN { return type.isFloatingPoint ? .nan : nil }   // NaN pixels are invalid anyway
        switch type {
        case .float64: return nd
        case .float32: return Double(Float(nd))
        default: return nd.rounded(.towardZero)
        }
    }
}

/// Runs a GDALKit call and wraps its error with the file and what was being done.
@inline(__always)
func gdal<R: ~Copyable>(_ path: String, _ context: @autoclosure () -> String, _ body: () throws -> R) throws -> R {
    do {
        return try body()
    } catch {
        throw EngineError(wrapping: error, path: path, context: context())
    }
}
