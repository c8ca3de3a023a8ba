#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GDALKit

/// What `geokernel info` prints about a raster: size, bands, types, blocks, CRS, nodata and
/// GDAL's mask flags. Thread safety: a plain value, `Sendable`.
public struct DatasetSummary: Sendable, Codable {
    /// One band's facts.
    public struct BandSummary: Sendable, Codable {
        /// 1-based band index.
        public var band: Int
        /// GDAL's type name.
        public var dataType: String
        /// Natural block size.
        public var blockWidth: Int, blockHeight: Int
        /// Nodata value, if any.
        public var noData: Double?
        /// GDAL's mask flags, e.g. `NODATA` or `PER_DATASET`.
        public var maskFlags: String
        /// Colour interpretation name.
        public var colorInterpretation: String
        /// Whether the band is a palette band.
        public var hasColorTable: Bool
        /// Number of overviews.
        public var overviews: Int
    }

    /// The path as given.
    public var path: String
    /// GDAL driver short name.
    public var driver: String
    /// Raster size in pixels.
    public var width: Int, height: Int
    /// Number of bands.
    public var bandCount: Int
    /// Affine geotransform, if any.
    public var geoTransform: [Double]?
    /// EPSG code of the CRS, when GDAL knows one.
    public var epsg: Int?
    /// CRS as WKT, empty when none.
    public var crsWKT: String
    /// Number of ground control points.
    public var gcpCount: Int
    /// The `IMAGE_STRUCTURE` metadata (compression, interleave, predictor).
    public var imageStructure: [String: String]
    /// Per-band facts.
    public var bands: [BandSummary]
    /// What `info --check` found (every block read, checksums); `nil` without `--check`.
    public var check: BlockCheck?
    /// The partition this file is of a partitioned run (`apply --partition`); `nil` for any other file.
    public var partition: PartitionSummary?

    /// A part's partition: the run's digest, which of how many, its pixels in the full raster.
    public struct PartitionSummary: Sendable, Codable {
        public var run: String
        public var index: Int, count: Int
        public var window: PartitionPlan.PixelWindow
    }

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
            geoTransform = ds.geoTransform?.coefficients
            crsWKT = ds.projectionWKT
            epsg = ds.epsg
            gcpCount = ds.gcpCount
            imageStructure = Dictionary(ds.metadata(domain: "IMAGE_STRUCTURE").map { ($0.key, $0.value) },
                                        uniquingKeysWith: { a, _ in a })
            var out: [BandSummary] = []
            for b in 0..<bandCount {
                out.append(try gdal(path, "reading band \(b + 1)") {
                    try ds.withBand(b + 1) { band in
                        let bs = band.blockSize
                        return BandSummary(band: b + 1, dataType: band.dataTypeName, blockWidth: bs.width,
                                           blockHeight: bs.height,
                                           noData: band.noDataValue, maskFlags: band.maskFlags.description,
                                           colorInterpretation: band.colorInterpretation,
                                           hasColorTable: band.hasColorTable,
                                           overviews: band.overviewCount)
                    }
                })
            }
            bands = out
            partition = PartitionTag(items: ds.metadata(domain: PartitionTag.domain)).map { t in
                PartitionSummary(run: t.run, index: t.index, count: t.count, window: .init(t.window))
            }
        } catch {
            throw EngineError(wrapping: error, path: path, context: "opening")
        }
    }

    /// Human-readable lines, as `geokernel info` prints them.
    public var text: String {
        var lines = ["File: \(path) (\(driver))",
                     "Size: \(width) x \(height), \(bandCount) band\(bandCount == 1 ? "" : "s")"]
        if let gt = geoTransform {
            lines.append("Geotransform: \(gt.map { String($0) }.joined(separator: ", "))")
        } else if gcpCount > 0 {
            lines.append("Georeferencing: \(gcpCount) GCPs")
        } else {
            lines.append("Georeferencing: none")
        }
        let crsName = crsWKT.isEmpty ? "none" : (epsg.map { "EPSG:\($0)" } ?? "custom (WKT: \(crsWKT.prefix(60))…)")
        lines.append("CRS: \(crsName)")
        if let p = partition {
            lines.append("Partition: \(p.index) of \(p.count) of run \(p.run), pixels "
                         + "\(p.window.width)x\(p.window.height)"
                         + "+\(p.window.x)+\(p.window.y) of the full raster")
        }
        if !imageStructure.isEmpty {
            let items = imageStructure.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            lines.append("Structure: " + items.joined(separator: " "))
        }
        for b in bands {
            let noData = b.noData.map { String($0) } ?? "none"
            var l = "Band \(b.band): \(b.dataType), block \(b.blockWidth)x\(b.blockHeight), nodata \(noData)"
            l += ", mask \(b.maskFlags), colour \(b.colorInterpretation)"
            if b.hasColorTable { l += ", palette" }
            if b.overviews > 0 { l += ", \(b.overviews) overview\(b.overviews == 1 ? "" : "s")" }
            lines.append(l)
        }
        return lines.joined(separator: "\n")
    }
}
