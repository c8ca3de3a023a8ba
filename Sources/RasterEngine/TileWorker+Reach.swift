import RasterKernels
import RasterTiling

/// What a tile's chosen pixels reach: the input a tile reads is its own pixels (the originals
/// every unchosen pixel keeps) and the operation's halo around the bounding box of its selected
/// pixels only, so a neighbour block that no chosen pixel's neighbourhood touches is never
/// decoded; and the operation runs on that box alone. The result does not change: an operation's
/// value at a pixel depends on its neighbourhood only, whatever the tiling (the seam tests).
extension TileWorker {
    /// How far past `tile` to read: on each side, the part of the operation's halo that the
    /// bounding box of the tile's selected pixels (`selection`: the chunk's, `nil` = all) reaches
    /// past the tile's edge; nothing on a side those pixels stay a halo away from.
    func reach(_ tile: Window, chunk: Window, selection: Plane<UInt8>?) -> Halo {
        let halo = job.halo
        guard let selection else { return halo }
        let part = selection.part(Window(x: tile.x - chunk.x, y: tile.y - chunk.y, width: tile.width,
                                         height: tile.height))
        guard let box = part.nonZeroBounds else { return halo }
        return Halo(left: max(0, halo.left - box.x), top: max(0, halo.top - box.y),
                    right: max(0, halo.right - (tile.width - box.maxX)),
                    bottom: max(0, halo.bottom - (tile.height - box.maxY)))
    }

    /// The bounding box of `tile`'s parts in the chunk's blocks that `rewrite` keeps (`blocks`:
    /// the chunk's, `TilePlan.blocks(in:)`); `tile` itself when none intersects it.
    func rewrittenPart(of tile: Window, blocks: [(column: Int, row: Int, window: Window)],
                       rewrite: [Bool]) -> Window {
        var minX = Int.max, minY = Int.max, maxX = Int.min, maxY = Int.min
        for (k, b) in blocks.enumerated() where rewrite[k] {
            guard let part = b.window.intersection(tile) else { continue }
            minX = min(minX, part.x); minY = min(minY, part.y)
            maxX = max(maxX, part.maxX); maxY = max(maxY, part.maxY)
        }
        return minX > maxX ? tile : Window(x: minX, y: minY, width: maxX - minX, height: maxY - minY)
    }

    /// Runs the operation for the chosen pixels of `g`'s tile (`chosen`, `nil` = every pixel) of
    /// band number `b`, writing their results to `result` (the tile's size; other pixels hold
    /// anything). When the chosen pixels' bounding box is smaller than the tile, or the gather
    /// stopped short of the operation's halo, the operation sees that box as its tile, with its
    /// halo, copied out of the gathered planes (its values into scratch `decode` has given back;
    /// not `gatheredMask`, which holds a mask shared by all bands until the tile's last band).
    func operate(_ planes: PaddedPlanes, _ g: GatheredTile, chosen: Plane<UInt8>?, number b: Int,
                 into result: MutablePlane<Double>) throws {
        let tile = g.tile, halo = job.halo
        let whole = Window(width: tile.width, height: tile.height)
        var box = whole
        if let chosen {
            guard let found = chosen.nonZeroBounds else { return }   // nothing chosen: no result read
            box = found
        }
        if box == whole && g.halo == halo {
            let valid = planes.anyInvalid && job.leavesInvalidOut ? planes.valid.readOnly : nil
            run(values: planes.values.readOnly, valid: valid, chosen: chosen, number: b, into: result)
            return
        }
        let sub = Window(x: box.x + g.halo.left - halo.left, y: box.y + g.halo.top - halo.top,
                         width: box.width + halo.left + halo.right, height: box.height + halo.top + halo.bottom)
        precondition(sub.x >= 0 && sub.y >= 0 && sub.maxX <= g.paddedWidth && sub.maxY <= g.paddedHeight,
                     "the gather holds the halo of the chosen pixels")
        try scratch.lend(.decoded, Double.self, width: sub.width, height: sub.height) { values in
            try scratch.lend(.boxFlags, UInt8.self, count: sub.area + box.area) { flags in
                let from = planes.values.readOnly.part(sub)
                for y in 0..<sub.height { values.row(y).update(from: from.row(y)) }
                var valid: Plane<UInt8>? = nil
                if planes.anyInvalid && job.leavesInvalidOut {
                    let v = flags.part(0, count: sub.area).plane(width: sub.width, height: sub.height)
                    let src = planes.valid.readOnly.part(sub)
                    var all: UInt8 = 1
                    for y in 0..<sub.height {
                        let row = v.row(y)
                        row.update(from: src.row(y))
                        for x in 0..<sub.width { all &= row[x] }
                    }
                    valid = all == 1 ? nil : v.readOnly   // all valid here: the plain path, the same values
                }
                var subChosen: Plane<UInt8>? = nil
                if let chosen {
                    let c = flags.part(sub.area, count: box.area).plane(width: box.width, height: box.height)
                    let src = chosen.part(box)
                    for y in 0..<box.height { c.row(y).update(from: src.row(y)) }
                    subChosen = c.readOnly
                }
                // The box's results, row after row at the start of `result`, then moved to their rows, last
                // row first: each row's place is at or after where it was written, so none is overwritten
                // before it moves.
                let packed = result.elements.part(0, count: box.area).plane(width: box.width, height: box.height)
                run(values: values.readOnly, valid: valid, chosen: subChosen, number: b, into: packed)
                for y in stride(from: box.height - 1, through: 0, by: -1) {
                    result.row(box.y + y).part(box.x, count: box.width).update(from: packed.readOnly.row(y))
                }
            }
        }
    }

    /// Hands the operation a padded tile (`values`, `valid`: its padded planes with the
    /// operation's halo; `chosen`: its core's flags) and the plane it writes to.
    private func run(values: Plane<Double>, valid: Plane<UInt8>?, chosen: Plane<UInt8>?, number b: Int,
                     into out: MutablePlane<Double>) {
        let halo = job.halo
        let width = values.width - halo.left - halo.right, height = values.height - halo.top - halo.bottom
        precondition(out.width == width && out.height == height && out.rowStride == width
                     && values.rowStride == values.width && (valid?.rowStride ?? values.width) == values.width
                     && (chosen.map { $0.width == width && $0.rowStride == width } ?? true))
        // The operation sees the planes as `PaddedTile`'s views, during `apply` only.
        let padded = PaddedTile(values: values, valid: valid, halo: halo, chosen: chosen, sample: job.samples[b - 1])
        operation.apply(padded, into: out, workspace: &workspace.value)
    }
}
