import RasterKernels
import GDALKit
@testable import RasterEngine
import RasterTiling
import TestSupport
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
                        PixelCodec.convertExactly(source, RawSamples(s.baseAddress!, count: count,
                                                                     byteSize: source.byteSize),
                                                  to: target, into: MutableRawSamples(d.baseAddress!, count: count,
                                                                                      byteSize: target.byteSize))
                    }
                    values.withMutablePlaneRow { v in
                        PixelCodec.decode(source, RawSamples(s.baseAddress!, count: count, byteSize: source.byteSize),
                                          into: v)
                    }
                }
                let clamped = values.withPlaneRow { v in
                    twoStep.withUnsafeMutableBytes {
                        PixelCodec.encode(v, as: target, nanValue: 0,
                                          into: MutableRawSamples($0.baseAddress!, count: count,
                                                                  byteSize: target.byteSize))
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

/// Encoding computed values into every integer type (the vectorized C loops) stores what the
/// scalar rule `Rounding.integer` gives (round half to even, clamp, NaN to the nodata value) and
/// counts the clamped values, at any alignment of the output and any count.
struct PixelEncodeTests {
    static let integerTypes: [RasterDataType] = [.byte, .int8, .uint16, .int16, .uint32, .int32]

    /// The oracle itself: half to even, then clamped (and told so), NaN to the nodata value.
    @Test func roundingIsHalfToEvenThenClamped() {
        var clamped = false
        #expect(Rounding.integer(2.5, minimum: 0, maximum: 255, nanValue: 0, wasClamped: &clamped) == 2)
        #expect(Rounding.integer(3.5, minimum: 0, maximum: 255, nanValue: 0, wasClamped: &clamped) == 4)
        #expect(Rounding.integer(-0.5, minimum: 0, maximum: 255, nanValue: 0, wasClamped: &clamped) == 0)
        #expect(!clamped)
        #expect(Rounding.integer(300.2, minimum: 0, maximum: 255, nanValue: 0, wasClamped: &clamped) == 255)
        #expect(clamped)
        #expect(Rounding.integer(.nan, minimum: 0, maximum: 255, nanValue: 7, wasClamped: &clamped) == 7)
    }

    /// Halves, near-halves, the types' edges and beyond, huge values past 2⁵¹, ±0, ±∞, NaN, and
    /// pseudo-random values over twice each type's range.
    static func values(_ type: RasterDataType) -> [Double] {
        var v: [Double] = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999999999999994, 254.5, 255.5, 127.5, -128.5,
                           65535.5, -32768.5, 4294967295.5, 2147483647.5, -2147483648.5, 1e300, -1e300,
                           2251799813685248.5, 4503599627370497, -0.0, .infinity, -.infinity, .nan,
                           type.minimum - 1, type.minimum, type.maximum, type.maximum + 1, type.maximum + 0.5]
        var state: UInt64 = 12345
        let span = type.maximum - type.minimum
        for _ in 0..<1000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let r = Double(state >> 11) / Double(1 << 53)
            v.append((type.minimum - span / 2 + r * 2 * span).rounded(.down) + (r < 0.5 ? 0.5 : 0.25))
        }
        return v
    }

    @Test(arguments: integerTypes)
    func encodedValuesFollowTheScalarRule(_ type: RasterDataType) {
        let values = PixelEncodeTests.values(type), size = type.byteSize
        let nodata = type == .byte ? 200.0 : 7.0
        for offset in [0, 1, 3] {
            for count in [values.count, 1, 7, 17] {
                var bytes = [UInt8](repeating: 0xAB, count: offset + count * size + 8)
                let clamped = values.withPlaneRow { v in
                    bytes.withUnsafeMutableBytes { b in
                        PixelCodec.encode(v.part(0, count: count), as: type, nanValue: nodata,
                                          into: MutableRawSamples(b.baseAddress! + offset, count: count,
                                                                  byteSize: size))
                    }
                }
                var decoded = [Double](repeating: 0, count: count)
                bytes.withUnsafeBytes { b in
                    decoded.withMutablePlaneRow { d in
                        let encoded = RawSamples(b.baseAddress! + offset, count: count, byteSize: size)
                        PixelCodec.decode(type, encoded, into: d)
                    }
                }
                var expectedClamped = 0
                for i in 0..<count {
                    var was = false
                    let e = Rounding.integer(values[i], minimum: type.minimum, maximum: type.maximum, nanValue: nodata,
                                             wasClamped: &was)
                    if was { expectedClamped += 1 }
                    #expect(decoded[i] == e, "\(type.name) \(values[i]) at offset \(offset)")
                }
                #expect(clamped == expectedClamped, "\(type.name) count \(count)")
                #expect(bytes[..<offset].allSatisfy { $0 == 0xAB } && bytes[(offset + count * size)...].allSatisfy {
                    $0 == 0xAB
                }, "nothing written outside the \(count) values")
            }
        }
    }
}
