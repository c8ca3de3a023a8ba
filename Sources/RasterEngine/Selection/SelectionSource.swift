import GDALKit
import RasterTiling

/// One source of selected pixels (`--mask`, `--polygons`, `--where`, `--bbox`), prepared once
/// on the main thread into plain values that every worker shares. Each worker opens its own
/// `SelectionReader` (its own GDAL handles), which ANDs the source into a selection plane.
/// Adding a source: one type conforming to this, listed in `Selection.sourceTypes`, plus its
/// flag in the command line and its field in `ApplyOptions`.
/// Thread safety: `Sendable` plain values.
protocol SelectionSource: Sendable {
    /// The source the options name, checked against the open input; `nil` when they name none.
    /// - Throws: `EngineError` with a one-line message (a mask on another grid, a bad box…).
    static func prepare(_ options: ApplyOptions, input: borrowing Dataset, layout: RasterLayout) throws -> Self?
    /// The pixels it can select; `nil` for anywhere. A chunk outside it reads no source.
    var envelope: Window? { get }
    /// How the report and the plan name it (`mask water.tif band 1`).
    var summary: String { get }
    /// Files it made under `/vsimem/`, removed after the run.
    var temporaries: [String] { get }
    /// This worker's reader.
    func makeReader(meter: Meter) throws -> any SelectionReader
    /// ANDs the source into the quick look's samples at `grid`'s pixels (1 = selected), from
    /// GDAL's decimated reads (`PreviewSampling`). Runs on the calling thread with `input`.
    func andSamples(into selection: inout [UInt8], grid: SampleGrid, input: borrowing Dataset) throws
}

extension SelectionSource {
    var envelope: Window? { nil }
    var temporaries: [String] { [] }
}

/// What a selection reader knows of a whole window without decoding it: every pixel selected, or none.
enum SelectionCoverage: Sendable, Equatable {
    case all, none
}

/// One worker's reader of a selection source. Thread safety: owned by one worker thread.
protocol SelectionReader: AnyObject {
    /// ANDs the source into `plane`: flags of `window`'s size, 1 = selected.
    func and(into plane: MutablePlane<UInt8>, window: Window) throws
    /// Whether the source selects all or none of `window`, when the reader knows it without
    /// decoding pixels (a constant block seen before); `nil` when it would have to read them.
    func coverage(of window: Window) throws -> SelectionCoverage?
}

extension SelectionReader {
    func coverage(of window: Window) throws -> SelectionCoverage? { nil }
}
