import GDALKit
import RasterKernels
import RasterTiling

/// One worker thread's state: its own read handles on the input and the mask (GDAL 3.6
/// datasets are not thread-safe) and its scratch buffers. It turns a chunk window into
/// finished output pixels: selection first, then per tile either a pass-through copy or a
/// halo read, a convolution and a composite. Thread safety: lives and dies on one thread.
struct TileWorker: ~Copyable {
    let job: Job
    let input: Dataset
    let mask: Dataset?

    init(job: Job) throws {
        self.job = job
        let opened = try gdal(job.inputPath, "opening") { try Dataset.open(job.inputPath) }
        let maskOpened = try TileWorker.openMask(job)
        input = opened
        mask = maskOpened
    }

    private static func openMask(_ job: Job) throws -> Dataset? {
        guard let m = job.maskPath else { return nil }
        return try gdal(m, "opening") { try Dataset.open(m) }
    }

    /// Produces the output pixels of one chunk.
    func process(_ index: Int) throws -> ChunkPixels {
        let chunk = job.plan.chunk(index)
        let outSize = job.outputType.byteSize
        var bytes = [UInt8](repeating: 0, count: job.bandCount * chunk.area * outSize)
        var stats = RunStats()
        stats.pixelsClamped = Array(repeating: 0, count: job.bandCount)
        let selection = try readSelection(chunk)
        try bytes.withUnsafeMutableBytes { out in
            for tile in job.plan.tiles(in: chunk) {
                let signal = job.cancellation.cancelledBy
                if signal != 0 { throw EngineError.interrupted(signal: signal) }
                stats.tilesTotal += 1
                let selected = selection.map { countSelected($0, chunk: chunk, tile: tile) } ?? tile.area
                stats.pixelsSelected += selected
                if selected == 0 || job.filteredBands.isEmpty {
                    stats.tilesSkipped += 1
                    try copy(tile, bands: Array(1...job.bandCount), chunk: chunk, into: out)
                    continue
                }
                stats.tilesConvolved += 1
                if !job.copiedBands.isEmpty { try copy(tile, bands: job.copiedBands, chunk: chunk, into: out) }
                try filter(tile, chunk: chunk, selection: selection, into: out, stats: &stats)
            }
        }
        return ChunkPixels(index: index, window: chunk, bytes: bytes, stats: stats)
    }

    // MARK: - Selection

    /// The mask's selection over the chunk (1 = selected), `nil` when there is no mask.
    private func readSelection(_ chunk: Window) throws -> [UInt8]? {
        guard let path = job.maskPath else { return nil }
        let read: [Double]? = try gdal(path, "reading mask window \(chunk)") {
            try mask?.withBand(1) { band in try band.read(PixelRect(chunk), as: Double.self) }
        }
        guard let values = read else { return nil }
        let nd = job.maskNoData
        return values.map { v in v != 0 && !v.isNaN && v != nd ? 1 : 0 }
    }

    private func countSelected(_ sel: [UInt8], chunk: Window, tile: Window) -> Int {
        var n = 0
        for y in tile.y..<tile.maxY {
            let row = (y - chunk.y) * chunk.width - chunk.x
            for x in tile.x..<tile.maxX { n &+= Int(sel[row + x]) }
        }
        return n
    }

    // MARK: - Pass-through

