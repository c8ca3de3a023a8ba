import GDALKit
import RasterKernels
import RasterTiling

/// Reads a Byte selection band (the mask raster's, the rasterized polygons') one of its blocks
/// at a time and ANDs it in (selected: non-zero and not `notSelected`). Blocks that
/// `ConstantBlocks` knows as all- or none-selected from their encoded bytes are not decoded;
/// a block read whole is classified for the next time.
/// Thread safety: owned by one worker thread (its own dataset handle).
final class ByteSelectionReader: SelectionReader {
    private let dataset: Dataset
    private let band: Int
    private let path: String
    private let notSelected: Int
    private let raster: Window
    private let blocks: ConstantBlocks?
    private let meter: Meter
    private let bytes = GrowableBuffer<UInt8>()

    /// Opens band `band` of `path` on the calling thread.
    init(path: String, band: Int, notSelected: Int, raster: Window, meter: Meter) throws {
        dataset = try gdal(path, "opening") { try Dataset.open(path) }
        blocks = ConstantBlocks(dataset, path: path)
        self.path = path
        self.band = band
        self.notSelected = notSelected
        self.raster = raster
        self.meter = meter
    }

    func and(into sel: MutablePlane<UInt8>, window chunk: Window) throws {
        try dataset.withBand(band) { b in try and(b, into: sel, window: chunk) }
    }

    /// `.all` or `.none` when every block `window` touches is a constant block already
    /// classified, all with the same value; `nil` otherwise (nothing is decoded here).
    func coverage(of window: Window) throws -> SelectionCoverage? {
        guard let blocks else { return nil }
        return try dataset.withBand(band) { b -> SelectionCoverage? in
            let (bw, bh) = b.blockSize
            let grid = BlockGrid(blockWidth: bw, blockHeight: bh, width: raster.width, height: raster.height)
            var value: UInt8? = nil
            for by in grid.rows(covering: window) {
                for bx in grid.columns(covering: window) {
                    guard let key = blocks.key(b, number: band, bx, by), let v = blocks.value(for: key),
                          value == nil || value == v else { return nil }
                    value = v
                }
            }
            return value.map { $0 == 1 ? .all : .none }
        }
    }

    private func and(_ b: borrowing Band, into sel: MutablePlane<UInt8>, window chunk: Window) throws {
        let (bw, bh) = b.blockSize
        let grid = BlockGrid(blockWidth: bw, blockHeight: bh, width: raster.width, height: raster.height)
        try self.bytes.withRow(count: max(chunk.area, bw * bh)) { buffer in
            for by in grid.rows(covering: chunk) {
                for bx in grid.columns(covering: chunk) {
                    let block = grid.window(column: bx, row: by)
                    guard let part = block.intersection(chunk) else { continue }
                    let target = sel.part(Window(x: part.x - chunk.x, y: part.y - chunk.y, width: part.width,
                                                 height: part.height))
                    let key = blocks?.key(b, number: band, bx, by)
                    if let key, let v = blocks?.value(for: key) {
                        if v == 0 { target.fill(0) }
                        continue
                    }
                    // Read the whole block when it is worth classifying, else only the part needed.
                    let whole = key != nil && block.area <= 4 * part.area
                    let rect = whole ? block : part
                    let bytes = buffer.plane(width: rect.width, height: rect.height)
                    try meter.read(rect.area) {
                        try gdal(path, "reading selection window \(rect)") {
                            try b.read(rect, into: bytes.rawBytes,
                                       layout: BufferLayout(dataType: .byte, width: rect.width, height: rect.height))
                        }
                    }
                    if whole, let key {
                        var any: UInt8 = 0, all: UInt8 = 1
                        let flat = bytes.elements
                        for i in 0..<flat.count {
                            let v = Int(flat[i])
                            let s: UInt8 = v != 0 && v != notSelected ? 1 : 0
                            any |= s; all &= s
                        }
                        if any == 0 || all == 1 { blocks?.remember(key, selected: all) }
                    }
                    let source = bytes.readOnly.part(Window(x: part.x - rect.x, y: part.y - rect.y, width: part.width,
                                                            height: part.height))
                    for y in 0..<part.height {
                        let src = source.row(y), dst = target.row(y)
                        for x in 0..<part.width {
                            let v = Int(src[x])
                            dst[x] &= v != 0 && v != notSelected ? 1 : 0
                        }
                    }
                }
            }
        }
    }
}
