/// How a raster is cut for processing.
///
/// The raster is covered by **chunks**: rectangles made of whole output blocks, the unit a
/// worker claims and the writer writes. Each chunk is cut into **tiles** of at most
/// `tileWidth × tileHeight`, the unit that is read with its halo and convolved. Tiles never
/// cross a chunk, so a chunk's blocks are complete when its tiles are done, whatever the tile
/// size. Thread safety: a plain value, `Sendable`.
public struct TilePlan: Sendable, Equatable {
    /// The pixels planned, in raster coordinates: the whole raster, or a partition's rectangle
    /// of whole output blocks (`init(region:…)`).
    public let raster: Window
    /// The output's block size.
    public let blockWidth: Int, blockHeight: Int
    /// Chunk size: a whole number of blocks (clipped at the raster's right and bottom edges).
    public let chunkWidth: Int, chunkHeight: Int
    /// Tile size: at most the chunk size.
    public let tileWidth: Int, tileHeight: Int

    /// Chunks across.
    public var chunksAcross: Int { (raster.width + chunkWidth - 1) / chunkWidth }
    /// Chunks down.
    public var chunksDown: Int { (raster.height + chunkHeight - 1) / chunkHeight }
    /// Total number of chunks.
    public var chunkCount: Int { chunksAcross * chunksDown }

    /// The default tile edge when the caller does not choose one.
    public static let defaultTileSize = 512

    /// Plans the cut.
    /// - Parameters:
    ///   - width, height: raster size (> 0).
    ///   - blockWidth, blockHeight: the output's block size (> 0).
    ///   - tileSize: tile edge in pixels (> 0), `nil` for the default. Chunks are the largest
    ///     whole number of blocks not above the tile size on each axis (at least one block).
    public init(width: Int, height: Int, blockWidth: Int, blockHeight: Int, tileSize: Int? = nil) {
        self.init(region: Window(width: width, height: height), blockWidth: blockWidth, blockHeight: blockHeight,
                  tileSize: tileSize)
    }

    /// Plans the cut of `region` only: a rectangle whose top-left corner is on the block grid
    /// (a partition). Chunks and tiles are cut from the region's corner, as `local`'s are.
    public init(region: Window, blockWidth: Int, blockHeight: Int, tileSize: Int? = nil) {
        let width = region.width, height = region.height
        precondition(width > 0 && height > 0 && blockWidth > 0 && blockHeight > 0)
        precondition(region.x % blockWidth == 0 && region.y % blockHeight == 0, "a region starts on the block grid")
        let t = tileSize ?? TilePlan.defaultTileSize
        precondition(t > 0)
        raster = region
        self.blockWidth = blockWidth
        self.blockHeight = blockHeight
        let bw = min(blockWidth, width), bh = min(blockHeight, height)
        chunkWidth = min(width, max(1, t / blockWidth) * blockWidth)
        chunkHeight = min(height, max(1, t / blockHeight) * blockHeight)
        tileWidth = min(t, max(bw, chunkWidth))
        tileHeight = min(t, max(bh, chunkHeight))
    }

    /// The chunk with row-major index `i`.
    public func chunk(_ i: Int) -> Window {
        let cx = i % chunksAcross, cy = i / chunksAcross
        return Window(x: raster.x + cx * chunkWidth, y: raster.y + cy * chunkHeight, width: chunkWidth,
                      height: chunkHeight).clamped(to: raster)
    }

    /// The same plan with the region's corner at (0, 0): the chunks as the output file of a
    /// partition holds them. Chunk `i` of both is the same pixels.
    public var local: TilePlan {
        TilePlan(region: Window(width: raster.width, height: raster.height), copying: self)
    }

    /// `window` (raster coordinates) in `local`'s coordinates.
    public func local(_ window: Window) -> Window {
        Window(x: window.x - raster.x, y: window.y - raster.y, width: window.width, height: window.height)
    }

    private init(region: Window, copying other: TilePlan) {
        raster = region
        blockWidth = other.blockWidth
        blockHeight = other.blockHeight
        chunkWidth = other.chunkWidth
        chunkHeight = other.chunkHeight
        tileWidth = other.tileWidth
        tileHeight = other.tileHeight
    }

    /// The chunk to process `k`-th when the raster is visited in vertical strips
    /// `stripChunks` chunks wide (the last one narrower), each strip row by row from the top.
    /// Rows of a strip share their halo blocks, so only a strip's width of decoded blocks
    /// needs to stay in memory, however wide the raster. A permutation of `0..<chunkCount`.
    public func chunkIndex(order k: Int, stripChunks: Int) -> Int {
        let s = max(1, min(stripChunks, chunksAcross))
        let fullStrips = chunksAcross / s
        let perFullStrip = s * chunksDown
        let strip = k / perFullStrip
        let within = k - strip * perFullStrip
        let width = strip < fullStrips ? s : chunksAcross - fullStrips * s
        return (within / width) * chunksAcross + strip * s + within % width
    }

    /// The tiles of a chunk, row-major.
    public func tiles(in chunk: Window) -> [Window] {
        var out: [Window] = []
        var y = chunk.y
        while y < chunk.maxY {
            var x = chunk.x
            let h = min(tileHeight, chunk.maxY - y)
            while x < chunk.maxX {
                let w = min(tileWidth, chunk.maxX - x)
                out.append(Window(x: x, y: y, width: w, height: h))
                x += w
            }
            y += h
        }
        return out
    }

    /// The output blocks' grid (over the raster up to the region's far corner).
    public var blockGrid: BlockGrid {
        BlockGrid(blockWidth: blockWidth, blockHeight: blockHeight, width: raster.maxX, height: raster.maxY)
    }

    /// The output blocks of a chunk as (column, row) block indices and their windows.
    public func blocks(in chunk: Window) -> [(column: Int, row: Int, window: Window)] {
        blockGrid.blocks(covering: chunk)
    }
}
