import RasterTiling

/// Where a chunk's output pixels lie in the worker's output buffer.
///
/// `rows`: band after band, each the chunk's rows (what the GDAL writer cuts into blocks).
/// `blocks`: band after band, each the chunk's output blocks whole, in `TilePlan.blocks(in:)`
/// order (row by row), edge blocks padded — the bytes a file written in place stores, so a
/// one-plane file takes the buffer as it is, without a copy into staging (that copy was
/// ~0.1–0.2 CPU-s of a 1 GiB Float32 output).
/// Thread safety: a plain value.
struct ChunkLayout {
    let chunk: Window
    let blockWidth: Int, blockHeight: Int
    /// Bytes per pixel.
    let byteSize: Int
    let byBlocks: Bool
    private let firstBlockX: Int, firstBlockY: Int, blocksAcross: Int, blockCount: Int

    init(chunk: Window, blockWidth: Int, blockHeight: Int, byteSize: Int, byBlocks: Bool) {
        self.chunk = chunk
        self.blockWidth = blockWidth
        self.blockHeight = blockHeight
        self.byteSize = byteSize
        self.byBlocks = byBlocks
        // Which blocks a chunk covers does not depend on where the raster ends past it.
        let grid = BlockGrid(blockWidth: blockWidth, blockHeight: blockHeight, width: chunk.maxX, height: chunk.maxY)
        let columns = grid.columns(covering: chunk), rows = grid.rows(covering: chunk)
        firstBlockX = columns.lowerBound
        firstBlockY = rows.lowerBound
        blocksAcross = columns.count
        blockCount = columns.count * rows.count
    }

    /// Pixels of one band's place in the buffer (edge blocks whole).
    var planeSamples: Int { byBlocks ? blockCount * blockWidth * blockHeight : chunk.area }

    /// Bytes of one band.
    var planeBytes: Int { planeSamples * byteSize }

    /// Bytes of the whole buffer for `bands` bands.
    func bytes(bands: Int) -> Int { bands * planeBytes }

    /// Where pixel (`x`, `y`) (raster coordinates, inside the chunk) of `band` (1-based) lies in
    /// the buffer, in samples, and how many pixels from there lie one after the other in memory
    /// (to the end of the block's row, or of the chunk's row).
    @inline(__always)
    func pixel(band: Int, x: Int, y: Int) -> (at: Int, run: Int) {
        let plane = (band - 1) * planeSamples
        guard byBlocks else { return (plane + (y - chunk.y) * chunk.width + x - chunk.x, chunk.maxX - x) }
        let bx = x / blockWidth, by = y / blockHeight
        let k = (by - firstBlockY) * blocksAcross + bx - firstBlockX
        let inBlock = (y - by * blockHeight) * blockWidth + x - bx * blockWidth
        return (plane + k * blockWidth * blockHeight + inBlock, min(chunk.maxX, (bx + 1) * blockWidth) - x)
    }

    /// Runs `body(samples, offset, count)` over the pieces of row `y` from `x` for `count`
    /// pixels of `band` in `buffer` (samples of `byteSize` bytes laid out as this says), each
    /// piece contiguous in memory; `offset` counts from `x`.
    @inline(__always)
    func forEachRun(band: Int, x: Int, y: Int, count: Int, in buffer: MutableRawSamples,
                    _ body: (MutableRawSamples, Int, Int) throws -> Void) rethrows {
        var done = 0
        while done < count {
            let (at, run) = pixel(band: band, x: x + done, y: y)
            let n = min(run, count - done)
            try body(buffer.part(at, count: n), done, n)
            done += n
        }
    }

    /// Zeros the padding of edge blocks (blocks the raster's edge cuts) in `buffer`, so a file
    /// written from it holds zeros there, as GDAL writes them.
    func clearPadding(bands: Int, in buffer: MutableRawSamples) {
        guard byBlocks else { return }
        let blockSamples = blockWidth * blockHeight
        for k in 0..<blockCount {
            let bx = firstBlockX + k % blocksAcross, by = firstBlockY + k / blocksAcross
            let w = min(chunk.maxX, (bx + 1) * blockWidth) - bx * blockWidth
            let h = min(chunk.maxY, (by + 1) * blockHeight) - by * blockHeight
            guard w < blockWidth || h < blockHeight else { continue }
            for b in 0..<bands { buffer.part(b * planeSamples + k * blockSamples, count: blockSamples).zero() }
        }
    }
}
