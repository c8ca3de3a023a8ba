import GDALKit
import RasterKernels
import RasterTiling

/// One worker thread's state: its own read handles on the input and the mask (GDAL 3.6
/// datasets are not thread-safe) and its scratch buffers. It turns a chunk into finished
/// output pixels: selection first, then per tile either a pass-through copy or a halo read,
/// a convolution and a composite. Thread safety: lives and dies on one thread.
struct TileWorker: ~Copyable {
    let job: Job
    let input: Dataset
    let mask: Dataset?
    let polygonMask: Dataset?
    /// Raster CRS to `--bbox-crs`, when they differ (this thread's own transform).
    let bboxTransform: CoordinateTransform?
    let scratch = Scratch()
    let meter = Meter()
    /// Recognisers of constant blocks in the mask and the rasterized polygons (GeoTIFFs only).
    let maskBlocks: ConstantBlocks?
    let polygonBlocks: ConstantBlocks?

    init(job: Job) throws {
        self.job = job
        let opened = try gdal(job.inputPath, "opening") { try Dataset.open(job.inputPath) }
        let maskOpened = try TileWorker.openMask(job.maskPath)
        let polygonsOpened = try TileWorker.openMask(job.polygonMaskPath)
        let transform = try TileWorker.makeTransform(job)
        maskBlocks = TileWorker.constantBlocks(maskOpened, path: job.maskIsByte ? job.maskPath : nil)
        polygonBlocks = TileWorker.constantBlocks(polygonsOpened, path: job.polygonMaskPath)
        input = opened
        mask = maskOpened
        polygonMask = polygonsOpened
        bboxTransform = transform
    }

    private static func makeTransform(_ job: Job) throws -> CoordinateTransform? {
        guard let box = job.bbox, let crs = box.crs else { return nil }
        do { return try CoordinateTransform(from: box.rasterWKT, to: crs) } catch { throw EngineError.badOption("--bbox-crs: \(error.message)") }
    }

    private static func constantBlocks(_ ds: borrowing Dataset?, path: String?) -> ConstantBlocks? {
        guard let path else { return nil }
        switch ds {
        case .some(let d): return ConstantBlocks(d, path: path)
        case .none: return nil
        }
    }

    private static func openMask(_ path: String?) throws -> Dataset? {
        guard let m = path else { return nil }
        return try gdal(m, "opening") { try Dataset.open(m) }
    }

    /// Computes chunk `index` and hands its pixels to `writer`: in this worker's scratch
    /// memory (valid for the duration of the call), or, when the output file takes the
    /// buffer as it is, in one of the writer's buffers, which the writer keeps.
    func process(_ index: Int, writer: ChunkWriter) throws {
        let started = ContinuousClock.now
        meter.reset()
        let chunk = job.plan.chunk(index)
        let os = job.outputType.byteSize
        let layout = ChunkLayout(chunk: chunk, blockWidth: job.plan.blockWidth, blockHeight: job.plan.blockHeight,
                                 byteSize: os, byBlocks: writer.writesInPlace)
        let size = layout.bytes(bands: job.bandCount)
        var owned = try writer.chunkBuffer(bytes: size)
        defer { if let owned { writer.giveBack(owned) } }   // unless handed over below
        let out = try owned?.pointer ?? scratch.raw(.chunkOutput, bytes: size)
        layout.clearPadding(bands: job.bandCount, in: out)
        var stats = RunStats()
        stats.pixelsClamped = Array(repeating: 0, count: job.bandCount)
        let (selection, nothing) = try readSelection(chunk)
        // With a copied input, only blocks holding a selected pixel are written; the tiles
        // of the others are neither read nor copied.
        let blocks = job.copiesInput ? job.plan.blocks(in: chunk) : []
        let rewrite: [Bool]? = job.copiesInput
            ? blocks.map { b in !nothing && !job.filteredBands.isEmpty && (selection.map { countSelected($0, chunk: chunk, tile: b.window) > 0 } ?? true) }
            : nil
        for tile in job.plan.tiles(in: chunk) {
            let signal = job.cancellation.cancelledBy
            if signal != 0 { throw EngineError.interrupted(signal: signal) }
            stats.tilesTotal += 1
            let selected = nothing ? 0 : selection.map { countSelected($0, chunk: chunk, tile: tile) } ?? tile.area
            stats.pixelsSelected += selected
            if selected == 0 || job.filteredBands.isEmpty {
                stats.tilesSkipped += 1
                let written = rewrite.map { r in blocks.indices.contains { r[$0] && blocks[$0].window.intersection(tile) != nil } } ?? true
                if written { try copy(tile, bands: Array(1...job.bandCount), layout: layout, into: out, stats: &stats) }
                continue
            }
            stats.tilesConvolved += 1
            if !job.copiedBands.isEmpty { try copy(tile, bands: job.copiedBands, layout: layout, into: out, stats: &stats) }
            try filter(tile, chunk: chunk, selection: selection, layout: layout, into: out, stats: &stats)
        }
        stats.bytesRead = meter.bytes
        stats.secondsRead = meter.seconds
        stats.secondsCompute = max(0, Meter.seconds(ContinuousClock.now - started) - meter.seconds)
        let anything = rewrite?.contains(true) ?? true
        let handed = owned
        owned = nil
        try writer.write(index: index, window: chunk, bytes: anything ? UnsafeRawBufferPointer(start: out, count: size) : nil,
                         owned: handed, rewrite: rewrite,
                         staging: writer.writesInPlace ? nil
                             : try scratch.raw(.staging, bytes: writer.stagingBytes(for: chunk)),
                         stats: stats)
    }

