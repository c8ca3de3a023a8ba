import CGDAL

/// GDAL's validity-mask flags for a band (`GDALGetMaskFlags`).
/// Thread safety: a plain value, `Sendable`.
public struct MaskFlags: OptionSet, Sendable, CustomStringConvertible {
    /// GDAL's `GMF_*` bits.
    public let rawValue: Int32
    /// Flags from GDAL's bits.
    public init(rawValue: Int32) { self.rawValue = rawValue }
    /// Every pixel is valid (`GMF_ALL_VALID`).
    public static let allValid = MaskFlags(rawValue: Int32(GMF_ALL_VALID))
    /// One mask shared by all bands: internal mask IFD or external `.msk` (`GMF_PER_DATASET`).
    public static let perDataset = MaskFlags(rawValue: Int32(GMF_PER_DATASET))
    /// The mask comes from an alpha band (`GMF_ALPHA`).
    public static let alpha = MaskFlags(rawValue: Int32(GMF_ALPHA))
    /// The mask comes from the nodata value (`GMF_NODATA`).
    public static let nodata = MaskFlags(rawValue: Int32(GMF_NODATA))

    /// GDAL's flag names joined by `,` (e.g. `PER_DATASET,ALPHA`), or `MASK_BAND` for a real mask band.
    public var description: String {
        var names: [String] = []
        if contains(.allValid) { names.append("ALL_VALID") }
        if contains(.perDataset) { names.append("PER_DATASET") }
        if contains(.alpha) { names.append("ALPHA") }
        if contains(.nodata) { names.append("NODATA") }
        return names.isEmpty ? "MASK_BAND" : names.joined(separator: ",")
    }
}

/// A raster band lent by its `Dataset` (`GDALRasterBandH`), valid only inside the
/// `withBand` closure that lent it: it is `~Copyable` and passed `borrowing`, so it cannot
/// escape. Thread safety: use it only on the thread that owns the dataset.
public struct Band: ~Copyable {
    let handle: GDALRasterBandH
    /// The band's 1-based index in its dataset (0 for a mask band).
    public let index: Int

    init(handle: GDALRasterBandH, index: Int) {
        self.handle = handle
        self.index = index
    }

    /// The pixel type, `nil` when GDALKit does not know it (`GDALGetRasterDataType`).
    public var dataType: RasterDataType? { RasterDataType(gdal: GDALGetRasterDataType(handle)) }

    /// GDAL's name for the pixel type, also for types GDALKit does not know (`GDALGetDataTypeName`).
    public var dataTypeName: String {
        GDALGetDataTypeName(GDALGetRasterDataType(handle)).map { String(cString: $0) } ?? "Unknown"
    }

    /// Natural block size in pixels (`GDALGetBlockSize`).
    public var blockSize: (width: Int, height: Int) {
        var w: Int32 = 0, h: Int32 = 0
        GDALGetBlockSize(handle, &w, &h)
        return (Int(w), Int(h))
    }

    /// Band size in pixels (`GDALGetRasterBandXSize`, `GDALGetRasterBandYSize`).
    public var size: (width: Int, height: Int) {
        (Int(GDALGetRasterBandXSize(handle)), Int(GDALGetRasterBandYSize(handle)))
    }

    /// The nodata value, `nil` when none is set (`GDALGetRasterNoDataValue`).
    public var noDataValue: Double? {
        var ok: Int32 = 0
        let v = GDALGetRasterNoDataValue(handle, &ok)
        return ok != 0 ? v : nil
    }

    /// Sets the nodata value (`GDALSetRasterNoDataValue`).
    public func setNoDataValue(_ value: Double) throws(GDALError) {
        try GDALCall.check("GDALSetRasterNoDataValue") { GDALSetRasterNoDataValue(handle, value) }
    }

    /// The colour interpretation's GDAL name, e.g. `Red`, `Alpha`, `Gray`
    /// (`GDALGetRasterColorInterpretation`, `GDALGetColorInterpretationName`).
    public var colorInterpretation: String {
        GDALGetColorInterpretationName(GDALGetRasterColorInterpretation(handle)).map { String(cString: $0) }
            ?? "Undefined"
    }

