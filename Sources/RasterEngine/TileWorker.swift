import BlockOutput
import GDALKit
import RasterKernels
import RasterTiling

/// One worker thread's state: its own read handle on the input (GDAL 3.6 datasets are not
/// thread-safe), its selection readers, its scratch buffers and the operation's workspace
/// (made once per worker: libvips's start). It turns a chunk into finished output pixels: the
/// selection first, then per tile either a pass-through copy or the stages read with halo
/// (`gather`), decode (`decode`, `choose`), operate (`Op.apply`) and `composite`.
/// Thread safety: lives and dies on one thread.
struct TileWorker<Op: TileOperation>: ~Copyable {
    let job: Job
    let operation: Op
    let workspace: WorkspaceBox<Op.Workspace>
    let input: Dataset
    let selection: SelectionPlane
    let scratch = Scratch()
    let meter: Meter

    init(job: Job, operation: Op) throws {
        self.job = job
        self.operation = operation
        workspace = WorkspaceBox(operation.makeWorkspace())
        let meter = Meter()
        let opened = try gdal(job.inputPath, "opening") { try Dataset.open(job.inputPath) }
        selection = try SelectionPlane(job.selection, meter: meter)
        input = opened
        self.meter = meter
    }

    /// Computes chunk `index` and hands its pixels to `ledger` for `sink`: in this worker's
    /// scratch memory (lent for the duration of the call), or, when the sink writes the
    /// buffer as it is, in one of the sink's buffers, which the sink keeps.
    mutating func process(_ index: Int, sink: any OutputSink, ledger: ChunkLedger) throws {
        let started = ContinuousClock.now
        meter.reset()
        let chunk = job.plan.chunk(index)
        let os = job.outputType.byteSize
        let layout = ChunkLayout(chunk: chunk, blockWidth: job.plan.blockWidth, blockHeight: job.plan.blockHeight,
                                 byteSize: os, byBlocks: sink.wantsBlocks)
        let size = layout.bytes(bands: job.bandCount)
        var owned = try sink.chunkBuffer(bytes: size)
        defer { if let owned { sink.giveBack(owned) } }   // unless handed over below
        try withOutput(owned, count: size / os, byteSize: os) { out in
            var (stats, rewrite) = try compute(chunk, layout: layout,
                                               skipping: job.copiesInput || sink.skipsUnselectedBlocks,
                                               into: out)
            stats.bytesRead = meter.bytes
            stats.secondsRead = meter.seconds
            stats.secondsCompute = max(0, Meter.seconds(ContinuousClock.now - started) - meter.seconds)
            let anything = rewrite?.contains(true) ?? true
            let handed = owned
            owned = nil
            // The sink sees the chunk where the output file holds it (a partition's file starts at its corner).
            let local = job.plan.local(chunk)
            try withStaging(sink.stagingBytes(for: local)) { staging in
                let finished = FinishedChunk(index: index, window: local,
                                             bytes: anything ? out.readOnly.samples(ofSize: 1) : nil,
                                             owned: handed, rewrite: rewrite, staging: staging)
                try ledger.write(finished, stats: stats)
            }
        }
    }

    /// Lends `body` the chunk's output: `count` samples of `byteSize` bytes in the sink's
    /// buffer `owned`, else in this worker's scratch.
    private func withOutput<R>(_ owned: BlockWriteQueue.Buffer?, count: Int, byteSize: Int,
                               _ body: (MutableRawSamples) throws -> R) throws -> R {
        if let owned { return try body(MutableRawSamples(owned).samples(ofSize: byteSize).part(0, count: count)) }
        return try scratch.lend(.chunkOutput, count: count, byteSize: byteSize, body)
    }

    /// Lends `body` `bytes` bytes of this worker's staging scratch (`nil` when 0).
    private func withStaging<R>(_ bytes: Int, _ body: (MutableRawSamples?) throws -> R) throws -> R {
        guard bytes > 0 else { return try body(nil) }
        return try scratch.lend(.staging, count: bytes, byteSize: 1) { try body($0) }
    }

