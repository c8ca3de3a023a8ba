#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import GDALKit
import RasterTiling

/// Whether a mask lies on the input's pixel grid, and, with `--mask-warp`, the warped VRT that
/// puts one from another grid there. Thread safety: stateless.
enum MaskGrid {
    /// Checks that the mask lies on the input's pixel grid and has the band; returns that
    /// band's nodata and whether it is Byte.
    static func check(_ path: String, band: Int, against input: borrowing Dataset, path inputPath: String,
                          shownAs shown: String) throws -> (noData: Double?, isByte: Bool) {
        let mask = try gdal(shown, "opening mask") { try Dataset.open(path) }
        if let reason = gridDifference(mask, input) {
            throw EngineError.maskGridMismatch(input: inputPath, mask: shown,
                                               reason: reason + " (--mask-warp resamples it onto the input's grid)")
        }
        guard band >= 1 && band <= mask.bandCount else {
            let bands = "\(mask.bandCount) band\(mask.bandCount == 1 ? "" : "s")"
            throw EngineError.badOption("--mask-band \(band): the mask \(shown) has \(bands)")
        }
        return try gdal(path, "reading mask band \(band)") {
            try mask.withBand(band) { ($0.noDataValue, $0.dataType == .byte) }
        }
    }

    /// How a mask's grid differs from the input's (size, geotransform, CRS), `nil` when it does not.
    static func gridDifference(_ mask: borrowing Dataset, _ input: borrowing Dataset) -> String? {
        if mask.width != input.width || mask.height != input.height {
            return "the input is \(input.width)x\(input.height) pixels, the mask \(mask.width)x\(mask.height)"
        }
        if let a = input.geoTransform?.coefficients, let b = mask.geoTransform?.coefficients {
            let tolerance = 1e-6 * max(abs(a[1]), abs(a[5]), 1e-12)
            if zip(a, b).contains(where: { abs($0 - $1) > tolerance }) {
                return "geotransforms differ: input \(a), mask \(b)"
            }
        }
        let (wa, wb) = (input.projectionWKT, mask.projectionWKT)
        if !wa.isEmpty && !wb.isEmpty && !SpatialReference.isSame(wa, wb) {
            func name(_ w: String) -> String { SpatialReference.epsg(ofWKT: w).map { "EPSG:\($0)" } ?? "a custom CRS" }
            return "CRSs differ: input \(name(wa)), mask \(name(wb))"
        }
        return nil
    }

    /// With `--mask-warp`, a mask on another grid becomes a warped VRT on the input's grid
    /// (nearest neighbour, read window by window); otherwise the path is used as it is.
    static func resolve(_ path: String, warp: Bool, input: borrowing Dataset, path inputPath: String) throws -> String {
        guard warp else { return path }
        let mask = try gdal(path, "opening mask") { try Dataset.open(path) }
        guard gridDifference(mask, input) != nil else { return path }
        guard let gt = input.geoTransform, gt.isNorthUp else {
            throw EngineError.badOption("--mask-warp needs a north-up georeferenced input; \(inputPath) has none")
        }
        guard mask.geoTransform != nil || mask.gcpCount > 0 else {
            throw EngineError.badOption("--mask-warp needs a georeferenced mask; \(path) has no geotransform")
        }
        let wkt = input.projectionWKT.isEmpty ? mask.projectionWKT : input.projectionWKT
        let vrt = "/vsimem/geokernel-mask-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).vrt"
        let warped = try gdal(path, "warping the mask onto the input's grid") {
            try Dataset.warpedVRT(path, to: vrt, width: input.width, height: input.height, geoTransform: gt, wkt: wkt)
        }
        do { try warped.close() } catch { throw EngineError.gdal(path: path, context: "warping the mask", error) }
        return vrt
    }
}