    /// Counts what processing chunk `index` would do, reading only the selection sources.
    func survey(_ index: Int) throws -> RunStats {
        let chunk = job.plan.chunk(index)
        var stats = RunStats()
        let (selection, nothing) = try readSelection(chunk)
        for tile in job.plan.tiles(in: chunk) {
            stats.tilesTotal += 1
            let selected = nothing ? 0 : selection.map { countSelected($0, chunk: chunk, tile: tile) } ?? tile.area
            stats.pixelsSelected += selected
            if selected == 0 || job.filteredBands.isEmpty { stats.tilesSkipped += 1 } else { stats.tilesConvolved += 1 }
        }
        return stats
    }

    // MARK: - Selection

    /// The chunk's selection (1 = selected): the mask raster, `--where` and `--bbox`
    /// combined with AND, then inverted with `--invert-mask`. `nil` when nothing restricts the
    /// chunk (no source, or every pixel selected): the fast path then needs no per-pixel test.
    /// `nothing` is true when no pixel of the chunk is selected (it is then copied through).
    private func readSelection(_ chunk: Window) throws -> (UnsafeMutablePointer<UInt8>?, nothing: Bool) {
        guard job.selects else { return (nil, false) }
        if let box = job.bbox, !job.invert, box.envelope.flatMap({ $0.intersection(chunk) }) == nil {
            return (nil, true)   // outside the box: nothing else is read
        }
        let sel = try scratch.typed(.selection, UInt8.self, count: chunk.area)
        sel.initialize(repeating: 1, count: chunk.area)
        if let box = job.bbox { applyBBox(box, chunk, sel) }
        if job.maskPath != nil { try applyMask(chunk, sel) }
        if let p = job.polygonMaskPath { try applyPolygons(p, chunk, sel) }
        if let e = job.whereExpression { try meter.read(chunk.area * 8 * e.bands.count) { try applyWhere(e, chunk, sel) } }
        var all: UInt8 = 1, any: UInt8 = 0
        for i in 0..<chunk.area {
            if job.invert { sel[i] ^= 1 }
            all &= sel[i]
            any |= sel[i]
        }
        return (all == 1 ? nil : sel, any == 0)
    }

    /// ANDs in the mask raster's band: non-zero, not NaN, not its nodata.
    private func applyMask(_ chunk: Window, _ sel: UnsafeMutablePointer<UInt8>) throws {
        guard let path = job.maskPath else { return }
        let nd = job.maskNoData ?? .nan   // NaN never equals anything
        let band = job.maskBand
        if job.maskIsByte {
            // Byte masks (the common case) are read as they are, block by block.
            let ndByte: Int = nd == nd && nd >= 0 && nd <= 255 && nd == nd.rounded() ? Int(nd) : -1
            try mask?.withBand(band) { b in
                try andByteSelection(b, path: path, blocks: maskBlocks, notSelected: ndByte, chunk: chunk, sel: sel)
            }
        } else {
            let values = try scratch.typed(.decoded, Double.self, count: chunk.area)
            try gdal(path, "reading mask window \(chunk)") {
                try mask?.withBand(band) { b in
                    try b.read(PixelRect(chunk), into: UnsafeMutableRawBufferPointer(start: values, count: chunk.area * 8),
                               layout: BufferLayout(dataType: .float64, width: chunk.width, height: chunk.height))
                }
            }
            for i in 0..<chunk.area {
                let v = values[i]
                sel[i] &= (v != 0 && v == v && v != nd) ? 1 : 0
            }
        }
    }

