import CGDAL

/// DEFLATE (zlib-wrapped, as TIFF's Compression 8 stores it) through GDAL's `CPLZLibDeflate`,
/// which uses libdeflate when GDAL is built with it (Debian's is), the codec GDAL's own GTiff
/// writer uses. Thread safety: stateless; callable from any thread at once.
public enum Deflate {
    /// The most bytes `count` input bytes can take once compressed (zlib's own bound, plus
    /// room for the zlib wrapper; libdeflate's bound is smaller).
    public static func bound(_ count: Int) -> Int {
        count + count / 1000 + (count >> 12) + (count >> 14) + (count >> 25) + 64
    }

    /// Compresses `source` at `level` (1–12 with libdeflate, 1–9 with zlib; GDAL's GTiff default
    /// is 6) into `destination`, and returns the bytes written, or `nil` when they did not fit
    /// or the codec failed. Wraps `CPLZLibDeflate`.
    public static func compress(_ source: UnsafeRawBufferPointer, level: Int,
                                into destination: UnsafeMutableRawBufferPointer) -> Int? {
        var written = 0
        let made = CPLZLibDeflate(source.baseAddress, source.count, Int32(level), destination.baseAddress,
                                  destination.count, &written)
        return made == nil ? nil : written
    }
}
