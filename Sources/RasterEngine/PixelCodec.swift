import CKernels
import GDALKit
import RasterKernels
import RasterTiling

/// Conversions between raw pixel samples of a GDAL type (`RawSamples`) and Float64 values
/// (`PlaneRow<Double>`). The type switch happens once per call (a row or a plane), never per
/// pixel, and each case is a plain typed loop the compiler vectorizes. Thread safety: stateless.
enum PixelCodec {
    /// Decodes the samples of `type` in `src` into the first `src.count` values of `dst`.
    static func decode(_ type: RasterDataType, _ src: RawSamples, into dst: MutablePlaneRow<Double>) {
        precondition(src.count <= dst.count && src.byteSize == type.byteSize, "decoding into too short a row")
        switch type {
        case .byte: decode(src, UInt8.self, dst)
        case .int8: decode(src, Int8.self, dst)
        case .uint16: decode(src, UInt16.self, dst)
        case .int16: decode(src, Int16.self, dst)
        case .uint32: decode(src, UInt32.self, dst)
        case .int32: decode(src, Int32.self, dst)
        case .float32: src.withElements(Float.self) { s in for i in 0..<s.count { dst[i] = Double(s[i]) } }
        case .float64: src.withElements(Double.self) { s in dst.update(from: s) }
        default: preconditionFailure("64-bit integers and complex types never reach the codec")
        }
    }

    private static func decode<T: FixedWidthInteger>(_ src: RawSamples, _: T.Type, _ dst: MutablePlaneRow<Double>) {
        // Through Int64: generic `Double(T)` and `T(Double)` take the stdlib's slow bit-by-bit
        // path; the concrete Int64 conversions are single instructions.
        src.withElements(T.self) { s in
            for i in 0..<s.count { dst[i] = Double(Int64(truncatingIfNeeded: s[i])) }
        }
    }

    /// Whether every value of `source` is stored exactly in `target` (a widening: no rounding,
    /// no clamping), so `convertExactly` can go straight from one to the other.
    static func isExactWidening(_ source: RasterDataType, to target: RasterDataType) -> Bool {
        let isInt: (RasterDataType) -> Bool = { [.byte, .int8, .uint16, .int16, .uint32, .int32].contains($0) }
        switch target {
        case .float64: return isInt(source) || source == .float32
        case .float32: return isInt(source) && source.byteSize <= 2
        default:
            return isInt(target) && isInt(source)
                && source.minimum >= target.minimum && source.maximum <= target.maximum
        }
    }

    /// Converts the samples of `source` in `src` into `target` in `dst` (as many), for pairs
    /// `isExactWidening` accepts: the values `decode` then `encode` would store, in one pass.
    static func convertExactly(_ source: RasterDataType, _ src: RawSamples, to target: RasterDataType,
                               into dst: MutableRawSamples) {
        precondition(isExactWidening(source, to: target))
        precondition(src.count <= dst.count && dst.byteSize == target.byteSize, "converting into too short a row")
        switch source {
        case .byte: widen(src, UInt8.self, target, dst)
        case .int8: widen(src, Int8.self, target, dst)
        case .uint16: widen(src, UInt16.self, target, dst)
        case .int16: widen(src, Int16.self, target, dst)
        case .uint32: widen(src, UInt32.self, target, dst)
        case .int32: widen(src, Int32.self, target, dst)
        default:   // Float32 to Float64
            src.withElements(Float.self) { s in
                dst.withElements(Double.self) { d in
                    for i in 0..<s.count { d[i] = Double(s[i]) }
                }
            }
        }
    }

    private static func widen<S: FixedWidthInteger>(_ src: RawSamples, _: S.Type, _ target: RasterDataType,
                                                    _ out: MutableRawSamples) {
        src.withElements(S.self) { s in
            let count = s.count
            func ints<D: FixedWidthInteger>(_: D.Type) {
                out.withElements(D.self) { d in
                    for i in 0..<count { d[i] = D(truncatingIfNeeded: Int64(truncatingIfNeeded: s[i])) }
                }
            }
            switch target {
            case .float32:
                out.withElements(Float.self) { d in
                    for i in 0..<count { d[i] = Float(Int32(truncatingIfNeeded: s[i])) }
                }
            case .float64:
                out.withElements(Double.self) { d in
                    for i in 0..<count { d[i] = Double(Int64(truncatingIfNeeded: s[i])) }
                }
            case .byte: ints(UInt8.self)
            case .int8: ints(Int8.self)
            case .uint16: ints(UInt16.self)
            case .int16: ints(Int16.self)
            case .uint32: ints(UInt32.self)
            default: ints(Int32.self)
            }
        }
    }

    /// Puts back `src`'s samples (as many as `dst` holds, of the same size) into `dst` where
    /// `chosen` is 0, as a select on same-sized integers, so the loop has no branch and vectorizes.
    static func keepOriginal(_ dst: MutableRawSamples, _ src: RawSamples, where chosen: PlaneRow<UInt8>) {
        precondition(dst.count <= src.count && dst.count <= chosen.count && dst.byteSize == src.byteSize)
        switch dst.byteSize {
        case 1: keep(dst, src, UInt8.self, chosen)
        case 2: keep(dst, src, UInt16.self, chosen)
        case 4: keep(dst, src, UInt32.self, chosen)
        default: keep(dst, src, UInt64.self, chosen)
        }
    }

    private static func keep<T: FixedWidthInteger>(_ dst: MutableRawSamples, _ src: RawSamples, _: T.Type,
                                                   _ chosen: PlaneRow<UInt8>) {
        dst.withElements(T.self) { d in
            src.withElements(T.self) { s in
                for x in 0..<d.count { d[x] = chosen[x] != 0 ? d[x] : s[x] }
            }
        }
    }

    /// Encodes the first `dst.count` values of `src` into `type` in `dst`: integers round half
    /// to even and clamp; NaN becomes `nanValue`. Returns how many values were clamped.
    static func encode(_ src: PlaneRow<Double>, as type: RasterDataType, nanValue: Double,
                       into dst: MutableRawSamples) -> Int {
        precondition(dst.count <= src.count && dst.byteSize == type.byteSize, "encoding from too short a row")
        let count = dst.count
        switch type {
        case .float64:
            dst.withElements(Double.self) { d in d.update(from: src.part(0, count: count)) }
            return 0
        case .float32:
            dst.withElements(Float.self) { d in
                for i in 0..<count { d[i] = Float(src[i]) }
            }
            return 0
        default:
            // In C (CKernels), built per instruction set, as one branch-free loop per type: the
            // Swift loop, with its clamp counting and checked conversion, did not vectorize and
            // was 40-50 % of a full-mask 3×3 run's CPU.
            let nan = max(type.minimum, min(type.maximum, nanValue))
            let s = src.baseAddress, d = dst.baseAddress
            switch type {
            case .byte: return Int(ck_encode_u8(s, count, nan, d))
            case .int8: return Int(ck_encode_i8(s, count, nan, d))
            case .uint16: return Int(ck_encode_u16(s, count, nan, d))
            case .int16: return Int(ck_encode_i16(s, count, nan, d))
            case .uint32: return Int(ck_encode_u32(s, count, nan, d))
            case .int32: return Int(ck_encode_i32(s, count, nan, d))
            default: preconditionFailure("64-bit integers and complex types never reach the codec")
            }
        }
    }
}