    /// ANDs in the rasterized `--polygons` (1 inside).
    private func applyPolygons(_ path: String, _ chunk: Window, _ sel: UnsafeMutablePointer<UInt8>) throws {
        try polygonMask?.withBand(1) { b in
            try andByteSelection(b, path: path, blocks: polygonBlocks, notSelected: -1, chunk: chunk, sel: sel)
        }
    }

    /// ANDs in a Byte selection band (selected: non-zero and not `notSelected`), one of its
    /// blocks at a time: blocks `blocks` knows as constant are not decoded; a block read
    /// whole is classified for the next time.
    private func andByteSelection(_ b: borrowing Band, path: String, blocks: ConstantBlocks?, notSelected: Int,
                                  chunk: Window, sel: UnsafeMutablePointer<UInt8>) throws {
        let (bw, bh) = b.blockSize
        let raster = Window(width: job.layout.width, height: job.layout.height)
        let bytes = try scratch.typed(.maskRead, UInt8.self, count: max(chunk.area, bw * bh))
        for by in (chunk.y / bh)...((chunk.maxY - 1) / bh) {
            for bx in (chunk.x / bw)...((chunk.maxX - 1) / bw) {
                let block = Window(x: bx * bw, y: by * bh, width: bw, height: bh).clamped(to: raster)
                guard let part = block.intersection(chunk) else { continue }
                let key = blocks?.key(b, bx, by)
                if let key, let v = blocks?.value(for: key) {
                    if v == 0 {
                        for y in part.y..<part.maxY { (sel + (y - chunk.y) * chunk.width + part.x - chunk.x).update(repeating: 0, count: part.width) }
                    }
                    continue
                }
                // Read the whole block when it is worth classifying, else only the part needed.
                let whole = key != nil && block.area <= 4 * part.area
                let rect = whole ? block : part
                try meter.read(rect.area) {
                    try gdal(path, "reading selection window \(rect)") {
                        try b.read(PixelRect(rect), into: UnsafeMutableRawBufferPointer(start: bytes, count: rect.area),
                                   layout: BufferLayout(dataType: .byte, width: rect.width, height: rect.height))
                    }
                }
                if whole, let key {
                    var any: UInt8 = 0, all: UInt8 = 1
                    for i in 0..<rect.area {
                        let v = Int(bytes[i])
                        let s: UInt8 = v != 0 && v != notSelected ? 1 : 0
                        any |= s; all &= s
                    }
                    if any == 0 || all == 1 { blocks?.remember(key, selected: all) }
                }
                for y in part.y..<part.maxY {
                    let src = bytes + (y - rect.y) * rect.width + part.x - rect.x
                    let dst = sel + (y - chunk.y) * chunk.width + part.x - chunk.x
                    for x in 0..<part.width {
                        let v = Int(src[x])
                        dst[x] &= v != 0 && v != notSelected ? 1 : 0
                    }
                }
            }
        }
    }

    /// ANDs in `--where`, evaluated on the chunk's pixels of the bands it names.
    private func applyWhere(_ e: SelectionExpression, _ chunk: Window, _ sel: UnsafeMutablePointer<UInt8>) throws {
        var values: [Int: [Double]] = [:], invalid: [Int: [UInt8]] = [:]
        for b in e.bands.sorted() {
            values[b] = try gdal(job.inputPath, "reading band \(b) of window \(chunk) for --where") {
                try input.withBand(b) { try $0.read(PixelRect(chunk), as: Double.self) }
            }
        }
        for b in e.nodataBands.sorted() {
            let m: [UInt8] = try gdal(job.inputPath, "reading the mask of band \(b) for --where") {
                try input.withBand(b) { band in try band.withMaskBand { try $0.read(PixelRect(chunk)) } }
            }
            invalid[b] = m.map { $0 == 0 ? 1 : 0 }
        }
        let picked = e.select(count: chunk.area, value: { values[$0]! }, invalid: { invalid[$0]! })
        for i in 0..<chunk.area { sel[i] &= picked[i] }
    }

