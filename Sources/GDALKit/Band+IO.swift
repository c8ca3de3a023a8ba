import CGDAL
import RasterTiling

/// Memory layout of a caller-owned buffer for a windowed read or write.
/// Thread safety: a plain value, `Sendable`.
public struct BufferLayout: Sendable, Equatable {
    /// The buffer's pixel type (GDAL converts to and from the band's type).
    public var dataType: RasterDataType
    /// Buffer size in pixels; GDAL resamples when it differs from the window (the engine never does).
    public var width: Int, height: Int
    /// Bytes from one pixel to the next, one line to the next, and one band to the next.
    public var pixelSpacing: Int, lineSpacing: Int, bandSpacing: Int

    /// A packed layout: `width × height` pixels of `dataType`, bands one after another.
    public init(dataType: RasterDataType, width: Int, height: Int) {
        self.init(dataType: dataType, width: width, height: height, pixelSpacing: dataType.byteSize,
                  lineSpacing: dataType.byteSize * width, bandSpacing: dataType.byteSize * width * height)
    }

    /// A layout with explicit spacings in bytes.
    public init(dataType: RasterDataType, width: Int, height: Int, pixelSpacing: Int, lineSpacing: Int,
                bandSpacing: Int) {
        self.dataType = dataType
        self.width = width
        self.height = height
        self.pixelSpacing = pixelSpacing
        self.lineSpacing = lineSpacing
        self.bandSpacing = bandSpacing
    }

    /// Bytes the buffer must hold for `bands` bands, from its start to its last pixel.
    public func requiredBytes(bands: Int = 1) -> Int {
        guard width > 0, height > 0, bands > 0 else { return 0 }
        return (bands - 1) * bandSpacing + (height - 1) * lineSpacing + (width - 1) * pixelSpacing + dataType.byteSize
    }
}

extension Band {
    /// Reads a window into a caller-owned buffer (`GDALRasterIOEx`, `GF_Read`).
    /// - Parameters:
    ///   - rect: the window in raster pixels.
    ///   - buffer: at least `layout.requiredBytes()` bytes.
    ///   - layout: the buffer's type, size and spacing.
    /// - Throws: `GDALError` with GDAL's message (decode failures, windows out of range).
    public func read(_ rect: Window, into buffer: UnsafeMutableRawBufferPointer,
                     layout: BufferLayout) throws(GDALError) {
        try io(GF_Read, rect, buffer.baseAddress, buffer.count, layout)
    }

    /// Writes a window from a caller-owned buffer (`GDALRasterIOEx`, `GF_Write`).
    public func write(_ rect: Window, from buffer: UnsafeRawBufferPointer, layout: BufferLayout) throws(GDALError) {
        try io(GF_Write, rect, UnsafeMutableRawPointer(mutating: buffer.baseAddress), buffer.count, layout)
    }

    /// Reads a window into a typed array (convenience over `read(_:into:layout:)`).
    public func read<T: GDALPixel>(_ rect: Window, as: T.Type = T.self) throws -> [T] {
        var out = [T](unsafeUninitializedCapacity: rect.width * rect.height) { _, n in n = rect.width * rect.height }
        let layout = BufferLayout(dataType: T.rasterDataType, width: rect.width, height: rect.height)
        try out.withUnsafeMutableBytes { try read(rect, into: $0, layout: layout) }
        return out
    }

    /// Writes a typed array to a window (convenience over `write(_:from:layout:)`).
    public func write<T: GDALPixel>(_ rect: Window, values: [T]) throws {
        precondition(values.count == rect.width * rect.height, "values must fill the window")
        let layout = BufferLayout(dataType: T.rasterDataType, width: rect.width, height: rect.height)
        try values.withUnsafeBytes { try write(rect, from: $0, layout: layout) }
    }

