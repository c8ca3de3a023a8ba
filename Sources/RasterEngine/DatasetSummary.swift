import Foundation
import GDALKit

/// What `geokernel info` prints about a raster: size, bands, types, blocks, CRS, nodata and
/// GDAL's mask flags. Thread safety: a plain value, `Sendable`.
public struct DatasetSummary: Sendable, Codable {
    /// One band's facts.
    public struct BandSummary: Sendable, Codable {
        public var band: Int
        public var dataType: String
        public var blockWidth: Int, blockHeight: Int
        public var noData: Double?
        public var maskFlags: String
        public var colorInterpretation: String
        public var hasColorTable: Bool
        public var overviews: Int
    }

    public var path: String
    public var driver: String
    public var width: Int, height: Int
    public var bandCount: Int
    public var geoTransform: [Double]?
    public var epsg: Int?
    public var crsWKT: String
    public var gcpCount: Int
    public var imageStructure: [String: String]
    public var bands: [BandSummary]

    /// Opens `path` read-only and describes it.
    /// - Throws: `EngineError.gdal` carrying GDAL's message when the file cannot be read.
    public init(path: String) throws(EngineError) {
        do {
            let ds = try gdal(path, "opening") { try Dataset.open(path) }
            self.path = path
            driver = ds.driverName
            width = ds.width
            height = ds.height
            bandCount = ds.bandCount
            geoTransform = ds.geoTransform
            crsWKT = ds.projectionWKT
            epsg = ds.epsg
            gcpCount = ds.gcpCount
            imageStructure = Dictionary(ds.metadata(domain: "IMAGE_STRUCTURE").map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            var out: [BandSummary] = []
            for b in 0..<bandCount {
                out.append(try gdal(path, "reading band \(b + 1)") {
                    try ds.withBand(b + 1) { band in
                        let bs = band.blockSize
                        return BandSummary(band: b + 1, dataType: band.dataTypeName, blockWidth: bs.width, blockHeight: bs.height,
                                           noData: band.noDataValue, maskFlags: band.maskFlags.description,
                                           colorInterpretation: band.colorInterpretation, hasColorTable: band.hasColorTable,
                                           overviews: band.overviewCount)
                    }
                })
            }
            bands = out
        } catch let e as EngineError {
            throw e
        } catch {
            throw .gdal(path: path, context: "opening", GDALError(function: "?", message: "\(error)"))
        }
    }

    /// Human-readable lines, as `geokernel info` prints them.
    public var text: String {
        var lines = ["File: \(path) (\(driver))", "Size: \(width) x \(height), \(bandCount) band\(bandCount == 1 ? "" : "s")"]
        if let gt = geoTransform {
            lines.append("Geotransform: \(gt.map { String($0) }.joined(separator: ", "))")
        } else if gcpCount > 0 {
            lines.append("Georeferencing: \(gcpCount) GCPs")
        } else {
            lines.append("Georeferencing: none")
        }
        let crsName = crsWKT.isEmpty ? "none" : (epsg.map { "EPSG:\($0)" } ?? "custom (WKT: \(crsWKT.prefix(60))…)")
        lines.append("CRS: \(crsName)")
        if !imageStructure.isEmpty {
            lines.append("Structure: " + imageStructure.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        }
        for b in bands {
            var l = "Band \(b.band): \(b.dataType), block \(b.blockWidth)x\(b.blockHeight), nodata \(b.noData.map { String($0) } ?? "none")"
            l += ", mask \(b.maskFlags), colour \(b.colorInterpretation)"
            if b.hasColorTable { l += ", palette" }
            if b.overviews > 0 { l += ", \(b.overviews) overview\(b.overviews == 1 ? "" : "s")" }
            lines.append(l)
        }
        return lines.joined(separator: "\n")
    }
}
