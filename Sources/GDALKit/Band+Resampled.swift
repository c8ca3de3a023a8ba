import CGDAL
import RasterTiling

/// How GDAL resamples a window read into a buffer of another size (`GDALRIOResampleAlg`).
/// Thread safety: a plain value, `Sendable`.
public enum Resampling: Sendable {
    /// The source pixel under each buffer pixel's centre (`GRIORA_NearestNeighbour`):
    /// buffer column `i` of a `w`-pixel window read into `n` columns takes source column
    /// `floor((i + 0.5) · w / n)`.
    case nearest
    /// The mean of the source pixels each buffer pixel covers (`GRIORA_Average`).
    case average

    var gdal: GDALRIOResampleAlg { self == .nearest ? GRIORA_NearestNeighbour : GRIORA_Average }
}

/// `GDALRasterIOExtraArg` for a resampled read (what `INIT_RASTERIO_EXTRA_ARG` fills in C).
private func extraArgument(_ resampling: Resampling) -> GDALRasterIOExtraArg {
    var arg = GDALRasterIOExtraArg()
    arg.nVersion = Int32(RASTERIO_EXTRA_ARG_CURRENT_VERSION)
    arg.eResampleAlg = resampling.gdal
    return arg
}

extension Band {
    /// Reads a window decimated (or enlarged) into a buffer of `layout.width × layout.height`
    /// pixels (`GDALRasterIOEx` with a `GDALRasterIOExtraArg`). GDAL reads from an overview
    /// when the band has one fine enough, so a quick look of a file with overviews decodes
    /// only the overview's blocks; without overviews it decodes every block a sampled row crosses.
    /// - Parameters:
    ///   - rect: the window in raster pixels.
    ///   - buffer: at least `layout.requiredBytes()` bytes.
    ///   - layout: the buffer's type, size and spacing.
    ///   - resampling: nearest neighbour or average.
    /// - Throws: `GDALError` with GDAL's message (decode failures, windows out of range).
    /// Thread safety: as the band's dataset, one thread at a time.
    public func read(_ rect: Window, into buffer: UnsafeMutableRawBufferPointer, layout: BufferLayout,
                     resampling: Resampling) throws(GDALError) {
        guard let t = layout.dataType.gdal else {
            throw GDALError(function: "GDALRasterIOEx", message: "buffer type \(layout.dataType.name) is not available")
        }
        precondition(buffer.count >= layout.requiredBytes(), "buffer smaller than its layout")
        var arg = extraArgument(resampling)
        try GDALCall.check("GDALRasterIOEx") {
            GDALRasterIOEx(handle, GF_Read, Int32(rect.x), Int32(rect.y), Int32(rect.width), Int32(rect.height),
                           buffer.baseAddress, Int32(layout.width), Int32(layout.height), t,
                           Int64(layout.pixelSpacing), Int64(layout.lineSpacing), &arg)
        }
    }

    /// Reads the whole band decimated to `width × height` values of type `T` (convenience
    /// over `read(_:into:layout:resampling:)`).
    /// - Throws: `GDALError` with GDAL's message.
    public func readResampled<T: GDALPixel>(width: Int, height: Int, resampling: Resampling = .nearest,
                                            as: T.Type = T.self) throws -> [T] {
        let (w, h) = size
        var out = [T](unsafeUninitializedCapacity: width * height) { _, n in n = width * height }
        let layout = BufferLayout(dataType: T.rasterDataType, width: width, height: height)
        try out.withUnsafeMutableBytes { try read(Window(x: 0, y: 0, width: w, height: h), into: $0, layout: layout,
                                                  resampling: resampling) }
        return out
    }
}
