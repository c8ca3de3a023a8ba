import GDALKit
import RasterTiling

/// The input's decoded blocks, shared by every worker, so that each block is decoded once
/// however the chunks and their halos fall between threads. (GDAL's block cache belongs to a
/// dataset handle and each worker has its own, so a halo block needed by two threads was
/// decoded by both: on a DEFLATE input that cost more than the convolution.)
///
/// A block is decoded by the first worker that needs it, with that worker's own dataset,
/// while others that need it wait; it stays until every chunk whose window (with its halo,
/// through the edge mode) covers it is finished: the plan says in advance how many chunks
/// that is. Chunks are visited in vertical strips (`stripPixels` wide), so what is held at
/// once is a few rows of blocks a strip across, whatever the raster's size. Past a hard
/// cap (twice the budget) the least recently used idle blocks go, and may be decoded again.
///
/// Thread safety: `@unchecked Sendable`, sound because every field of the table is read and
/// written with `lock` held; a block's pixels are written once by the decoding thread
/// before it publishes the block under the mutex, and freed only when no reader holds it.
final class BlockCache: @unchecked Sendable {
    /// One decoded block: every band, band after band, each `blockWidth × blockHeight`
    /// pixels of `readType` (edge blocks use the top-left part), in a buffer of the pool.
    private final class Entry {
        let pixels: MutableRawSamples
        var ready = false
        var readers = 0
        var lastUse = 0
        init(pixels: MutableRawSamples) { self.pixels = pixels }
    }

    /// What the cache aims to hold. With the chunks visited in strips of `stripPixels`
    /// (see `TilePlan.chunkIndex(order:stripChunks:)`), this is enough for every block to be
    /// decoded once, except the two columns of halo blocks at each strip boundary, whatever
    /// the raster's size: memory stays flat.
    static let defaultBudgetBytes = 48 << 20

    let layout: RasterLayout
    let blockWidth: Int, blockHeight: Int
    let capacity: Int
    /// The width of the strips the chunks are visited in, in pixels and in chunks
    /// (for `TilePlan.chunkIndex(order:stripChunks:)`).
    let stripPixels: Int
    let stripChunks: Int
    private let grid: BlockGrid
    private let blocksAcross: Int, blocksDown: Int
    private let entryBytes: Int
    /// Whether every band is stored in the read type, so `GDALReadBlock` gives it directly.
    private let nativeBlocks: Bool

    /// Guards the table; its condition is broadcast when a block is published (or given up).
    private let lock = ConditionLock()
    private var entries: [Int: Entry] = [:]
    /// The blocks' pixel buffers.
    private let pool: BlockPool
    private var tick = 0
    private var decodes = 0
    private var needed: [UInt64]
    /// Which chunks still need each block.
    private var demand: BlockDemand

    /// - Parameters:
    ///   - plan: the chunks, whose windows with `halo` under `edge` decide which blocks
    ///     each chunk reads.
    ///   - budget: the bytes of decoded blocks to aim for (`GEOKERNEL_BLOCK_CACHE_MB`).
    init(layout: RasterLayout, plan: TilePlan, halo: Halo, edge: EdgeMode,
         budget: Int = BlockCache.defaultBudgetBytes) {
        self.layout = layout
        blockWidth = layout.blockWidth
        blockHeight = layout.blockHeight
        let grid = BlockGrid(blockWidth: blockWidth, blockHeight: blockHeight,
                             width: layout.width, height: layout.height)
        self.grid = grid
        blocksAcross = grid.blocksAcross
        blocksDown = grid.blocksDown
        entryBytes = layout.bandCount * blockWidth * blockHeight * layout.readType.byteSize
        let rowsKept = (plan.chunkHeight + halo.top + halo.bottom + blockHeight - 1) / blockHeight + 2
        let stripBlocks = max(1, budget / max(1, rowsKept * entryBytes) - 2)
        stripPixels = stripBlocks * blockWidth
        capacity = max(2 * budget, 4 * rowsKept * entryBytes)
        stripChunks = max(1, stripPixels / plan.chunkWidth)
        demand = BlockDemand(plan: plan, grid: grid, halo: halo, edge: edge, stripChunks: stripChunks)
        pool = BlockPool(bytes: entryBytes)
        nativeBlocks = layout.bandTypes.allSatisfy { $0.storageType == layout.readType.storageType }
        needed = [UInt64](repeating: 0, count: (blocksAcross * blocksDown + 63) / 64)
    }

    /// Drops block `key` and keeps its buffer for reuse. Called with the mutex held.
    private func remove(_ key: Int) {
        guard let e = entries.removeValue(forKey: key) else { return }
        pool.giveBack(e.pixels)
    }

    /// Records that chunk `index` is finished (processed, passed through or resumed): the
    /// blocks no other unfinished chunk needs are freed.
    func finished(chunk index: Int) {
        lock.lock()
        defer { lock.unlock() }
        demand.finish(chunk: index) { key in
            if let e = entries[key], e.ready, e.readers == 0 { remove(key) }
        }
    }

    /// Blocks decoded so far, and distinct blocks asked for (the least decoding possible).
    var counts: (decoded: Int, needed: Int) {
        lock.lock()
        defer { lock.unlock() }
        return (decodes, needed.reduce(0) { $0 + $1.nonzeroBitCount })
    }

