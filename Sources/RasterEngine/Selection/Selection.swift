import GDALKit
import RasterKernels
import RasterTiling

/// Every selection source of a run, combined with AND, then inverted with `--invert-mask`.
/// Prepared on the main thread for `apply` and `plan` alike; `removeTemporaries()` deletes
/// what the sources put in `/vsimem/`. Thread safety: `Sendable` plain values.
struct Selection: Sendable {
    /// The source types, in the order they are ANDed (the cheap box first).
    static let sourceTypes: [any SelectionSource.Type] = [
        BBoxSource.self, MaskSource.self, PolygonSource.self, WhereSource.self,
    ]

    let sources: [any SelectionSource]
    /// Select where the combined sources do not (`--invert-mask`).
    let invert: Bool
    /// Then dilate (positive radius) or erode (negative) by a disk (`--grow-mask`, `--shrink-mask`).
    let morphology: Int
    /// The raster's pixels: outside them nothing is selected.
    let raster: Window

    /// Prepares every source `options` names against the open input.
    /// - Throws: `EngineError` for a mask on another grid, a bad band, box or vector source.
    init(_ options: ApplyOptions, input: borrowing Dataset, layout: RasterLayout) throws {
        var prepared: [any SelectionSource] = []
        do {
            for type in Selection.sourceTypes {
                if let source = try type.prepare(options, input: input, layout: layout) { prepared.append(source) }
            }
        } catch {
            prepared.forEach { $0.temporaries.forEach { _ = GDALRuntime.unlink($0) } }
            throw error
        }
        sources = prepared
        invert = options.invertMask
        morphology = options.selectionMorphology
        raster = Window(width: layout.width, height: layout.height)
    }

    /// Whether anything restricts the selection (otherwise every pixel is selected).
    var selects: Bool { !sources.isEmpty || invert || morphology != 0 }

    /// The sources as the report lists them.
    var summaries: [String] {
        combinedSummaries
            + (morphology > 0 ? ["grown by \(morphology)"] : morphology < 0 ? ["shrunk by \(-morphology)"] : [])
    }

    /// The sources and `--invert-mask`, without the growing or shrinking (what `preview` draws).
    var combinedSummaries: [String] { sources.map(\.summary) + (invert ? ["inverted"] : []) }

    /// Deletes the warped mask and rasterized polygons from `/vsimem/`.
    func removeTemporaries() { sources.forEach { $0.temporaries.forEach { _ = GDALRuntime.unlink($0) } } }
}

/// One worker's selection: a reader per source and the plane they AND into.
/// Thread safety: owned by one worker thread.
final class SelectionPlane {
    private let selection: Selection
    private let readers: [any SelectionReader]
    private let plane = GrowableBuffer<UInt8>()
    private let reached = GrowableBuffer<UInt8>()
    private let padded = GrowableBuffer<UInt8>()

    /// Opens every source's reader on the calling thread.
    init(_ selection: Selection, meter: Meter) throws {
        self.selection = selection
        readers = try selection.sources.map { try $0.makeReader(meter: meter) }
    }

