import Foundation
import GDALKit
import RasterKernels
import RasterTiling

/// The selection sources made ready on the main thread, for `apply` and `plan` alike: the
/// mask (a warped VRT with `--mask-warp`), the rasterized polygons, the box's pixel envelope,
/// and checks of `--where`'s bands. `removeTemporaries()` deletes what it put in `/vsimem/`.
/// Thread safety: a plain value, `Sendable`.
struct PreparedSelection: Sendable {
    var maskPath: String?
    var maskNoData: Double?
    var maskIsByte = false
    var polygonMaskPath: String?
    var bbox: BBoxSelection?
    private var temporaries: [String] = []

    /// Prepares every source `options` names against the open input.
    /// - Throws: `EngineError` for a mask on another grid, a bad band, box or vector source.
    init(_ options: ApplyOptions, input: borrowing Dataset, layout: RasterLayout) throws {
        if let e = options.whereExpression, let b = e.bands.first(where: { $0 > layout.bandCount }) {
            throw EngineError.badOption("--where: band b\(b) does not exist; the input has \(layout.bandCount) band\(layout.bandCount == 1 ? "" : "s")")
        }
        do {
            if let m = options.mask {
                let path = try Engine.resolveMask(m, warp: options.maskWarp, input: input, path: options.input)
                if path != m { temporaries.append(path) }
                let facts = try Engine.checkMask(path, band: options.maskBand, against: input, path: options.input, shownAs: m)
                (maskPath, maskNoData, maskIsByte) = (path, facts.noData, facts.isByte)
            }
            bbox = try options.bbox.map { b throws in try Engine.prepareBBox(b, crs: options.bboxCRS, input: input, path: options.input) }
            if options.polygons != nil {
                let path = "/vsimem/geokernel-polygons-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).tif"
                temporaries.append(path)
                try Engine.rasterizePolygons(options, input: input, to: path)
                polygonMaskPath = path
            }
        } catch {
            removeTemporaries()
            throw error
        }
    }

    /// Deletes the warped mask and rasterized polygons from `/vsimem/`.
    func removeTemporaries() { temporaries.forEach { GDALRuntime.unlink($0) } }
}

extension Job {
    /// The job for `options` on a prepared input, plan and selection.
    init(_ options: ApplyOptions, layout: RasterLayout, plan: TilePlan, selection: PreparedSelection, filtered: [Int],
         outputType: RasterDataType, nanValues: [Double], cancellation: Cancellation, copiesInput: Bool = false, blocks: BlockCache? = nil,
         preview: PreviewCanvas? = nil) {
        self.init(inputPath: options.input, maskPath: selection.maskPath, maskNoData: selection.maskNoData,
                  maskIsByte: selection.maskIsByte, maskBand: options.maskBand, polygonMaskPath: selection.polygonMaskPath,
                  invert: options.invertMask, whereExpression: options.whereExpression, bbox: selection.bbox,
                  layout: layout, plan: plan, taps: Taps(options.kernel), halo: options.kernel.halo, edge: options.edge,
                  cval: options.cval, policy: options.nodataPolicy, filteredBands: filtered,
                  copiedBands: (1...layout.bandCount).filter { !filtered.contains($0) }, outputType: outputType,
                  nanValues: nanValues, cancellation: cancellation, copiesInput: copiesInput, blocks: blocks,
                  preview: preview)
    }
}