    /// Copies the tile's pixels of `bands` unchanged (converted only when `-ot` differs).
    private func copy(_ tile: Window, bands: [Int], chunk: Window, into out: UnsafeMutableRawBufferPointer) throws {
        let rs = job.readType.byteSize, os = job.outputType.byteSize
        var raw = [UInt8](repeating: 0, count: bands.count * tile.area * rs)
        try raw.withUnsafeMutableBytes { buf in
            try gdal(job.inputPath, "reading tile \(tile)") {
                try input.read(bands: bands, PixelRect(tile), into: buf,
                               layout: BufferLayout(dataType: job.readType, width: tile.width, height: tile.height))
            }
            var decoded = [Double](repeating: 0, count: tile.area)
            for (k, b) in bands.enumerated() {
                let src = buf.baseAddress! + k * tile.area * rs
                let plane = out.baseAddress! + (b - 1) * chunk.area * os
                if job.readType == job.outputType {
                    for y in 0..<tile.height {
                        let dst = plane + ((tile.y - chunk.y + y) * chunk.width + tile.x - chunk.x) * os
                        dst.copyMemory(from: src + y * tile.width * rs, byteCount: tile.width * os)
                    }
                } else {
                    decoded.withUnsafeMutableBufferPointer { d in
                        PixelCodec.decode(job.readType, src, count: tile.area, into: d.baseAddress!)
                    }
                    let enc = PixelCodec.Encoder(type: job.outputType, nanValue: job.nanValues[b - 1])
                    for y in 0..<tile.height {
                        let base = (tile.y - chunk.y + y) * chunk.width + tile.x - chunk.x
                        for x in 0..<tile.width { _ = enc.store(decoded[y * tile.width + x], plane, base + x) }
                    }
                }
            }
        }
    }

    // MARK: - Convolution