    /// ANDs in `--bbox`: a pixel is selected when its centre lies in the box (in the box's CRS).
    private func applyBBox(_ box: BBoxSelection, _ chunk: Window, _ sel: UnsafeMutablePointer<UInt8>) {
        let g = box.geoTransform, b = box.bounds
        var xs = [Double](repeating: 0, count: chunk.width), ys = xs
        for y in 0..<chunk.height {
            let py = Double(chunk.y + y) + 0.5
            for x in 0..<chunk.width {
                let px = Double(chunk.x + x) + 0.5
                xs[x] = g[0] + px * g[1] + py * g[2]
                ys[x] = g[3] + px * g[4] + py * g[5]
            }
            var ok = [Bool](repeating: true, count: chunk.width)
            if box.crs != nil { ok = bboxTransform?.transform(x: &xs, y: &ys) ?? ok }
            let row = sel + y * chunk.width
            for x in 0..<chunk.width {
                let inside = ok[x] && xs[x] >= b[0] && xs[x] <= b[2] && ys[x] >= b[1] && ys[x] <= b[3]
                row[x] &= inside ? 1 : 0
            }
        }
    }

    private func countSelected(_ sel: UnsafeMutablePointer<UInt8>, chunk: Window, tile: Window) -> Int {
        var n = 0
        for y in tile.y..<tile.maxY {
            let row = sel + (y - chunk.y) * chunk.width - chunk.x
            for x in tile.x..<tile.maxX { n &+= Int(row[x]) }
        }
        return n
    }

    // MARK: - Pass-through

    /// Copies the tile's pixels of `bands` unchanged (converted only when `-ot` differs).
    private func copy(_ tile: Window, bands: [Int], layout: ChunkLayout, into out: UnsafeMutableRawPointer,
                      stats: inout RunStats) throws {
        let rs = job.readType.byteSize, os = job.outputType.byteSize
        let raw = try scratch.raw(.gathered, bytes: bands.count * tile.area * rs)
        try meter.read(bands.count * tile.area * rs) {
            try gdal(job.inputPath, "reading tile \(tile)") {
                try readInput(tile, bands: bands, into: raw, lineSpacing: tile.width * rs, bandSpacing: tile.area * rs)
            }
        }
        let row = try scratch.typed(.row, Double.self, count: tile.width)
        let widening = job.readType != job.outputType && PixelCodec.isExactWidening(job.readType, to: job.outputType)
        for (k, b) in bands.enumerated() {
            let src = raw + k * tile.area * rs
            var clamped = 0
            for y in 0..<tile.height {
                let line = src + y * tile.width * rs
                layout.forEachRun(band: b, x: tile.x, y: tile.y + y, count: tile.width, in: out) { dst, at, n in
                    let from = line + at * rs
                    if job.readType == job.outputType {
                        dst.copyMemory(from: from, byteCount: n * os)
                    } else if widening {
                        PixelCodec.convertExactly(job.readType, from, count: n, to: job.outputType, into: dst)
                    } else {
                        PixelCodec.decode(job.readType, from, count: n, into: row)
                        clamped += PixelCodec.encode(row, count: n, as: job.outputType, nanValue: job.nanValues[b - 1], into: dst)
                    }
                }
            }
            stats.pixelsClamped[b - 1] += clamped
        }
    }

    // MARK: - Convolution

