import CKernels
import GDALKit
import RasterKernels

/// Conversions between raw pixel buffers of a GDAL type and Float64 values.
/// The type switch happens once per call (a row or a plane), never per pixel, and each case
/// is a plain typed loop the compiler vectorizes. Thread safety: stateless.
enum PixelCodec {
    /// Decodes `count` pixels of `type` at `src` into `dst`.
    static func decode(_ type: RasterDataType, _ src: UnsafeRawPointer, count: Int,
                       into dst: UnsafeMutablePointer<Double>) {
        switch type {
        case .byte: decode(src, UInt8.self, count, dst)
        case .int8: decode(src, Int8.self, count, dst)
        case .uint16: decode(src, UInt16.self, count, dst)
        case .int16: decode(src, Int16.self, count, dst)
        case .uint32: decode(src, UInt32.self, count, dst)
        case .int32: decode(src, Int32.self, count, dst)
        case .float32:
            RawSamples(src, count: count).withElements(Float.self) { s in for i in 0..<count { dst[i] = Double(s[i]) } }
        case .float64: UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: count * 8)
        default: preconditionFailure("64-bit integers and complex types never reach the codec")
        }
    }

    private static func decode<T: FixedWidthInteger>(_ src: UnsafeRawPointer, _: T.Type, _ count: Int,
                                                     _ dst: UnsafeMutablePointer<Double>) {
        // Through Int64: generic `Double(T)` and `T(Double)` take the stdlib's slow bit-by-bit
        // path; the concrete Int64 conversions are single instructions.
        RawSamples(src, count: count).withElements(T.self) { s in
            for i in 0..<count { dst[i] = Double(Int64(truncatingIfNeeded: s[i])) }
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

    /// Converts `count` pixels of `source` at `src` into `target` at `dst`, for pairs
    /// `isExactWidening` accepts: the values `decode` then `encode` would store, in one pass.
    static func convertExactly(_ source: RasterDataType, _ src: UnsafeRawPointer, count: Int,
                               to target: RasterDataType, into dst: UnsafeMutableRawPointer) {
        precondition(isExactWidening(source, to: target))
        switch source {
        case .byte: widen(src, UInt8.self, count, target, dst)
        case .int8: widen(src, Int8.self, count, target, dst)
        case .uint16: widen(src, UInt16.self, count, target, dst)
        case .int16: widen(src, Int16.self, count, target, dst)
        case .uint32: widen(src, UInt32.self, count, target, dst)
        case .int32: widen(src, Int32.self, count, target, dst)
        default:   // Float32 to Float64
            RawSamples(src, count: count).withElements(Float.self) { s in
                MutableRawSamples(dst, count: count).withElements(Double.self) { d in
                    for i in 0..<count { d[i] = Double(s[i]) }
                }
            }
        }
    }

    private static func widen<S: FixedWidthInteger>(_ src: UnsafeRawPointer, _: S.Type, _ count: Int,
                                                    _ target: RasterDataType, _ dst: UnsafeMutableRawPointer) {
        RawSamples(src, count: count).withElements(S.self) { s in
            let out = MutableRawSamples(dst, count: count)
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

    /// Puts back `src`'s pixels (`byteSize` bytes each) into `dst` where `chosen` is 0, as a
    /// select on same-sized integers, so the loop has no branch and vectorizes.
    static func keepOriginal(_ dst: UnsafeMutableRawPointer, _ src: UnsafeRawPointer, byteSize: Int,
                             where chosen: UnsafePointer<UInt8>, count: Int) {
        switch byteSize {
        case 1: keep(dst, src, UInt8.self, chosen, count)
        case 2: keep(dst, src, UInt16.self, chosen, count)
        case 4: keep(dst, src, UInt32.self, chosen, count)
        default: keep(dst, src, UInt64.self, chosen, count)
        }
    }

    private static func keep<T: FixedWidthInteger>(_ dst: UnsafeMutableRawPointer, _ src: UnsafeRawPointer, _: T.Type,
                                                   _ chosen: UnsafePointer<UInt8>, _ count: Int) {
        MutableRawSamples(dst, count: count).withElements(T.self) { d in
            RawSamples(src, count: count).withElements(T.self) { s in
                for x in 0..<count { d[x] = chosen[x] != 0 ? d[x] : s[x] }
            }
        }
    }

    /// Encodes `count` values into `type` at `dst`: integers round half to even and clamp;
    /// NaN becomes `nanValue`. Returns how many values were clamped.
    static func encode(_ src: UnsafePointer<Double>, count: Int, as type: RasterDataType, nanValue: Double,
                       into dst: UnsafeMutableRawPointer) -> Int {
        switch type {
        case .float64:
            dst.copyMemory(from: src, byteCount: count * 8)
            return 0
        case .float32:
            MutableRawSamples(dst, count: count).withElements(Float.self) { d in
                for i in 0..<count { d[i] = Float(src[i]) }
            }
            return 0
        default:
            // In C (CKernels), built per instruction set, as one branch-free loop per type: the
            // Swift loop, with its clamp counting and checked conversion, did not vectorize and
            // was 40-50 % of a full-mask 3×3 run's CPU.
            let nan = max(type.minimum, min(type.maximum, nanValue))
            switch type {
            case .byte: return Int(ck_encode_u8(src, count, nan, dst))
            case .int8: return Int(ck_encode_i8(src, count, nan, dst))
            case .uint16: return Int(ck_encode_u16(src, count, nan, dst))
            case .int16: return Int(ck_encode_i16(src, count, nan, dst))
            case .uint32: return Int(ck_encode_u32(src, count, nan, dst))
            case .int32: return Int(ck_encode_i32(src, count, nan, dst))
            default: preconditionFailure("64-bit integers and complex types never reach the codec")
            }
        }
    }

    /// Copies `count` elements of `elementSize` bytes from `src` to every `stride` bytes of
    /// `dst` (one band into pixel-interleaved blocks).
    @inline(__always)
    static func scatter(_ src: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer, count: Int, elementSize: Int,
                        stride: Int) {
        func run<T>(_: T.Type) {
            RawSamples(src, count: count).withElements(T.self) { s in
                for x in 0..<count { (dst + x * stride).storeBytes(of: s[x], as: T.self) }
            }
        }
        switch elementSize {
        case 1: run(UInt8.self)
        case 2: run(UInt16.self)
        case 4: run(UInt32.self)
        case 8: run(UInt64.self)
        default:
            for x in 0..<count { (dst + x * stride).copyMemory(from: src + x * elementSize, byteCount: elementSize) }
        }
    }
}