    /// Lends `body` the selection of `window` (1 = selected), a plane of its size, valid during
    /// the call. `nil` when nothing restricts it (no source, or every pixel selected): the fast
    /// path then needs no per-pixel test. `nothing` is true when no pixel is selected.
    func read<R>(_ window: Window, _ body: (Plane<UInt8>?, _ nothing: Bool) throws -> R) throws -> R {
        guard selection.selects else { return try body(nil, false) }
        let r = abs(selection.morphology)
        // With --grow-mask / --shrink-mask, the sources are read r pixels around the window.
        let around = Halo(left: r, top: r, right: r, bottom: r)
        let reach = r == 0 ? window : window.padded(by: around).clamped(to: selection.raster)
        if !selection.invert,
           selection.sources.contains(where: { s in s.envelope.map { $0.intersection(reach) == nil } ?? false }) {
            return try body(nil, true)   // outside a source's envelope: nothing else is read
        }
        // A window every source knows whole (a constant mask block seen before) needs no plane.
        if r == 0, let known = try knownCoverage(window) {
            return try body(nil, (known == .all) == selection.invert)
        }
        if r == 0 {
            return try plane.withPlane(width: reach.width, height: reach.height) { combined in
                let (all, any) = try combine(reach, into: combined)
                return try body(all ? nil : combined.readOnly, !any)
            }
        }
        return try reached.withPlane(width: reach.width, height: reach.height) { combined in
            let (_, any) = try combine(reach, into: combined)
            if !any { return try body(nil, true) }   // nothing to grow, nothing left by shrinking
            // The window padded by r, unselected outside the raster (scipy's border_value=0).
            return try padded.withPlane(width: window.width + 2 * r, height: window.height + 2 * r) { p in
                p.fill(0)
                let inPadded = p.part(Window(x: reach.x - window.x + r, y: reach.y - window.y + r,
                                             width: reach.width, height: reach.height))
                for y in 0..<reach.height { inPadded.row(y).update(from: combined.readOnly.row(y)) }
                return try plane.withPlane(width: window.width, height: window.height) { out in
                    SelectionMorphology.apply(grow: selection.morphology > 0, radius: r, padded: p.readOnly,
                                              into: out)
                    var allOut: UInt8 = 1, anyOut: UInt8 = 0
                    let flat = out.elements
                    for i in 0..<flat.count { allOut &= flat[i]; anyOut |= flat[i] }
                    return try body(allOut == 1 ? nil : out.readOnly, anyOut == 0)
                }
            }
        }
    }

    /// Whether any pixel of `window` is selected (what the partitions' survey asks of every block).
    func selectsAny(_ window: Window) throws -> Bool {
        try read(window) { plane, nothing in
            if nothing { return false }
            guard let plane else { return true }
            let flat = plane.elements
            return (0..<flat.count).contains { flat[$0] != 0 }
        }
    }

    /// What the sources' AND is over all of `window` when every reader knows it without
    /// decoding (one that selects none of it decides alone); `nil` when a plane must be read.
    private func knownCoverage(_ window: Window) throws -> SelectionCoverage? {
        var all = true
        for reader in readers {
            switch try reader.coverage(of: window) {
            case .none?: return SelectionCoverage.none
            case .all?: continue
            case nil: all = false
            }
        }
        return all ? .all : nil
    }

    /// ANDs every source into `plane` over `window`, then inverts it with `--invert-mask`.
    /// Returns whether every pixel and whether any pixel is selected.
    private func combine(_ window: Window, into sel: MutablePlane<UInt8>) throws -> (all: Bool, any: Bool) {
        sel.fill(1)
        for reader in readers { try reader.and(into: sel, window: window) }
        var all: UInt8 = 1, any: UInt8 = 0
        let flip: UInt8 = selection.invert ? 1 : 0
        let flat = sel.elements
        for i in 0..<flat.count {
            flat[i] ^= flip
            all &= flat[i]
            any |= flat[i]
        }
        return (all == 1, any == 1)
    }

    /// The selected pixels of `tile`, a part of `window`, in a plane `read(window)` lent.
    static func count(_ plane: Plane<UInt8>, window: Window, tile: Window) -> Int {
        let part = plane.part(Window(x: tile.x - window.x, y: tile.y - window.y, width: tile.width,
                                     height: tile.height))
        var n = 0
        for y in 0..<part.height {
            let row = part.row(y)
            for x in 0..<row.count { n &+= Int(row[x]) }
        }
        return n
    }

    /// What processing chunk `index` of `plan` would do to its tiles, from its selection alone:
    /// tiles in all, convolved and copied through, and pixels selected.
    func survey(_ index: Int, plan: TilePlan) throws -> RunStats {
        let chunk = plan.chunk(index)
        var stats = RunStats()
        try read(chunk) { plane, nothing in
            for tile in plan.tiles(in: chunk) {
                stats.tilesTotal += 1
                let selected = nothing ? 0
                    : plane.map { SelectionPlane.count($0, window: chunk, tile: tile) } ?? tile.area
                stats.pixelsSelected += selected
                if selected == 0 { stats.tilesSkipped += 1 } else { stats.tilesConvolved += 1 }
            }
        }
        return stats
    }
}