    /// Sets the colour interpretation by GDAL name (`GDALSetRasterColorInterpretation`).
    public func setColorInterpretation(_ name: String) throws(GDALError) {
        let ci = GDALGetColorInterpretationByName(name)
        try GDALCall.check("GDALSetRasterColorInterpretation") { GDALSetRasterColorInterpretation(handle, ci) }
    }

    /// Whether the band has a colour table, i.e. is a palette band (`GDALGetRasterColorTable`).
    public var hasColorTable: Bool { GDALGetRasterColorTable(handle) != nil }

    /// Number of overviews (`GDALGetOverviewCount`).
    public var overviewCount: Int { Int(GDALGetOverviewCount(handle)) }

    /// The band's description (`GDALGetDescription`).
    public var bandDescription: String { String(cString: GDALGetDescription(handle)) }

    /// Sets the band's description (`GDALSetDescription`).
    public func setBandDescription(_ text: String) { GDALSetDescription(handle, text) }

    /// Scale and offset, `nil` when unset (`GDALGetRasterScale`, `GDALGetRasterOffset`).
    public var scaleOffset: (scale: Double, offset: Double)? {
        var s1: Int32 = 0, s2: Int32 = 0
        let scale = GDALGetRasterScale(handle, &s1)
        let offset = GDALGetRasterOffset(handle, &s2)
        return (s1 != 0 || s2 != 0) && (scale != 1 || offset != 0) ? (scale, offset) : nil
    }

    /// Sets scale and offset (`GDALSetRasterScale`, `GDALSetRasterOffset`).
    public func setScaleOffset(scale: Double, offset: Double) throws(GDALError) {
        try GDALCall.check("GDALSetRasterScale") { GDALSetRasterScale(handle, scale) }
        try GDALCall.check("GDALSetRasterOffset") { GDALSetRasterOffset(handle, offset) }
    }

    /// The unit type, e.g. `m` (`GDALGetRasterUnitType`).
    public var unitType: String { GDALGetRasterUnitType(handle).map { String(cString: $0) } ?? "" }

    /// Sets the unit type (`GDALSetRasterUnitType`).
    public func setUnitType(_ unit: String) throws(GDALError) {
        try GDALCall.check("GDALSetRasterUnitType") { GDALSetRasterUnitType(handle, unit) }
    }

    /// The metadata items of a domain (`GDALGetMetadata`).
    public func metadata(domain: String? = nil) -> [(key: String, value: String)] {
        MajorObject.metadata(handle, domain: domain)
    }

    /// One metadata item (`GDALGetMetadataItem`).
    public func metadataItem(_ key: String, domain: String? = nil) -> String? {
        MajorObject.item(handle, key, domain: domain)
    }

    /// Replaces a metadata domain (`GDALSetMetadata`).
    public func setMetadata(_ items: [(key: String, value: String)], domain: String? = nil) throws(GDALError) {
        try MajorObject.set(handle, items, domain: domain)
    }

    /// GDAL's validity-mask flags for this band (`GDALGetMaskFlags`).
    public var maskFlags: MaskFlags { MaskFlags(rawValue: GDALGetMaskFlags(handle)) }

    /// Lends GDAL's validity mask band (Byte, 0 = invalid, non-zero = valid) to `body`
    /// (`GDALGetMaskBand`). Nodata, NaN nodata, internal and external masks and alpha all
    /// come through it.
    public func withMaskBand<R>(_ body: (borrowing Band) throws -> R) throws -> R {
        let m = try GDALCall.nonNull("GDALGetMaskBand") { GDALGetMaskBand(handle) }
        return try body(Band(handle: m, index: 0))
    }

    /// Creates a mask for this band or its dataset (`GDALCreateMaskBand`).
    public func createMaskBand(_ flags: MaskFlags) throws(GDALError) {
        try GDALCall.check("GDALCreateMaskBand") { GDALCreateMaskBand(handle, flags.rawValue) }
    }
}

extension Band {
    /// Copies another band's colour table onto this one (`GDALSetRasterColorTable`); does
    /// nothing when the source has none.
    public func copyColorTable(from source: borrowing Band) throws(GDALError) {
        guard let ct = GDALGetRasterColorTable(source.handle) else { return }
        try GDALCall.check("GDALSetRasterColorTable") { GDALSetRasterColorTable(handle, ct) }
    }
}
