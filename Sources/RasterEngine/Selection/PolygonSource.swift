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

/// `--polygons PATH [--layer NAME] [--sql-where FILTER] [--all-touched]`: the polygons of a
/// vector source, reprojected to the input's CRS and rasterized once on its grid
/// (`GDALRasterize`, in strips, so memory stays bounded) into a Byte GeoTIFF under `/vsimem/`
/// (1 inside), which the workers read like a mask. Thread safety: `Sendable` plain values.
struct PolygonSource: SelectionSource {
    /// The vector source as given, and its layer and filter.
    let vector: String, layer: String?, sqlWhere: String?
    /// The rasterized polygons.
    let path: String
    let raster: Window

    static func prepare(_ options: ApplyOptions, input: borrowing Dataset,
                        layout: RasterLayout) throws -> PolygonSource? {
        guard let vector = options.polygons else { return nil }
        guard let gt = input.geoTransform else {
            throw EngineError.badOption("--polygons needs a georeferenced input; \(options.input) has no geotransform")
        }
        let path = "/vsimem/geokernel-polygons-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).tif"
        do {
            let raster = try gdal(path, "creating the polygon mask") {
                try Dataset.create(path, width: input.width, height: input.height, bandCount: 1, dataType: .byte,
                                   options: ["TILED=YES", "COMPRESS=DEFLATE", "SPARSE_OK=TRUE", "BIGTIFF=IF_SAFER"])
            }
            try gdal(path, "georeferencing the polygon mask") {
                try raster.setGeoTransform(gt)
                if !input.projectionWKT.isEmpty { try raster.setProjection(input.projectionWKT) }
            }
            do {
                try raster.rasterize(vectorPath: vector, layer: options.polygonLayer, sqlWhere: options.polygonWhere,
                                     allTouched: options.allTouched)
                try raster.close()
            } catch {
                throw EngineError.gdal(path: vector, context: "rasterizing the polygons", error)
            }
        } catch {
            GDALRuntime.unlink(path)
            throw error
        }
        return PolygonSource(vector: vector, layer: options.polygonLayer, sqlWhere: options.polygonWhere, path: path,
                             raster: Window(width: layout.width, height: layout.height))
    }

    var summary: String {
        "polygons \(vector)" + (layer.map { " layer \($0)" } ?? "") + (sqlWhere.map { " where \($0)" } ?? "")
    }
    var temporaries: [String] { [path] }

    func andSamples(into selection: inout [UInt8], grid: SampleGrid, input: borrowing Dataset) throws {
        let v = try PreviewSampling.readOne(path, band: 1, grid: grid, shownAs: vector)
        for i in v.indices where v[i] == 0 { selection[i] = 0 }
    }

    func makeReader(meter: Meter) throws -> any SelectionReader {
        try ByteSelectionReader(path: path, band: 1, notSelected: -1, raster: raster, meter: meter)
    }
}
