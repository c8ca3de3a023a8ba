import GDALKit
import RasterKernels
import RasterTiling

/// A tile's neighbourhood as read from the input: the raw bytes of every filtered band over
/// the source rows and columns the edge mode maps the padded tile to, and those maps.
/// Thread safety: a view of the worker's scratch memory, valid only inside the closure `gather` lends it to.
struct GatheredTile {
    let tile: Window
    let halo: Halo
    /// Padded column and row → source column and row (through the edge mode).
    let columns: AxisGather, rows: AxisGather
    /// Each padded column's place in a gathered row, -1 outside the raster (constant edge).
    let columnSlots: [Int]
    /// Whether the padded columns are the gathered ones in order (no edge mapping needed).
    let contiguous: Bool
    /// Every filtered band's raw values in the read type: band `k` of the filtered bands is
    /// `gatheredWidth × gatheredHeight` samples from sample `k × gatheredArea`, row after row.
    let raw: RawSamples

    var byteSize: Int { raw.byteSize }
    var gatheredWidth: Int { columns.gatheredCount }
    var gatheredArea: Int { columns.gatheredCount * rows.gatheredCount }
    var paddedWidth: Int { columns.slots.count }
    var paddedHeight: Int { rows.slots.count }
    /// The core (the tile) in the padded planes' coordinates.
    var core: Window { Window(x: halo.left, y: halo.top, width: tile.width, height: tile.height) }

    /// The raw values of filtered band `k`.
    func band(_ k: Int) -> RawSamples { raw.part(k * gatheredArea, count: gatheredArea) }

    /// The gathered row of band `k`'s raw values that core row `y` was read from (all
    /// `gatheredWidth` samples; `columnSlots` says which one each padded column is).
    func coreRow(_ k: Int, _ y: Int) -> RawSamples {
        band(k).part(rows.slots[y + halo.top]! * gatheredWidth, count: gatheredWidth)
    }
}

/// Read with halo, then decode one band into the padded planes an operation sees.
extension TileWorker {
    /// Reads the tile and `halo` around it (at most the operation's: what its chosen pixels
    /// reach, `reach`), through the edge mode, of every filtered band at once, from the shared
    /// block cache, and lends it to `body`.
    func gather<R>(_ tile: Window, halo: Halo, _ body: (GatheredTile) throws -> R) throws -> R {
        let layout = job.layout
        let gx = AxisGather(start: tile.x - halo.left, length: tile.width + halo.left + halo.right,
                            count: layout.width, edge: job.edge)
        let gy = AxisGather(start: tile.y - halo.top, length: tile.height + halo.top + halo.bottom,
                            count: layout.height, edge: job.edge)
        let gw = gx.gatheredCount, ga = gw * gy.gatheredCount
        let bands = job.filteredBands
        let rs = job.readType.byteSize
        let slots = gx.slots.map { $0 ?? -1 }
        let contiguous = slots.first.map { first in
            first >= 0 && slots.indices.allSatisfy { slots[$0] == first + $0 }
        } ?? false
        return try scratch.lend(.gathered, count: max(1, bands.count * ga), byteSize: rs) { raw in
            if ga > 0 {
                try readRuns(gx, gy, gw: gw, bands: bands.count, into: raw, tile: tile) { rect, dst, _ in
                    try readInput(rect, bands: bands, into: dst, rowStride: gw, bandStride: ga)
                }
            }
            return try body(GatheredTile(tile: tile, halo: halo, columns: gx, rows: gy, columnSlots: slots,
                                         contiguous: contiguous, raw: raw.readOnly))
        }
    }

    /// One band's padded planes: the values (edge-mapped, `cval` outside with `constant`) and
    /// their validity. A view of scratch memory, valid only inside the closure `decode` lends it to.
    struct PaddedPlanes {
        /// `paddedWidth × paddedHeight` values and validity flags (1 = valid), rows one after the other.
        let values: MutablePlane<Double>
        let valid: MutablePlane<UInt8>
        /// Whether `valid` was filled (a nodata value, a mask or NaN can make a pixel invalid).
        let checked: Bool
        /// Whether any padded value is invalid.
        let anyInvalid: Bool
    }

