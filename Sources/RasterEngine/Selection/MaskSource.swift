#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GDALKit
import RasterKernels
import RasterTiling

/// `--mask PATH [--mask-band N] [--mask-warp]`: a raster on the input's pixel grid (or, with
/// `--mask-warp`, a warped VRT that puts it there); a pixel is selected where the band is
/// non-zero, not NaN and not the mask's nodata. Thread safety: `Sendable` plain values.
struct MaskSource: SelectionSource {
    /// The file read (the warped VRT with `--mask-warp`) and the path as the user gave it.
    let path: String, shownPath: String
    let band: Int
    let noData: Double?
    /// Whether the band is Byte (read as it is, block by block).
    let isByte: Bool
    let raster: Window
    let temporaries: [String]

    static func prepare(_ options: ApplyOptions, input: borrowing Dataset, layout: RasterLayout) throws -> MaskSource? {
        guard let shown = options.mask else { return nil }
        let path = try MaskGrid.resolve(shown, warp: options.maskWarp, input: input, path: options.input)
        let temporaries = path != shown ? [path] : []
        do {
            let facts = try MaskGrid.check(path, band: options.maskBand, against: input, path: options.input,
                                           shownAs: shown)
            return MaskSource(path: path, shownPath: shown, band: options.maskBand, noData: facts.noData,
                              isByte: facts.isByte, raster: Window(width: layout.width, height: layout.height),
                              temporaries: temporaries)
        } catch {
            temporaries.forEach { _ = GDALRuntime.unlink($0) }
            throw error
        }
    }

    var summary: String { "mask \(shownPath) band \(band)" }

    func andSamples(into selection: inout [UInt8], grid: SampleGrid, input: borrowing Dataset) throws {
        let nd = noData ?? .nan
        let v = try PreviewSampling.readOne(path, band: band, grid: grid, shownAs: shownPath)
        for i in v.indices where !(v[i] != 0 && v[i] == v[i] && v[i] != nd) { selection[i] = 0 }
    }

    func makeReader(meter: Meter) throws -> any SelectionReader {
        let nd = noData ?? .nan   // NaN never equals anything
        if isByte {
            // Byte masks (the common case) are read as they are, block by block.
            let ndByte: Int = nd == nd && nd >= 0 && nd <= 255 && nd == nd.rounded() ? Int(nd) : -1
            return try ByteSelectionReader(path: path, band: band, notSelected: ndByte, raster: raster, meter: meter)
        }
        return try ValueMaskReader(path: path, band: band, noData: nd)
    }
}

/// Reads a mask band that is not Byte as Float64 and ANDs in its non-zero, valid values.
/// Thread safety: owned by one worker thread (its own dataset handle).
final class ValueMaskReader: SelectionReader {
    private let dataset: Dataset
    private let path: String, band: Int, noData: Double
    private let values = GrowableBuffer<Double>()

    init(path: String, band: Int, noData: Double) throws {
        dataset = try gdal(path, "opening") { try Dataset.open(path) }
        self.path = path
        self.band = band
        self.noData = noData
    }

    func and(into sel: MutablePlane<UInt8>, window: Window) throws {
        try self.values.withRow(count: window.area) { values in
            try gdal(path, "reading mask window \(window)") {
                try dataset.withBand(band) { b in
                    try b.read(window, into: values.rawBytes,
                               layout: BufferLayout(dataType: .float64, width: window.width, height: window.height))
                }
            }
            let nd = noData, flat = sel.elements
            for i in 0..<flat.count {
                let v = values[i]
                flat[i] &= (v != 0 && v == v && v != nd) ? 1 : 0
            }
        }
    }
}
