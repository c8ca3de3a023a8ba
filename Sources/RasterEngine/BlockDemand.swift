import RasterTiling

/// Which input blocks each chunk of a plan reads (its window with the operation's halo,
/// through the edge mode), and how many unfinished chunks still need each block, so that the
/// `BlockCache` can free a block as soon as nothing will read it. A block is keyed
/// `by × blocksAcross + bx`.
///
/// Chunks are visited in vertical strips of `stripChunks` chunks; a block is also released
/// when the chunks of the first strip that reads it are done, even if a later strip needs it
/// (it is decoded again there), so strip boundaries are not held for the raster's height.
/// Thread safety: not thread-safe; the cache touches it only with its mutex held.
struct BlockDemand {
    let blocksAcross: Int
    private let chunksAcross: Int, stripChunks: Int
    private let columnBlocks: [[Int]], rowBlocks: [[Int]]
    /// Per block, the chunks not yet finished whose window covers it.
    private var users: [Int32]
    /// Per block, the first strip that reads it and how many of that strip's chunks still will.
    private var firstStrip: [Int32], firstStripUsers: [Int32]

    /// Counts, for every block of `grid`, the chunks of `plan` that read it.
    init(plan: TilePlan, grid: BlockGrid, halo: Halo, edge: EdgeMode, stripChunks: Int) {
        blocksAcross = grid.blocksAcross
        chunksAcross = plan.chunksAcross
        self.stripChunks = stripChunks
        columnBlocks = (0..<plan.chunksAcross).map { cx in
            BlockDemand.blocks(from: plan.raster.x + cx * plan.chunkWidth - halo.left,
                               length: plan.chunkWidth + halo.left + halo.right,
                               count: grid.raster.width, edge: edge, blockSize: grid.blockWidth)
        }
        rowBlocks = (0..<plan.chunksDown).map { cy in
            BlockDemand.blocks(from: plan.raster.y + cy * plan.chunkHeight - halo.top,
                               length: plan.chunkHeight + halo.top + halo.bottom,
                               count: grid.raster.height, edge: edge, blockSize: grid.blockHeight)
        }
        let blockCount = grid.blocksAcross * grid.blocksDown
        users = [Int32](repeating: 0, count: blockCount)
        firstStrip = [Int32](repeating: Int32.max, count: blockCount)
        firstStripUsers = users
        for i in 0..<plan.chunkCount {
            let strip = Int32(i % chunksAcross / stripChunks)
            for by in rowBlocks[i / chunksAcross] {
                for bx in columnBlocks[i % chunksAcross] {
                    let key = by * blocksAcross + bx
                    users[key] += 1
                    if strip < firstStrip[key] { firstStrip[key] = strip; firstStripUsers[key] = 0 }
                    if strip == firstStrip[key] { firstStripUsers[key] += 1 }
                }
            }
        }
    }

    /// Records that chunk `index` is finished and calls `release` with every block it read
    /// that no unfinished chunk (of the block's first strip, or at all) still needs.
    mutating func finish(chunk index: Int, release: (Int) -> Void) {
        let strip = Int32(index % chunksAcross / stripChunks)
        for by in rowBlocks[index / chunksAcross] {
            for bx in columnBlocks[index % chunksAcross] {
                let key = by * blocksAcross + bx
                users[key] -= 1
                var done = users[key] <= 0
                if strip == firstStrip[key] {
                    firstStripUsers[key] -= 1
                    done = done || firstStripUsers[key] <= 0
                }
                if done { release(key) }
            }
        }
    }

    /// The block indices (along one axis) that padded positions `from ..< from + length`
    /// read under `edge`, ascending.
    static func blocks(from start: Int, length: Int, count: Int, edge: EdgeMode, blockSize: Int) -> [Int] {
        var seen = [Bool](repeating: false, count: (count + blockSize - 1) / blockSize)
        for p in start..<(start + length) {
            if let s = edge.sourceIndex(p, count: count) { seen[s / blockSize] = true }
        }
        return seen.indices.filter { seen[$0] }
    }
}