    /// Decodes filtered band `k` (band number `b`) of `g` into the padded planes. Validity
    /// comes from the nodata value compared as GDAL's nodata mask compares it (so the band's
    /// blocks are not decoded a second time for the mask), else from GDAL's mask band (read
    /// once per tile when it is shared by all bands); and NaN in float bands.
    func decode<R>(_ g: GatheredTile, band k: Int, number b: Int, sharedMaskRead: inout Bool,
                   _ body: (PaddedPlanes) throws -> R) throws -> R {
        let pw = g.paddedWidth, ph = g.paddedHeight, ga = g.gatheredArea
        // `decoded` is given back before `body`, which may borrow it (`operate`).
        return try scratch.lend(.padded, Double.self, width: pw, height: ph) { padded in
            try scratch.lend(.valid, UInt8.self, width: pw, height: ph) { valid in
                let planes = try scratch.lend(.decoded, Double.self, count: max(1, ga)) { decoded in
                    try scratch.lend(.gatheredMask, UInt8.self, count: max(1, ga)) { gatheredMask in
                        try decode(g, band: k, number: b, sharedMaskRead: &sharedMaskRead,
                                   decoded: decoded, padded: padded, valid: valid, gatheredMask: gatheredMask)
                    }
                }
                return try body(planes)
            }
        }
    }

    /// `decode` in the memory it was lent.
    private func decode(_ g: GatheredTile, band k: Int, number b: Int, sharedMaskRead: inout Bool,
                        decoded: MutablePlaneRow<Double>, padded: MutablePlane<Double>,
                        valid: MutablePlane<UInt8>,
                        gatheredMask: MutablePlaneRow<UInt8>) throws -> PaddedPlanes {
        let layout = job.layout
        let pw = g.paddedWidth, ph = g.paddedHeight, gw = g.gatheredWidth, ga = g.gatheredArea
        let rawBand = g.band(k)
        let colSlots = g.columnSlots

        // Decode into the padded plane through the gather slots (straight from the read rows
        // when the columns need no edge mapping).
        if !g.contiguous && ga > 0 { PixelCodec.decode(job.readType, rawBand, into: decoded) }
        for py in 0..<ph {
            let dst = padded.row(py)
            guard let sy = g.rows.slots[py] else { dst.fill(job.cval); continue }
            if g.contiguous {
                PixelCodec.decode(job.readType, rawBand.part(sy * gw + colSlots[0], count: pw), into: dst)
            } else {
                let src = decoded.part(sy * gw, count: gw)
                for px in 0..<pw { let s = colSlots[px]; dst[px] = s >= 0 ? src[s] : job.cval }
            }
        }

        let flags = layout.maskFlags[b - 1]
        let nodata = RasterLayout.nodataComparand(flags: flags, type: layout.bandTypes[b - 1],
                                                  noData: layout.noData[b - 1])
        let usesMask = !flags.contains(.allValid) && nodata == nil
        var hasNaN = false
        if layout.bandTypes[b - 1].isFloatingPoint {
            let values = padded.elements
            for i in 0..<values.count where values[i] != values[i] { hasNaN = true; break }
        }
        let checked = usesMask || hasNaN || nodata != nil
        var anyInvalid = false
        if checked {
            if usesMask && !(flags.contains(.perDataset) && sharedMaskRead) && ga > 0 {
                try readRuns(g.columns, g.rows, gw: gw, into: MutableRawSamples(gatheredMask),
                             tile: g.tile) { rect, dst, size in
                    try input.withBand(b) { band in
                        try band.withMaskBand { m in
                            try m.read(rect, into: dst.bytes,
                                       layout: BufferLayout(dataType: .byte, width: size.width, height: size.height,
                                                            pixelSpacing: 1, lineSpacing: gw, bandSpacing: ga))
                        }
                    }
                }
                sharedMaskRead = flags.contains(.perDataset)
            }
            let nd = nodata ?? .nan   // NaN equals nothing: no nodata test
            for py in 0..<ph {
                let row = valid.row(py), prow = padded.row(py)
                guard let sy = g.rows.slots[py] else { row.fill(1); continue }
                for px in 0..<pw {
                    let sx = colSlots[px]
                    var ok: Bool = sx < 0 || !usesMask || gatheredMask[sy * gw + sx] != 0
                    if sx >= 0 && (prow[px] != prow[px] || prow[px] == nd) { ok = false }
                    row[px] = ok ? 1 : 0
                    if !ok { anyInvalid = true }
                }
            }
        }
        return PaddedPlanes(values: padded, valid: valid, checked: checked, anyInvalid: anyInvalid)
    }