    /// Reads the tile of the filtered bands with its halo, convolves and composites.
    private func filter(_ tile: Window, chunk: Window, selection: [UInt8]?, into out: UnsafeMutableRawBufferPointer,
                        stats: inout RunStats) throws {
        let halo = job.halo, layout = job.layout
        let gx = AxisGather(start: tile.x - halo.left, length: tile.width + halo.left + halo.right, count: layout.width, edge: job.edge)
        let gy = AxisGather(start: tile.y - halo.top, length: tile.height + halo.top + halo.bottom, count: layout.height, edge: job.edge)
        let gw = gx.gatheredCount, gh = gy.gatheredCount
        let pw = gx.slots.count, ph = gy.slots.count
        let bands = job.filteredBands
        let rs = job.readType.byteSize, os = job.outputType.byteSize

        // 1. Read the gathered source rectangles of every filtered band at once.
        var raw = [UInt8](repeating: 0, count: bands.count * gw * gh * rs)
        if gw > 0 && gh > 0 {
            try raw.withUnsafeMutableBytes { buf in
                try readRuns(gx, gy, gw: gw, gh: gh, elementSize: rs, into: buf, tile: tile) { rect, dst, layout in
                    try input.read(bands: bands, rect, into: dst,
                                   layout: BufferLayout(dataType: job.readType, width: layout.width, height: layout.height,
                                                        pixelSpacing: rs, lineSpacing: gw * rs, bandSpacing: gw * gh * rs))
                }
            }
        }

        var padded = [Double](repeating: 0, count: pw * ph)
        var valid = [UInt8](repeating: 1, count: pw * ph)
        var result = [Double](repeating: 0, count: tile.area)
        var gathered = [Double](repeating: 0, count: gw * gh)
        var gatheredMask = [UInt8](repeating: 255, count: gw * gh)
        var sharedMaskRead = false

        for (k, b) in bands.enumerated() {
            // 2. Validity of the gathered pixels (GDAL's mask band), read once when shared.
            let flags = layout.maskFlags[b - 1]
            let needsMask = !flags.contains(.allValid)
            if needsMask && !(flags.contains(.perDataset) && sharedMaskRead) && gw > 0 && gh > 0 {
                try gatheredMask.withUnsafeMutableBytes { buf in
                    try readRuns(gx, gy, gw: gw, gh: gh, elementSize: 1, into: buf, tile: tile) { rect, dst, l in
                        try input.withBand(b) { band in
                            try band.withMaskBand { m in
                                try m.read(rect, into: dst, layout: BufferLayout(dataType: .byte, width: l.width, height: l.height,
                                                                                   pixelSpacing: 1, lineSpacing: gw, bandSpacing: gw * gh))
                            }
                        }
                    }
                }
                sharedMaskRead = flags.contains(.perDataset)
            } else if !needsMask {
                for i in gatheredMask.indices { gatheredMask[i] = 255 }
                sharedMaskRead = false
            }

            // 3. Decode, then lay out the padded plane through the gather slots.
            raw.withUnsafeBytes { r in
                gathered.withUnsafeMutableBufferPointer { g in
                    if gw > 0 && gh > 0 { PixelCodec.decode(job.readType, r.baseAddress! + k * gw * gh * rs, count: gw * gh, into: g.baseAddress!) }
                }
            }
            let checkNaN = layout.bandTypes[b - 1].isFloatingPoint
            var anyInvalid = false
            for py in 0..<ph {
                let sy = gy.slots[py]
                for px in 0..<pw {
                    let i = py * pw + px
                    if let sy, let sx = gx.slots[px] {
                        let v = gathered[sy * gw + sx]
                        padded[i] = v
                        let ok = gatheredMask[sy * gw + sx] != 0 && !(checkNaN && v.isNaN)
                        valid[i] = ok ? 1 : 0
                        if !ok { anyInvalid = true }
                    } else {
                        padded[i] = job.cval
                        valid[i] = 1
                    }
                }
            }

            // 4. Convolve: the plain fast loop unless invalid neighbours must be left out.
            let include: (Int, Int) -> Bool = { y, x in
                (selection.map { $0[(tile.y - chunk.y + y) * chunk.width + tile.x - chunk.x + x] != 0 } ?? true)
                    && valid[(y + halo.top) * pw + x + halo.left] != 0
            }
            padded.withUnsafeBufferPointer { p in
                result.withUnsafeMutableBufferPointer { r in
                    if job.policy == .ignore || !anyInvalid {
                        Convolution.convolve(taps: job.taps, padded: p.baseAddress!, paddedWidth: pw,
                                             width: tile.width, height: tile.height, out: r.baseAddress!)
                    } else {
                        valid.withUnsafeBufferPointer { v in
                            Convolution.convolveMasked(taps: job.taps, padded: p.baseAddress!, valid: v.baseAddress!,
                                                       paddedWidth: pw, width: tile.width, height: tile.height,
                                                       out: r.baseAddress!, include: include)
                        }
                    }
                }
            }

            // 5. Composite: the result where selected and valid, the original elsewhere.
            let enc = PixelCodec.Encoder(type: job.outputType, nanValue: job.nanValues[b - 1])
            let plane = out.baseAddress! + (b - 1) * chunk.area * os
            let sameType = job.readType == job.outputType
            var clamped = 0, filtered = 0
            raw.withUnsafeBytes { r in
                let rawBand = r.baseAddress! + k * gw * gh * rs
                for y in 0..<tile.height {
                    let sy = gy.slots[y + halo.top]!
                    let base = (tile.y - chunk.y + y) * chunk.width + tile.x - chunk.x
                    for x in 0..<tile.width {
                        if include(y, x) {
                            filtered += 1
                            if enc.store(result[y * tile.width + x], plane, base + x) { clamped += 1 }
                        } else {
                            let sx = gx.slots[x + halo.left]!
                            if sameType {
                                (plane + (base + x) * os).copyMemory(from: rawBand + (sy * gw + sx) * rs, byteCount: os)
                            } else if enc.store(gathered[sy * gw + sx], plane, base + x) {
                                clamped += 1
                            }
                        }
                    }
                }
            }
            stats.pixelsClamped[b - 1] += clamped
            stats.pixelsFiltered += filtered
        }
    }

    /// Reads each (row run × column run) rectangle into its place in a gathered buffer.
    private func readRuns(_ gx: AxisGather, _ gy: AxisGather, gw: Int, gh: Int, elementSize: Int,
                          into buf: UnsafeMutableRawBufferPointer, tile: Window,
                          _ read: (PixelRect, UnsafeMutableRawBufferPointer, (width: Int, height: Int)) throws -> Void) throws {
        var oy = 0
        for ry in gy.runs {
            var ox = 0
            for rx in gx.runs {
                let rect = PixelRect(x: rx.lowerBound, y: ry.lowerBound, width: rx.count, height: ry.count)
                let offset = (oy * gw + ox) * elementSize
                let dst = UnsafeMutableRawBufferPointer(rebasing: buf[offset...])
                try gdal(job.inputPath, "reading tile \(tile)") { try read(rect, dst, (rx.count, ry.count)) }
                ox += rx.count
            }
            oy += ry.count
        }
    }
}

extension PixelRect {
    init(_ w: Window) { self.init(x: w.x, y: w.y, width: w.width, height: w.height) }
}