    /// The selection, then every tile of `chunk`, copied through or filtered into `out`: the
    /// chunk's counts, and which of its blocks hold a selected pixel (when `skipping` the others:
    /// a copied input, raw blocks).
    private func compute(_ chunk: Window, layout: ChunkLayout, skipping: Bool,
                         into out: MutableRawSamples) throws -> (RunStats, rewrite: [Bool]?) {
        layout.clearPadding(bands: job.bandCount, in: out)
        var stats = RunStats()
        stats.pixelsClamped = Array(repeating: 0, count: job.bandCount)
        let rewrite = try selection.read(chunk) { selection, nothing -> [Bool]? in
            // The quick look's selection.
            job.preview?.record(chunk: chunk, selection: selection, nothing: nothing)
            // With a copied input or raw blocks, only blocks holding a selected pixel are computed;
            // the tiles of the others are neither read nor copied.
            let blocks = skipping ? job.plan.blocks(in: chunk) : []
            let rewrite: [Bool]? = skipping
                ? blocks.map { b in
                    !nothing && !job.filteredBands.isEmpty
                        && (selection.map { SelectionPlane.count($0, window: chunk, tile: b.window) > 0 } ?? true)
                }
                : nil
            for tile in job.plan.tiles(in: chunk) {
                let signal = job.cancellation.cancelledBy
                if signal != 0 { throw EngineError.interrupted(signal: signal) }
                stats.tilesTotal += 1
                let selected = nothing ? 0
                    : selection.map { SelectionPlane.count($0, window: chunk, tile: tile) } ?? tile.area
                stats.pixelsSelected += selected
                if selected == 0 || job.filteredBands.isEmpty {
                    stats.tilesSkipped += 1
                    let written = rewrite.map { r in
                        blocks.indices.contains { r[$0] && blocks[$0].window.intersection(tile) != nil }
                    } ?? true
                    if written {
                        try copy(tile, bands: Array(1...job.bandCount), layout: layout, into: out, stats: &stats)
                    }
                    continue
                }
                stats.tilesConvolved += 1
                // Of a tile only partly in rewritten blocks, only that part is read (all of it for the quick look).
                let core = rewrite.map {
                    job.preview == nil ? rewrittenPart(of: tile, blocks: blocks, rewrite: $0) : tile
                } ?? tile
                if !job.copiedBands.isEmpty {
                    try copy(core, bands: job.copiedBands, layout: layout, into: out, stats: &stats)
                }
                try filter(core, chunk: chunk, selection: selection, layout: layout, into: out, stats: &stats)
            }
            return rewrite
        }
        return (stats, rewrite)
    }

    // MARK: - Pass-through

    /// Copies the tile's pixels of `bands` unchanged (converted only when `-ot` differs).
    private func copy(_ tile: Window, bands: [Int], layout: ChunkLayout, into out: MutableRawSamples,
                      stats: inout RunStats) throws {
        let rs = job.readType.byteSize
        try scratch.lend(.gathered, count: bands.count * tile.area, byteSize: rs) { raw in
            try meter.read(bands.count * tile.area * rs) {
                try gdal(job.inputPath, "reading tile \(tile)") {
                    try readInput(tile, bands: bands, into: raw, rowStride: tile.width, bandStride: tile.area)
                }
            }
            // The quick look: tiles copied through.
            job.preview?.record(tile: tile, bands: bands, raw: raw.readOnly, type: job.readType)
            try scratch.lend(.row, Double.self, count: tile.width) { row in
                convert(tile, bands: bands, raw: raw.readOnly, row: row, layout: layout, into: out, stats: &stats)
            }
        }
    }

    /// Stores the raw tile `raw` of `bands` in the output type (`row`: one row of Float64 scratch).
    private func convert(_ tile: Window, bands: [Int], raw: RawSamples, row: MutablePlaneRow<Double>,
                         layout: ChunkLayout, into out: MutableRawSamples, stats: inout RunStats) {
        let widening = job.readType != job.outputType && PixelCodec.isExactWidening(job.readType, to: job.outputType)
        for (k, b) in bands.enumerated() {
            let src = raw.part(k * tile.area, count: tile.area)
            var clamped = 0
            for y in 0..<tile.height {
                let line = src.part(y * tile.width, count: tile.width)
                layout.forEachRun(band: b, x: tile.x, y: tile.y + y, count: tile.width, in: out) { dst, at, n in
                    let from = line.part(at, count: n)
                    if job.readType == job.outputType {
                        dst.copy(from: from)
                    } else if widening {
                        PixelCodec.convertExactly(job.readType, from, to: job.outputType, into: dst)
                    } else {
                        PixelCodec.decode(job.readType, from, into: row)
                        clamped += PixelCodec.encode(row.readOnly, as: job.outputType, nanValue: job.nanValues[b - 1],
                                                     into: dst)
                    }
                }
            }
            stats.pixelsClamped[b - 1] += clamped
        }
    }

    // MARK: - The operation's stages

    /// Reads the tile of the filtered bands with the halo its selected pixels reach, runs the
    /// operation on each band's padded planes, and composites the result into the chunk's output.
    private func filter(_ tile: Window, chunk: Window, selection: Plane<UInt8>?,
                        layout: ChunkLayout, into out: MutableRawSamples, stats: inout RunStats) throws {
        try gather(tile, halo: reach(tile, chunk: chunk, selection: selection)) { gathered in
            try scratch.lend(.result, Double.self, width: tile.width, height: tile.height) { result in
                var sharedMaskRead = false
                for (k, b) in job.filteredBands.enumerated() {
                    try decode(gathered, band: k, number: b, sharedMaskRead: &sharedMaskRead) { planes in
                        try choose(planes, gathered, selection: selection, chunk: chunk) { chosen in
                            try operate(planes, gathered, chosen: chosen, number: b, into: result)
                            try composite(result, chosen: chosen, planes: planes, gathered, band: k, number: b,
                                          layout: layout, into: out, stats: &stats)
                            let core = planes.values.readOnly.part(gathered.core)
                            job.preview?.record(tile: tile, band: b,   // the quick look's input and output
                                                input: core, output: result.readOnly)
                        }
                    }
                }
            }
        }
    }
}

/// The operation's per-worker workspace, in a box so that the stages, which are lent scratch
/// memory in closures, can hand it to the operation `inout` without holding the worker itself.
/// Thread safety: owned by one worker thread.
final class WorkspaceBox<W> {
    var value: W
    init(_ value: W) { self.value = value }
}
