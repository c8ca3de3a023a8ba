import GDALKit
import RasterTiling

/// `PixelCodec` for callers that hold pointers rather than views (the quick look's canvas,
/// whose buffers are its own): each call wraps its memory in a view for the duration of the call.
/// Thread safety: stateless.
extension PixelCodec {
    /// Decodes `count` pixels of `type` at `src` into `dst`.
    static func decode(_ type: RasterDataType, _ src: UnsafeRawPointer, count: Int,
                       into dst: UnsafeMutablePointer<Double>) {
        decode(type, RawSamples(src, count: count, byteSize: type.byteSize),
               into: MutablePlaneRow(start: dst, count: count))
    }

    /// Encodes `count` values at `src` into `type` at `dst`; returns how many were clamped.
    static func encode(_ src: UnsafePointer<Double>, count: Int, as type: RasterDataType, nanValue: Double,
                       into dst: UnsafeMutableRawPointer) -> Int {
        encode(PlaneRow(start: src, count: count), as: type, nanValue: nanValue,
               into: MutableRawSamples(dst, count: count, byteSize: type.byteSize))
    }
}