    private func io(_ flag: GDALRWFlag, _ rect: Window, _ base: UnsafeMutableRawPointer?, _ count: Int,
                    _ layout: BufferLayout) throws(GDALError) {
        guard let t = layout.dataType.gdal else {
            throw GDALError(function: "GDALRasterIOEx", message: "buffer type \(layout.dataType.name) is not available")
        }
        precondition(count >= layout.requiredBytes(), "buffer smaller than its layout")
        try GDALCall.check("GDALRasterIOEx") {
            GDALRasterIOEx(handle, flag, Int32(rect.x), Int32(rect.y), Int32(rect.width), Int32(rect.height),
                           base, Int32(layout.width), Int32(layout.height), t,
                           Int64(layout.pixelSpacing), Int64(layout.lineSpacing), nil)
        }
    }

    /// Reads one whole block in the band's own type (`GDALReadBlock`); bypasses the block cache.
    /// - Parameter buffer: at least `blockSize.width × blockSize.height × byteSize` bytes.
    public func readBlock(x: Int, y: Int, into buffer: UnsafeMutableRawBufferPointer) throws(GDALError) {
        try GDALCall.check("GDALReadBlock") { GDALReadBlock(handle, Int32(x), Int32(y), buffer.baseAddress) }
    }

    /// Writes one whole block in the band's own type (`GDALWriteBlock`); the driver encodes it now.
    public func writeBlock(x: Int, y: Int, from buffer: UnsafeRawBufferPointer) throws(GDALError) {
        try GDALCall.check("GDALWriteBlock") {
            GDALWriteBlock(handle, Int32(x), Int32(y), UnsafeMutableRawPointer(mutating: buffer.baseAddress))
        }
    }
}

extension Dataset {
    /// Reads a window of several bands at once into one buffer (`GDALDatasetRasterIOEx`);
    /// pixel-interleaved files are decoded once for all bands.
    /// - Parameters:
    ///   - bands: 1-based band indices, in buffer order.
    ///   - rect: the window; `buffer` must hold `layout.requiredBytes(bands:)` bytes.
    /// - Throws: `GDALError` with GDAL's message.
    public func read(bands: [Int], _ rect: Window, into buffer: UnsafeMutableRawBufferPointer,
                     layout: BufferLayout) throws(GDALError) {
        try io(GF_Read, bands, rect, buffer.baseAddress, buffer.count, layout)
    }

    /// Writes a window of several bands at once from one buffer (`GDALDatasetRasterIOEx`).
    public func write(bands: [Int], _ rect: Window, from buffer: UnsafeRawBufferPointer,
                      layout: BufferLayout) throws(GDALError) {
        try io(GF_Write, bands, rect, UnsafeMutableRawPointer(mutating: buffer.baseAddress), buffer.count, layout)
    }

    private func io(_ flag: GDALRWFlag, _ bands: [Int], _ rect: Window, _ base: UnsafeMutableRawPointer?,
                    _ count: Int, _ layout: BufferLayout) throws(GDALError) {
        guard let t = layout.dataType.gdal else {
            throw GDALError(function: "GDALDatasetRasterIOEx",
                            message: "buffer type \(layout.dataType.name) is not available")
        }
        precondition(count >= layout.requiredBytes(bands: bands.count), "buffer smaller than its layout")
        var map = bands.map { Int32($0) }
        try GDALCall.check("GDALDatasetRasterIOEx") {
            map.withUnsafeMutableBufferPointer { m in
                GDALDatasetRasterIOEx(handle, flag, Int32(rect.x), Int32(rect.y), Int32(rect.width), Int32(rect.height),
                                      base, Int32(layout.width), Int32(layout.height), t, Int32(m.count), m.baseAddress,
                                      Int64(layout.pixelSpacing), Int64(layout.lineSpacing), Int64(layout.bandSpacing),
                                      nil)
            }
        }
    }
}

extension Band {
    /// GDAL's checksum of a window, the number `gdalinfo -checksum` prints (`GDALChecksumImage`).
    public func checksum(_ rect: Window) throws(GDALError) -> Int {
        GDALCall.reset()
        let v = GDALChecksumImage(handle, Int32(rect.x), Int32(rect.y), Int32(rect.width), Int32(rect.height))
        if CPLGetLastErrorType() == CE_Failure {
            throw GDALCall.lastError("GDALChecksumImage", fallback: "checksum failed")
        }
        return Int(v)
    }
}
