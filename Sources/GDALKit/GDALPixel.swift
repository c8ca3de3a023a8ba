/// A Swift scalar that GDAL can read and write directly, tied to its `RasterDataType`
/// (georust/gdal's `GdalType`). Buffers typed with these are checked against the band.
/// Thread safety: conforming types are plain `Sendable` values.
public protocol GDALPixel: BitwiseCopyable, Sendable {
    /// The GDAL type whose memory layout this Swift type has.
    static var rasterDataType: RasterDataType { get }
}

extension UInt8: GDALPixel { public static var rasterDataType: RasterDataType { .byte } }
extension Int8: GDALPixel { public static var rasterDataType: RasterDataType { .int8 } }
extension UInt16: GDALPixel { public static var rasterDataType: RasterDataType { .uint16 } }
extension Int16: GDALPixel { public static var rasterDataType: RasterDataType { .int16 } }
extension UInt32: GDALPixel { public static var rasterDataType: RasterDataType { .uint32 } }
extension Int32: GDALPixel { public static var rasterDataType: RasterDataType { .int32 } }
extension UInt64: GDALPixel { public static var rasterDataType: RasterDataType { .uint64 } }
extension Int64: GDALPixel { public static var rasterDataType: RasterDataType { .int64 } }
extension Float: GDALPixel { public static var rasterDataType: RasterDataType { .float32 } }
extension Double: GDALPixel { public static var rasterDataType: RasterDataType { .float64 } }
