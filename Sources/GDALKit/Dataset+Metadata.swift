import CGDAL

/// Metadata access shared by datasets and bands (both are `GDALMajorObjectH`).
enum MajorObject {
    static func metadata(_ h: GDALMajorObjectH, domain: String?) -> [(key: String, value: String)] {
        guard let list = GDALGetMetadata(h, domain) else { return [] }
        return CStringList.strings(list).map { item in
            if let eq = item.firstIndex(of: "=") {
                return (String(item[..<eq]), String(item[item.index(after: eq)...]))
            }
            return (item, "")
        }
    }

    static func domains(_ h: GDALMajorObjectH) -> [String] {
        guard let list = GDALGetMetadataDomainList(h) else { return [] }
        defer { CSLDestroy(list) }
        return CStringList.strings(list)
    }

    static func item(_ h: GDALMajorObjectH, _ key: String, domain: String?) -> String? {
        GDALGetMetadataItem(h, key, domain).map { String(cString: $0) }
    }

    static func set(_ h: GDALMajorObjectH, _ items: [(key: String, value: String)], domain: String?) throws(GDALError) {
        let lines = items.map { "\($0.key)=\($0.value)" }
        try GDALCall.check("GDALSetMetadata") {
            CStringList.with(lines) { GDALSetMetadata(h, $0, domain) }
        }
    }
}

extension Dataset {
    /// The metadata domains the dataset has, `""` being the default one (`GDALGetMetadataDomainList`).
    public var metadataDomains: [String] { MajorObject.domains(handle) }

    /// The `KEY=VALUE` items of a metadata domain, in GDAL's order (`GDALGetMetadata`).
    /// - Parameter domain: `nil` or `""` for the default domain, e.g. `IMAGE_STRUCTURE`.
    public func metadata(domain: String? = nil) -> [(key: String, value: String)] {
        MajorObject.metadata(handle, domain: domain)
    }

    /// One metadata item, `nil` when absent (`GDALGetMetadataItem`).
    public func metadataItem(_ key: String, domain: String? = nil) -> String? {
        MajorObject.item(handle, key, domain: domain)
    }

    /// Replaces a metadata domain (`GDALSetMetadata`).
    public func setMetadata(_ items: [(key: String, value: String)], domain: String? = nil) throws(GDALError) {
        try MajorObject.set(handle, items, domain: domain)
    }
}