    /// Reads the tile of the filtered bands with its halo, convolves and composites.
    private func filter(_ tile: Window, chunk: Window, selection: UnsafeMutablePointer<UInt8>?, layout chunkLayout: ChunkLayout,
                        into out: UnsafeMutableRawPointer, stats: inout RunStats) throws {
        let halo = job.halo, layout = job.layout
        let gx = AxisGather(start: tile.x - halo.left, length: tile.width + halo.left + halo.right, count: layout.width, edge: job.edge)
        let gy = AxisGather(start: tile.y - halo.top, length: tile.height + halo.top + halo.bottom, count: layout.height, edge: job.edge)
        let gw = gx.gatheredCount, gh = gy.gatheredCount, ga = gw * gh
        let pw = gx.slots.count, ph = gy.slots.count
        let bands = job.filteredBands
        let rs = job.readType.byteSize, os = job.outputType.byteSize
        let colSlots = gx.slots.map { $0 ?? -1 }
        let contiguous = colSlots.first.map { first in first >= 0 && colSlots.indices.allSatisfy { colSlots[$0] == first + $0 } } ?? false

        // 1. Read the gathered source rectangles of every filtered band at once.
        let raw = try scratch.raw(.gathered, bytes: max(1, bands.count * ga * rs))
        if ga > 0 {
            try readRuns(gx, gy, gw: gw, elementSize: rs, bands: bands.count, into: raw, tile: tile) { rect, dst, _ in
                try readInput(Window(x: rect.x, y: rect.y, width: rect.width, height: rect.height), bands: bands, into: dst,
                              lineSpacing: gw * rs, bandSpacing: ga * rs)
            }
        }

        let decoded = try scratch.typed(.decoded, Double.self, count: max(1, ga))
        let padded = try scratch.typed(.padded, Double.self, count: pw * ph)
        let valid = try scratch.typed(.valid, UInt8.self, count: pw * ph)
        let result = try scratch.typed(.result, Double.self, count: tile.area)
        let chosen = try scratch.typed(.chosen, UInt8.self, count: tile.area)
        let gatheredMask = try scratch.typed(.gatheredMask, UInt8.self, count: max(1, ga))
        var sharedMaskRead = false

        for (k, b) in bands.enumerated() {
            // 2. Decode into the padded plane through the gather slots (straight from the
            //    read rows when the columns need no edge mapping).
            let rawBand = raw + k * ga * rs
            if !contiguous && ga > 0 { PixelCodec.decode(job.readType, rawBand, count: ga, into: decoded) }
            for py in 0..<ph {
                let dst = padded + py * pw
                guard let sy = gy.slots[py] else { dst.initialize(repeating: job.cval, count: pw); continue }
                if contiguous {
                    PixelCodec.decode(job.readType, rawBand + (sy * gw + colSlots[0]) * rs, count: pw, into: dst)
                } else {
                    let src = decoded + sy * gw
                    for px in 0..<pw { let s = colSlots[px]; dst[px] = s >= 0 ? src[s] : job.cval }
                }
            }

            // 3. Validity: the nodata value compared as GDAL's nodata mask compares it (so the
            //    band's blocks are not decoded a second time for the mask), else GDAL's mask
            //    band (read once when shared); and NaN in float bands.
            let flags = layout.maskFlags[b - 1]
            let nodata = TileWorker.nodataComparand(flags: flags, type: layout.bandTypes[b - 1], noData: layout.noData[b - 1])
            let usesMask = !flags.contains(.allValid) && nodata == nil
            let isFloat = layout.bandTypes[b - 1].isFloatingPoint
            var hasNaN = false
            if isFloat {
                for i in 0..<(pw * ph) where padded[i] != padded[i] { hasNaN = true; break }
            }
            var anyInvalid = false
            let checkValidity = usesMask || hasNaN || nodata != nil
            if checkValidity {
                if usesMask && !(flags.contains(.perDataset) && sharedMaskRead) && ga > 0 {
                    try readRuns(gx, gy, gw: gw, elementSize: 1, into: UnsafeMutableRawPointer(gatheredMask), tile: tile) { rect, dst, size in
                        try input.withBand(b) { band in
                            try band.withMaskBand { m in
                                try m.read(rect, into: UnsafeMutableRawBufferPointer(start: dst, count: ga),
                                           layout: BufferLayout(dataType: .byte, width: size.width, height: size.height,
                                                                pixelSpacing: 1, lineSpacing: gw, bandSpacing: ga))
                            }
                        }
                    }
                    sharedMaskRead = flags.contains(.perDataset)
                }
                let nd = nodata ?? .nan   // NaN equals nothing: no nodata test
                for py in 0..<ph {
                    let row = valid + py * pw, prow = padded + py * pw
                    guard let sy = gy.slots[py] else { row.initialize(repeating: 1, count: pw); continue }
                    for px in 0..<pw {
                        let sx = colSlots[px]
                        var ok: Bool = sx < 0 || !usesMask || gatheredMask[sy * gw + sx] != 0
                        if sx >= 0 && (prow[px] != prow[px] || prow[px] == nd) { ok = false }
                        row[px] = ok ? 1 : 0
                        if !ok { anyInvalid = true }
                    }
                }
            }

            // 4. Which core pixels take the result: selected and valid.
            var allChosen = selection == nil && !checkValidity
            if !allChosen {
                var none: UInt8 = 1
                for y in 0..<tile.height {
                    let crow = chosen + y * tile.width
                    if let selection {
                        crow.update(from: selection + (tile.y - chunk.y + y) * chunk.width + tile.x - chunk.x, count: tile.width)
                    } else {
                        crow.initialize(repeating: 1, count: tile.width)
                    }
                    if checkValidity {
                        let vrow = valid + (y + halo.top) * pw + halo.left
                        for x in 0..<tile.width { crow[x] &= vrow[x] }
                    }
                    for x in 0..<tile.width { none &= crow[x] }
                }
                allChosen = none == 1
            }

            // 5. Convolve the core pixels in the chosen ones' bounding box (two 1-D passes for a
            //    rank-1 kernel; the others take the original), then redo the chosen pixels that
            //    have invalid neighbours when the policy leaves those out.
            let box = allChosen ? Window(width: tile.width, height: tile.height) : TileWorker.bounds(of: chosen, width: tile.width, height: tile.height)
            let rows = try scratch.typed(.rows, Double.self, count: ph * tile.width)
            if let box {
                Convolution.convolve(taps: job.taps, padded: padded + box.y * pw + box.x, paddedWidth: pw,
                                     width: box.width, height: box.height, out: result + box.y * tile.width + box.x,
                                     outStride: tile.width, rows: rows)
            }
            if job.policy == .renormalize && anyInvalid {
                Convolution.convolveMasked(taps: job.taps, padded: padded, valid: valid, paddedWidth: pw,
                                           width: tile.width, height: tile.height, chosen: chosen, out: result)
            }

            // 6. Composite: the result where chosen, the original elsewhere.
            let sameType = job.readType == job.outputType
            let nanValue = job.nanValues[b - 1]
            var clamped = 0, filtered = 0, changed = 0
            for y in 0..<tile.height {
                let res = result + y * tile.width
                let crow = chosen + y * tile.width
                let orig = padded + (y + halo.top) * pw + halo.left
                if !allChosen {
                    for x in 0..<tile.width { res[x] = crow[x] != 0 ? res[x] : orig[x] }   // a select, no branch
                }
                // Stored, then read back: pixels whose stored value differs from the original
                // (NaN stays NaN: unchanged).
                let back = try scratch.typed(.row, Double.self, count: tile.width)
                chunkLayout.forEachRun(band: b, x: tile.x, y: tile.y + y, count: tile.width, in: out) { dst, at, n in
                    clamped += PixelCodec.encode(res + at, count: n, as: job.outputType, nanValue: nanValue, into: dst)
                    PixelCodec.decode(job.outputType, dst, count: n, into: back + at)
                }
                changed &+= TileWorker.countChanged(back, orig, chosen: allChosen ? nil : crow, count: tile.width)
                if !allChosen {
                    var n = 0
                    for x in 0..<tile.width { n &+= Int(crow[x]) }
                    filtered += n
                    if sameType {
                        // Pixels left alone get their original bytes back (NaN payloads, -0).
                        let sy = gy.slots[y + halo.top]!
                        let rawRow = rawBand + sy * gw * rs
                        chunkLayout.forEachRun(band: b, x: tile.x, y: tile.y + y, count: tile.width, in: out) { dst, at, n in
                            if contiguous {
                                PixelCodec.keepOriginal(dst, rawRow + (colSlots[halo.left] + at) * rs, byteSize: os, where: crow + at, count: n)
                            } else {
                                for x in 0..<n where crow[at + x] == 0 {
                                    (dst + x * os).copyMemory(from: rawRow + colSlots[at + x + halo.left] * rs, byteCount: os)
                                }
                            }
                        }
                    }
                } else {
                    filtered += tile.width
                }
            }
            stats.pixelsClamped[b - 1] += clamped
            stats.pixelsFiltered += filtered
            stats.pixelsChanged += changed
        }
    }

