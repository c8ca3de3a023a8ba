import GDALKit
@testable import RasterEngine
import Testing

/// The one-pass conversion used for pass-through pixels with `-ot` stores exactly what the
/// two-step path (decode to Float64, encode with rounding and clamping) stores, for every
/// pair it accepts, including each type's extremes; narrowing pairs are refused.
struct PixelCodecTests {
    static let types: [RasterDataType] = [.byte, .int8, .uint16, .int16, .uint32, .int32, .float32, .float64]

    /// Raw bytes of `count` pixels of `type`: the extremes, zero, and pseudo-random values.
    static func samples(_ type: RasterDataType, count: Int) -> [UInt8] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var bytes = [UInt8](repeating: 0, count: count * type.byteSize)
        bytes.withUnsafeMutableBytes { raw in
            for i in 0..<count {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let r = Double(state >> 11) / Double(1 << 53)
                let v = i == 0 ? type.minimum : i == 1 ? type.maximum : i == 2 ? 0 : type.minimum
                    + r * (type.maximum - type.minimum)
                let p = raw.baseAddress! + i * type.byteSize
                switch type {
                case .byte: p.storeBytes(of: UInt8(v.rounded(.down)), as: UInt8.self)
                case .int8: p.storeBytes(of: Int8(v.rounded(.down)), as: Int8.self)
                case .uint16: p.storeBytes(of: UInt16(v.rounded(.down)), as: UInt16.self)
                case .int16: p.storeBytes(of: Int16(v.rounded(.down)), as: Int16.self)
                case .uint32: p.storeBytes(of: UInt32(v.rounded(.down)), as: UInt32.self)
                case .int32: p.storeBytes(of: Int32(v.rounded(.down)), as: Int32.self)
                case .float32: p.storeBytes(of: i == 3 ? Float.nan : Float(v), as: Float.self)
                default: p.storeBytes(of: v, as: Double.self)
                }
            }
        }
        return bytes
    }

    @Test func exactWideningStoresWhatTheTwoStepPathStores() {
        let count = 4099
        var pairs = 0
        for source in PixelCodecTests.types {
            let src = PixelCodecTests.samples(source, count: count)
            for target in PixelCodecTests.types where source != target && PixelCodec.isExactWidening(source,
                                                                                                     to: target) {
                pairs += 1
                var direct = [UInt8](repeating: 0xAA, count: count * target.byteSize)
                var twoStep = direct
                var values = [Double](repeating: 0, count: count)
                src.withUnsafeBytes { s in
                    direct.withUnsafeMutableBytes { d in
                        PixelCodec.convertExactly(source, s.baseAddress!, count: count, to: target,
                                                  into: d.baseAddress!)
                    }
                    values.withUnsafeMutableBufferPointer {
                        PixelCodec.decode(source, s.baseAddress!, count: count, into: $0.baseAddress!)
                    }
                }
                let clamped = values.withUnsafeBufferPointer { v in
                    twoStep.withUnsafeMutableBytes {
                        PixelCodec.encode(v.baseAddress!, count: count, as: target, nanValue: 0, into: $0.baseAddress!)
                    }
                }
                #expect(clamped == 0, "\(source.name) → \(target.name) never clamps")
                #expect(direct == twoStep, "\(source.name) → \(target.name)")
            }
        }
        #expect(pairs == 20)
        for (s, t) in [(RasterDataType.uint16, RasterDataType.byte), (.int16, .uint16), (.uint16, .int16),
                       (.int32, .float32),
                       (.uint32, .int32), (.float32, .int32), (.float64, .float32), (.int8, .byte)] {
            #expect(!PixelCodec.isExactWidening(s, to: t), "\(s.name) → \(t.name) can round or clamp")
        }
    }
}
