import CKernels
import RasterTiling

/// The C column-histogram kernel for rank methods (`ck_rank_strip`, CKernels): what it holds, what scratch it
/// needs and one strip's call. A strip's bins (at most `maximumBins`) are split 8 + 4 + 4 bits: 32 or 64 top
/// counters slid along the row as vectors for every pixel, and the mid (16) and fine (256) counters of one top
/// bin, the pivot holding the wanted rank, slid with it and rebuilt from the window's columns when the rank
/// leaves it; rows are walked alternately right and left, the window moving down between them. Counters per
/// strip column are 8-bit (footprints ≤ 255 rows), the window's 16-bit. Thread safety: stateless; the scratch
/// is the worker's workspace.
enum RankStrips {
    /// Column counters (bytes) strips are narrowed towards: they stay in the core's 1 MiB L2 cache.
    static let cacheTarget = 3 << 18
    /// Most bytes of column counters one worker may hold (else the tile takes another path).
    static let budget = 8 << 20
    /// Most distinct values one strip may hold.
    static let maximumBins = Int(CK_RANK_STRIP_MAX_BINS)
    /// Fewest output columns a strip may be cut to so that its values fit `maximumBins`.
    static let narrowest = 8

    /// Whether the kernel's counters hold a `width × height` footprint.
    static func holds(width: Int, height: Int) -> Bool {
        height <= Int(CK_RANK_STRIP_MAX_HEIGHT) && width * height <= Int(CK_RANK_STRIP_MAX_COUNT)
    }

    /// The widest strip (padded columns) whose distinct values surely fit `maximumBins`: any, when the tile
    /// holds no more keys; otherwise as many columns as `maximumBins` positions fill.
    static func widest(rows: Int, keys: Int) -> Int {
        keys <= maximumBins ? Int.max : maximumBins / rows
    }

    /// Bytes of column counters for `binCount` bins over `columns` padded columns.
    static func bytes(binCount: Int, columns: Int) -> Int {
        var columnBytes = 0, workBytes = 0
        _ = ck_rank_strip_bytes(min(max(binCount, 1), maximumBins), columns, &columnBytes, &workBytes)
        return columnBytes
    }

    /// The 0-based rank `method` selects among `k` valid values, for `k` in `0 ... count` (0 for `k = 0`).
    static func rankTable(_ method: FilterMethod, count: Int, workspace: NeighbourhoodWorkspace)
        -> PlaneRow<Int32> {
        let ranks = workspace.ranks.row(count + 1)
        ranks[0] = 0
        for k in 1...count { ranks[k] = Int32(method.rank(count: k)!) }
        return ranks.readOnly
    }

    /// Writes the result of every chosen pixel of strip `box` (core coordinates) of tile `g`: `bins` holds the
    /// strip's `columns × rows` padded positions as bins `0 ..< binCount` (−1 invalid), `lookup` each bin's value.
    static func run(bins: PlaneRow<Int32>, columns: Int, rows: Int, binCount: Int, footprint: Footprint,
                    ranks: PlaneRow<Int32>, lookup: PlaneRow<Double>, g: TileGeometry, box: Window,
                    into out: MutablePlaneRow<Double>, workspace: NeighbourhoodWorkspace) {
        let binCount = max(binCount, 1)
        var columnBytes = 0, workBytes = 0
        let fits = ck_rank_strip_bytes(binCount, columns, &columnBytes, &workBytes)
        precondition(fits != 0, "a strip holds at most \(maximumBins) values")
        precondition(bins.count >= columns * rows && ranks.count == footprint.count + 1 && lookup.count >= binCount
                     && box.maxX <= g.width && box.maxY <= g.height, "a strip outside its tile")
        let counters = workspace.rankColumns.zeroedRow(columnBytes)
        let work = workspace.rankWork.row(workBytes)
        // The views' first elements at the strip's top-left (in C, rows a tile width or padded width apart).
        let centre = g.values.dropFirst((box.y + g.coreY) * g.paddedWidth + box.x + g.coreX)
        let chosen = g.chosen?.dropFirst(box.y * g.width + box.x)
        let strip = out.dropFirst(box.y * g.width + box.x)
        ck_rank_strip(bins.baseAddress, columns, rows, binCount, footprint.width, footprint.height, ranks.baseAddress,
                      lookup.baseAddress, centre.baseAddress, g.paddedWidth, chosen?.baseAddress, g.width,
                      strip.baseAddress, g.width, counters.baseAddress, work.baseAddress)
    }
}