    /// The smallest window holding every non-zero flag of a `width × height` plane; `nil` when none is.
    static func bounds(of flags: UnsafePointer<UInt8>, width: Int, height: Int) -> Window? {
        var minX = width, maxX = -1, minY = height, maxY = -1
        for y in 0..<height {
            let row = flags + y * width
            var first = 0
            while first < width && row[first] == 0 { first += 1 }
            guard first < width else { continue }
            var last = width - 1
            while row[last] == 0 { last -= 1 }
            minX = min(minX, first); maxX = max(maxX, last)
            minY = min(minY, y); maxY = y
        }
        return maxY < 0 ? nil : Window(x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1)
    }

    /// The value a pixel (as Double) equals exactly when GDAL's nodata mask calls it invalid,
    /// when the band's only mask is its nodata value (`GMF_NODATA`): the nodata cast to the
    /// band's type as GDAL casts it (truncated for integers, rounded to Float32); NaN for a
    /// NaN nodata (the NaN test does it). `nil` when GDAL's mask band must be read instead
    /// (other masks; GDAL 3.6 shows Int8 as Byte with its own rules).
    static func nodataComparand(flags: MaskFlags, type: RasterDataType, noData: Double?) -> Double? {
        guard flags == .nodata, let nd = noData, type != .int8 else { return nil }
        if nd.isNaN { return type.isFloatingPoint ? .nan : nil }   // NaN pixels are invalid anyway
        switch type {
        case .float64: return nd
        case .float32: return Double(Float(nd))
        default: return nd.rounded(.towardZero)
        }
    }