    /// Copies `rect` of `bands` (1-based) into `dst` (samples of the layout's read type), band
    /// `k` of the list from sample `k × bandStride`, rows `rowStride` samples apart; blocks not
    /// yet decoded are decoded with `input` (the calling worker's own handle).
    func read(_ rect: Window, bands: [Int], into dst: MutableRawSamples, rowStride: Int, bandStride: Int,
              using input: borrowing Dataset) throws {
        let rs = layout.readType.byteSize
        precondition(dst.byteSize == rs, "the block cache copies samples of the read type")
        guard !rect.isEmpty else { return }
        func copy(_ bx: Int, _ by: Int, from entry: Entry) {
            let block = Window(x: bx * blockWidth, y: by * blockHeight, width: blockWidth, height: blockHeight)
            guard let part = block.intersection(rect) else { return }
            let pixels = entry.pixels.samples(ofSize: rs)
            for (k, b) in bands.enumerated() {
                let plane = (b - 1) * blockWidth * blockHeight
                for y in part.y..<part.maxY {
                    let from = plane + (y - block.y) * blockWidth + part.x - block.x
                    let to = k * bandStride + (y - rect.y) * rowStride + part.x - rect.x
                    dst.part(to, count: part.width).copy(from: pixels.readOnly.part(from, count: part.width))
                }
            }
        }
        // Blocks another worker is decoding are left for last, so two workers whose halos
        // overlap do not queue behind each other block after block.
        var busy: [(Int, Int)] = []
        for by in grid.rows(covering: rect) {
            for bx in grid.columns(covering: rect) {
                guard let entry = try acquire(bx, by, waiting: false, using: input) else {
                    busy.append((bx, by))
                    continue
                }
                copy(bx, by, from: entry)
                release(entry)
            }
        }
        for (bx, by) in busy {
            let entry = try acquire(bx, by, waiting: true, using: input)!
            copy(bx, by, from: entry)
            release(entry)
        }
    }

    /// The decoded block (`bx`, `by`), held for reading until `release`; `nil` when another
    /// worker is decoding it and `waiting` is false.
    private func acquire(_ bx: Int, _ by: Int, waiting: Bool, using input: borrowing Dataset) throws -> Entry? {
        let key = by * blocksAcross + bx
        lock.lock()
        needed[key / 64] |= 1 << UInt64(key % 64)
        while true {
            if let e = entries[key] {
                if e.ready {
                    e.readers += 1
                    tick += 1
                    e.lastUse = tick
                    lock.unlock()
                    return e
                }
                // Another worker is decoding it.
                if !waiting {
                    lock.unlock()
                    return nil
                }
                lock.wait()
                continue
            }
            // Ours to decode: publish a placeholder, decode without the lock, then publish.
            let pixels: MutableRawSamples
            do { pixels = try pool.take() } catch {
                lock.unlock()
                throw error
            }
            let e = Entry(pixels: pixels)
            e.readers = 1
            entries[key] = e
            lock.unlock()
            do {
                try decode(bx, by, into: e.pixels, using: input)
            } catch {
                lock.lock()
                remove(key)
                lock.broadcast()
                lock.unlock()
                throw error
            }
            lock.lock()
            e.ready = true
            decodes += 1
            tick += 1
            e.lastUse = tick
            evictIfFull()
            lock.broadcast()
            lock.unlock()
            return e
        }
    }

    private func release(_ e: Entry) {
        lock.lock()
        e.readers -= 1
        lock.unlock()
    }

    /// Past the hard cap, drops the least recently used blocks no one is reading, down to
    /// three quarters of it (one sort for many evictions). Called with the mutex held.
    private func evictIfFull() {
        guard entries.count * entryBytes > capacity else { return }
        let keep = capacity * 3 / 4 / max(1, entryBytes)
        let idle = entries.filter { $0.value.ready && $0.value.readers == 0 }
            .sorted { $0.value.lastUse < $1.value.lastUse }
        var excess = entries.count - keep
        for (key, _) in idle where excess > 0 {
            remove(key)
            excess -= 1
        }
    }

    /// Decodes block (`bx`, `by`) of every band into `pixels`; throws GDAL's error as it is
    /// (the caller names the tile being read).
    private func decode(_ bx: Int, _ by: Int, into pixels: MutableRawSamples,
                        using input: borrowing Dataset) throws {
        let rs = layout.readType.byteSize, plane = blockWidth * blockHeight * rs
        if nativeBlocks {
            for b in 1...layout.bandCount {
                try input.withBand(b) { band in
                    try band.readBlock(x: bx, y: by, into: pixels.part((b - 1) * plane, count: plane).bytes)
                }
            }
        } else {
            // Bands of different types: GDAL converts them to the read type.
            let w = Window(x: bx * blockWidth, y: by * blockHeight, width: blockWidth, height: blockHeight)
                .clamped(to: Window(width: layout.width, height: layout.height))
            try input.read(bands: Array(1...layout.bandCount), w,
                           into: pixels.part(0, count: layout.bandCount * plane).bytes,
                           layout: BufferLayout(dataType: layout.readType.storageType, width: w.width, height: w.height,
                                                pixelSpacing: rs, lineSpacing: blockWidth * rs, bandSpacing: plane))
        }
    }
}
