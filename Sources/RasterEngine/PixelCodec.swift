import GDALKit
import RasterKernels

/// Conversions between raw pixel buffers of a GDAL type and Float64 planes.
/// The type switch happens once per call, never per pixel. Thread safety: stateless.
enum PixelCodec {
    /// Decodes `count` pixels of `type` at `src` into `dst`.
    static func decode(_ type: RasterDataType, _ src: UnsafeRawPointer, count: Int, into dst: UnsafeMutablePointer<Double>) {
        switch type {
        case .byte: decode(src, UInt8.self, count, dst)
        case .int8: decode(src, Int8.self, count, dst)
        case .uint16: decode(src, UInt16.self, count, dst)
        case .int16: decode(src, Int16.self, count, dst)
        case .uint32: decode(src, UInt32.self, count, dst)
        case .int32: decode(src, Int32.self, count, dst)
        case .uint64: for i in 0..<count { dst[i] = Double(src.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) }
        case .int64: for i in 0..<count { dst[i] = Double(src.loadUnaligned(fromByteOffset: i * 8, as: Int64.self)) }
        case .float32: for i in 0..<count { dst[i] = Double(src.loadUnaligned(fromByteOffset: i * 4, as: Float.self)) }
        case .float64: UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: count * 8)
        default: preconditionFailure("complex types never reach the codec")
        }
    }

    private static func decode<T: BinaryInteger>(_ src: UnsafeRawPointer, _: T.Type, _ count: Int, _ dst: UnsafeMutablePointer<Double>) {
        let s = src.assumingMemoryBound(to: T.self)
        for i in 0..<count { dst[i] = Double(s[i]) }
    }

    /// Encodes one Float64 into a pixel of `type` at `dst[index]`: integers round half to
    /// even and clamp (returning `true` when clamped); NaN becomes `nanValue`.
    struct Encoder {
        let type: RasterDataType
        let nanValue: Double

        @inline(__always)
        func store(_ v: Double, _ dst: UnsafeMutableRawPointer, _ index: Int) -> Bool {
            var clamped = false
            switch type {
            case .float64: dst.storeBytes(of: v, toByteOffset: index * 8, as: Double.self)
            case .float32: dst.storeBytes(of: Float(v), toByteOffset: index * 4, as: Float.self)
            default:
                let r = Rounding.integer(v, minimum: type.minimum, maximum: type.maximum, nanValue: nanValue, wasClamped: &clamped)
                switch type {
                case .byte: dst.storeBytes(of: UInt8(r), toByteOffset: index, as: UInt8.self)
                case .int8: dst.storeBytes(of: Int8(r), toByteOffset: index, as: Int8.self)
                case .uint16: dst.storeBytes(of: UInt16(r), toByteOffset: index * 2, as: UInt16.self)
                case .int16: dst.storeBytes(of: Int16(r), toByteOffset: index * 2, as: Int16.self)
                case .uint32: dst.storeBytes(of: UInt32(r), toByteOffset: index * 4, as: UInt32.self)
                case .int32: dst.storeBytes(of: Int32(r), toByteOffset: index * 4, as: Int32.self)
                default: preconditionFailure("64-bit integers and complex types never reach the encoder")
                }
            }
            return clamped
        }
    }
}
