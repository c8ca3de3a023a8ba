import CGDAL

/// One colour-table entry: red, green, blue, alpha (0 = transparent). Thread safety: a plain value.
public struct ColorEntry: Sendable, Equatable {
    public var red: UInt8, green: UInt8, blue: UInt8, alpha: UInt8

    /// An entry from its four components.
    public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8, _ alpha: UInt8 = 255) {
        self.red = red
        self.green = green
        self.blue = blue
        self.alpha = alpha
    }
}

extension Band {
    /// The colour table's entries in index order (`GDALGetColorEntry` of an RGB table), `nil` when the band
    /// has none.
    public var colorEntries: [ColorEntry]? {
        guard let ct = GDALGetRasterColorTable(handle) else { return nil }
        return (0..<GDALGetColorEntryCount(ct)).map { i in
            var e = GDALColorEntry()
            GDALGetColorEntryAsRGB(ct, i, &e)
            return ColorEntry(UInt8(clamping: e.c1), UInt8(clamping: e.c2), UInt8(clamping: e.c3),
                              UInt8(clamping: e.c4))
        }
    }

    /// Gives the band an RGB colour table of `entries` (`GDALSetRasterColorTable`; GDAL copies it): a palette
    /// band, which GDAL's PNG driver writes as an indexed PNG (`PLTE`, with `tRNS` for alphas below 255).
    public func setColorEntries(_ entries: [ColorEntry]) throws(GDALError) {
        guard let ct = GDALCreateColorTable(GPI_RGB) else {
            throw GDALError(function: "GDALCreateColorTable", message: "cannot create a colour table")
        }
        defer { GDALDestroyColorTable(ct) }
        for (i, c) in entries.enumerated() {
            var e = GDALColorEntry(c1: Int16(c.red), c2: Int16(c.green), c3: Int16(c.blue), c4: Int16(c.alpha))
            GDALSetColorEntry(ct, Int32(i), &e)
        }
        try GDALCall.check("GDALSetRasterColorTable") { GDALSetRasterColorTable(handle, ct) }
    }
}
