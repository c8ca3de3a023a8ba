import CGDAL

/// A GDAL pixel data type (`GDALDataType`), with what the engine needs to know about it.
///
/// Complex types are recognised so callers can refuse them by name. `int8` exists only when
/// GDAL has `GDT_Int8` (3.7+); GDAL 3.6 exposes signed bytes as `byte` with `PIXELTYPE=SIGNEDBYTE`.
/// Thread safety: a plain value, `Sendable`.
public enum RasterDataType: String, CaseIterable, Sendable, Equatable {
    case byte = "Byte", int8 = "Int8", uint16 = "UInt16", int16 = "Int16"
    case uint32 = "UInt32", int32 = "Int32", uint64 = "UInt64", int64 = "Int64"
    case float32 = "Float32", float64 = "Float64"
    case cint16 = "CInt16", cint32 = "CInt32", cfloat32 = "CFloat32", cfloat64 = "CFloat64"

    /// GDAL's name for the type, as `-ot` and `gdalinfo` spell it.
    public var name: String { rawValue }

    /// Looks a type up by GDAL's name, ignoring case (`Float32`, `uint16`); `nil` if unknown
    /// or not available in this GDAL.
    public init?(name: String) {
        guard let t = RasterDataType.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }),
              t.gdal != nil else { return nil }
        self = t
    }

    /// The `GDALDataType` value, or `nil` when this GDAL does not have the type (Int8 before 3.7).
    public var gdal: GDALDataType? {
        switch self {
        case .byte: return GDT_Byte
        case .int8: return CGDAL_VersionNum() >= 3_070_000 ? GDALDataType(rawValue: 14) : nil
        case .uint16: return GDT_UInt16
        case .int16: return GDT_Int16
        case .uint32: return GDT_UInt32
        case .int32: return GDT_Int32
        case .uint64: return GDT_UInt64
        case .int64: return GDT_Int64
        case .float32: return GDT_Float32
        case .float64: return GDT_Float64
        case .cint16: return GDT_CInt16
        case .cint32: return GDT_CInt32
        case .cfloat32: return GDT_CFloat32
        case .cfloat64: return GDT_CFloat64
        }
    }

    /// Maps a `GDALDataType` back; `nil` for `GDT_Unknown` and types GDALKit does not know.
    public init?(gdal: GDALDataType) {
        guard let t = RasterDataType.allCases.first(where: { $0.gdal == gdal }) else { return nil }
        self = t
    }

    /// The GDAL type that holds this type's bytes in I/O: Int8 travels as Byte (with
    /// `PIXELTYPE=SIGNEDBYTE` on the file) where GDAL has no `GDT_Int8` (before 3.7).
    public var storageType: RasterDataType { gdal == nil && self == .int8 ? .byte : self }

    /// Bytes per pixel.
    public var byteSize: Int {
        switch self {
        case .byte, .int8: return 1
        case .uint16, .int16: return 2
        case .uint32, .int32, .float32, .cint16: return 4
        case .uint64, .int64, .float64, .cint32, .cfloat32: return 8
        case .cfloat64: return 16
        }
    }

    /// Whether the type is complex (the engine refuses these).
    public var isComplex: Bool { [.cint16, .cint32, .cfloat32, .cfloat64].contains(self) }
    /// Whether the type is Float32 or Float64.
    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }

    /// The smallest value of a real integer type (as Double); `-infinity` for floats.
    public var minimum: Double {
        switch self {
        case .byte, .uint16, .uint32, .uint64: return 0
        case .int8: return -128
        case .int16: return -32768
        case .int32: return -2_147_483_648
        case .int64: return -9_223_372_036_854_775_808
        default: return -.infinity
        }
    }

    /// The largest value of a real integer type (as Double); `+infinity` for floats.
    public var maximum: Double {
        switch self {
        case .byte: return 255
        case .int8: return 127
        case .uint16: return 65535
        case .int16: return 32767
        case .uint32: return 4_294_967_295
        case .int32: return 2_147_483_647
        case .uint64: return Double(UInt64.max)
        case .int64: return Double(Int64.max)
        default: return .infinity
        }
    }
}
