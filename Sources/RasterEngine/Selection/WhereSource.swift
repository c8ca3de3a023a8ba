import GDALKit
import RasterKernels
import RasterTiling

/// `--where EXPR`: pixels where an expression over the input's bands holds, evaluated on
/// each window's pixels of the bands it names. Thread safety: `Sendable` plain values.
struct WhereSource: SelectionSource {
    let expression: SelectionExpression
    let inputPath: String

    static func prepare(_ options: ApplyOptions, input: borrowing Dataset,
                        layout: RasterLayout) throws -> WhereSource? {
        guard let e = options.whereExpression else { return nil }
        if let b = e.bands.first(where: { $0 > layout.bandCount }) {
            let bands = "\(layout.bandCount) band\(layout.bandCount == 1 ? "" : "s")"
            throw EngineError.badOption("--where: band b\(b) does not exist; the input has \(bands)")
        }
        return WhereSource(expression: e, inputPath: options.input)
    }

    var summary: String { "where" }

    func andSamples(into selection: inout [UInt8], grid: SampleGrid, input: borrowing Dataset) throws {
        var values: [Int: [Double]] = [:], invalid: [Int: [UInt8]] = [:]
        for b in expression.bands.union(expression.nodataBands).sorted() {
            let (v, ok) = try PreviewSampling.bands(input, [b], grid: grid, path: inputPath)
            values[b] = v[0]
            invalid[b] = ok.map { 1 - $0 }
        }
        let picked = expression.select(count: grid.count, value: { values[$0]! }, invalid: { invalid[$0]! })
        for i in selection.indices { selection[i] &= picked[i] }
    }

    func makeReader(meter: Meter) throws -> any SelectionReader {
        try WhereReader(self, meter: meter)
    }
}

/// Evaluates `--where` through this worker's own handle on the input.
/// Thread safety: owned by one worker thread.
final class WhereReader: SelectionReader {
    private let source: WhereSource
    private let input: Dataset
    private let meter: Meter

    init(_ source: WhereSource, meter: Meter) throws {
        self.source = source
        input = try gdal(source.inputPath, "opening") { try Dataset.open(source.inputPath) }
        self.meter = meter
    }

    func and(into sel: MutablePlane<UInt8>, window: Window) throws {
        let e = source.expression, path = source.inputPath
        try meter.read(window.area * 8 * e.bands.count) {
            var values: [Int: [Double]] = [:], invalid: [Int: [UInt8]] = [:]
            for b in e.bands.sorted() {
                values[b] = try gdal(path, "reading band \(b) of window \(window) for --where") {
                    try input.withBand(b) { try $0.read(window, as: Double.self) }
                }
            }
            for b in e.nodataBands.sorted() {
                let m: [UInt8] = try gdal(path, "reading the mask of band \(b) for --where") {
                    try input.withBand(b) { band in try band.withMaskBand { try $0.read(window) } }
                }
                invalid[b] = m.map { $0 == 0 ? 1 : 0 }
            }
            let picked = e.select(count: window.area, value: { values[$0]! }, invalid: { invalid[$0]! })
            let flat = sel.elements
            for i in 0..<flat.count { flat[i] &= picked[i] }
        }
    }
}