    /// How many of `count` pixels differ between `stored` and `original` (NaN equals NaN),
    /// counting only those `chosen` marks when given. Branch-free, so the loop vectorizes
    /// (a branchy version was 17 % of a full-mask run's CPU time).
    @inline(__always)
    static func countChanged(_ stored: UnsafePointer<Double>, _ original: UnsafePointer<Double>,
                             chosen: UnsafePointer<UInt8>?, count: Int) -> Int {
        var n = 0
        if let chosen {
            for x in 0..<count {
                let v = stored[x], o = original[x]
                let same = UInt8(v == o ? 1 : 0) | (UInt8(v != v ? 1 : 0) & UInt8(o != o ? 1 : 0))
                n &+= Int((1 &- same) & chosen[x])
            }
        } else {
            for x in 0..<count {
                let v = stored[x], o = original[x]
                let same = UInt8(v == o ? 1 : 0) | (UInt8(v != v ? 1 : 0) & UInt8(o != o ? 1 : 0))
                n &+= Int(1 &- same)
            }
        }
        return n
    }

    /// Reads `rect` of the input's `bands` in the read type, band `k` of the list at
    /// `dst + k × bandSpacing`, from the shared block cache (each block decoded once).
    private func readInput(_ rect: Window, bands: [Int], into dst: UnsafeMutableRawPointer, lineSpacing: Int, bandSpacing: Int) throws {
        guard let cache = job.blocks else { preconditionFailure("tiles are read only in apply, whose job has a block cache") }
        try cache.read(rect, bands: bands, into: dst, lineSpacing: lineSpacing, bandSpacing: bandSpacing, using: input)
    }

    /// Reads each (row run × column run) rectangle into its place in a gathered buffer.
    private func readRuns(_ gx: AxisGather, _ gy: AxisGather, gw: Int, elementSize: Int, bands: Int = 1,
                          into buf: UnsafeMutableRawPointer, tile: Window,
                          _ read: (PixelRect, UnsafeMutableRawPointer, (width: Int, height: Int)) throws -> Void) throws {
        var oy = 0
        for ry in gy.runs {
            var ox = 0
            for rx in gx.runs {
                let rect = PixelRect(x: rx.lowerBound, y: ry.lowerBound, width: rx.count, height: ry.count)
                try meter.read(rx.count * ry.count * elementSize * bands) {
                    try gdal(job.inputPath, "reading tile \(tile)") {
                        try read(rect, buf + (oy * gw + ox) * elementSize, (rx.count, ry.count))
                    }
                }
                ox += rx.count
            }
            oy += ry.count
        }
    }
}

extension PixelRect {
    init(_ w: Window) { self.init(x: w.x, y: w.y, width: w.width, height: w.height) }
}

/// One worker's read clock and byte count for the chunk under way.
/// Thread safety: owned by one worker thread.
final class Meter {
    private(set) var seconds = 0.0
    private(set) var bytes = 0

    func reset() { seconds = 0; bytes = 0 }

    /// Runs a read, adding its duration and byte count.
    func read<R>(_ byteCount: Int, _ body: () throws -> R) rethrows -> R {
        let start = ContinuousClock.now
        defer { seconds += Meter.seconds(ContinuousClock.now - start); bytes += byteCount }
        return try body()
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
