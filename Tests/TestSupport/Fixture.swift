import Foundation
import GDALKit
import RasterKernels
import RasterTiling

/// Real GeoTIFF fixtures on disk for the engine tests, built from values the test chooses.
public enum Fixture {
    /// WGS 84 / UTM zone 33N, the fixtures' CRS unless a test gives another.
    public static let utm33N = #"PROJCS["WGS 84 / UTM zone 33N",GEOGCS["WGS 84",DATUM["WGS_1984","#
        + #"SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],"#
        + #"PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",15],"#
        + #"PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],"#
        + #"UNIT["metre",1],AUTHORITY["EPSG","32633"]]"#

    /// A fresh temporary folder, removed by the caller.
    public static func folder() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("geokernel-tests-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Deterministic imagery-like values: a ramp, steps and pseudo-random texture.
    public static func values(width: Int, height: Int, seed: UInt64, type: RasterDataType) -> [Double] {
        var state = seed &* 6364136223846793005 &+ 1442695040888963407
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 33) / Double(1 << 31)
        }
        let lo = max(type.minimum, -1000), hi = min(type.maximum, 60000)
        return (0..<(width * height)).map { i in
            let x = Double(i % width), y = Double(i / width)
            let v = lo + (hi - lo) * (0.3 + 0.2 * sin(x / 3) * cos(y / 4) + 0.25 * next())
            let f = type.isFloatingPoint ? (v * 8).rounded() / 8 + 0.1 : v.rounded()
            return type == .float32 ? Double(Float(f)) : f
        }
    }

    /// Writes a GeoTIFF with the given bands (values as Double, stored in `type`).
    public static func write(_ path: String, width: Int, height: Int, type: RasterDataType, bands: [[Double]],
                      noData: Double? = nil, options: [String] = ["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16"],
                      geoTransform: GeoTransform = [300000, 30, 0, 5000000, 0, -30], wkt: String? = nil) throws {
        let ds = try Dataset.create(path, width: width, height: height, bandCount: bands.count, dataType: type,
                                    options: options)
        try ds.setGeoTransform(geoTransform)
        try ds.setProjection(wkt ?? Fixture.utm33N)
        for (i, values) in bands.enumerated() {
            try ds.withBand(i + 1) { band in
                if let noData { try band.setNoDataValue(noData) }
                try band.write(Window(x: 0, y: 0, width: width, height: height), values: values)
            }
        }
        try ds.close()
    }

    /// Reads every band of a file as Double.
    public static func read(_ path: String) throws -> [[Double]] {
        let ds = try Dataset.open(path)
        return try (1...ds.bandCount).map { b in
            try ds.withBand(b) { try $0.read(Window(x: 0, y: 0, width: ds.width, height: ds.height), as: Double.self) }
        }
    }

    /// What the engine must write for one band: the reference convolution composited by the
    /// selection and validity, then stored in `type` (rounded half to even and clamped).
    public static func expected(_ image: [Double], width: Int, height: Int, kernel: Kernel, edge: EdgeMode,
                                cval: Double = 0,
                         policy: NodataPolicy = .renormalize, noData: Double?, selected: [Bool]?,
                         inputType: RasterDataType, outputType: RasterDataType) -> [Double] {
        let valid = noData.map { nd in image.map { nd.isNaN ? !$0.isNaN : $0 != nd } }
        let out = ReferenceConvolution.apply(image: image, width: width, height: height, kernel: kernel, edge: edge,
                                             cval: cval, policy: policy, valid: valid, selected: selected,
                                             nanIsInvalid: inputType.isFloatingPoint)
        return out.map { stored($0, as: outputType, noData: noData) }
    }

    /// A Double as it reads back after being stored in `type`.
    public static func stored(_ v: Double, as type: RasterDataType, noData: Double?) -> Double {
        switch type {
        case .float64: return v
        case .float32: return Double(Float(v))
        default:
            var clamped = false
            return Rounding.integer(v, minimum: type.minimum, maximum: type.maximum, nanValue: noData ?? 0,
                                    wasClamped: &clamped)
        }
    }

    /// The first pixels where two planes differ (NaN equals NaN), as text; empty when identical.
    public static func mismatches(_ got: [Double], _ expected: [Double], limit: Int = 3) -> [String] {
        if got.count != expected.count { return ["\(got.count) pixels instead of \(expected.count)"] }
        return zip(got, expected).enumerated()
            .filter { !($0.element.0 == $0.element.1 || ($0.element.0.isNaN && $0.element.1.isNaN)) }
            .prefix(limit).map { "pixel \($0.offset): got \($0.element.0), expected \($0.element.1)" }
    }
}