    /// Which core pixels take the operation's result (selected and valid: a tile-sized plane),
    /// lent to `body`; `nil` when all do. `selection` is the chunk's (`SelectionPlane.read`).
    func choose<R>(_ planes: PaddedPlanes, _ g: GatheredTile, selection: Plane<UInt8>?,
                   chunk: Window, _ body: (Plane<UInt8>?) throws -> R) throws -> R {
        guard selection != nil || planes.checked else { return try body(nil) }
        return try scratch.lend(.chosen, UInt8.self, width: g.tile.width, height: g.tile.height) { chosen in
            try body(choose(planes, g, selection: selection, chunk: chunk, into: chosen))
        }
    }

    /// `choose` in the memory it was lent: `chosen`, or `nil` when every pixel is.
    private func choose(_ planes: PaddedPlanes, _ g: GatheredTile, selection: Plane<UInt8>?,
                        chunk: Window, into chosen: MutablePlane<UInt8>) -> Plane<UInt8>? {
        let tile = g.tile
        let selected = selection?.part(Window(x: tile.x - chunk.x, y: tile.y - chunk.y, width: tile.width,
                                              height: tile.height))
        let valid = planes.valid.readOnly.part(g.core)
        var all: UInt8 = 1
        for y in 0..<tile.height {
            let crow = chosen.row(y)
            if let selected { crow.update(from: selected.row(y)) } else { crow.fill(1) }
            if planes.checked {
                let vrow = valid.row(y)
                for x in 0..<tile.width { crow[x] &= vrow[x] }
            }
            for x in 0..<tile.width { all &= crow[x] }
        }
        return all == 1 ? nil : chosen.readOnly
    }

    /// Reads `rect` of the input's `bands` in the read type into `dst`, band `k` of the list
    /// from sample `k × bandStride`, rows `rowStride` samples apart, from the shared block
    /// cache (each block decoded once).
    func readInput(_ rect: Window, bands: [Int], into dst: MutableRawSamples, rowStride: Int,
                   bandStride: Int) throws {
        guard let cache = job.blocks else {
            preconditionFailure("tiles are read only in apply, whose job has a block cache")
        }
        try cache.read(rect, bands: bands, into: dst, rowStride: rowStride, bandStride: bandStride, using: input)
    }

    /// Reads each (row run × column run) rectangle into its place in a gathered buffer (rows
    /// `gw` samples apart), handing `read` the samples from that place on.
    func readRuns(_ gx: AxisGather, _ gy: AxisGather, gw: Int, bands: Int = 1,
                  into buf: MutableRawSamples, tile: Window,
                  _ read: (Window, MutableRawSamples, (width: Int, height: Int)) throws -> Void) throws {
        let elementSize = buf.byteSize
        var oy = 0
        for ry in gy.runs {
            var ox = 0
            for rx in gx.runs {
                let rect = Window(x: rx.lowerBound, y: ry.lowerBound, width: rx.count, height: ry.count)
                try meter.read(rx.count * ry.count * elementSize * bands) {
                    try gdal(job.inputPath, "reading tile \(tile)") {
                        try read(rect, buf.dropFirst(oy * gw + ox), (rx.count, ry.count))
                    }
                }
                ox += rx.count
            }
            oy += ry.count
        }
    }
}
