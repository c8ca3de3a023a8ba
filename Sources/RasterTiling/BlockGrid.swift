/// A raster's grid of blocks (`blockWidth × blockHeight`, the last column and row cut by the
/// raster's edge): which blocks a window covers, and each block's pixels. The one place the
/// block arithmetic lives, for the output's blocks, the input's and a mask's alike.
/// Thread safety: a plain value, `Sendable`.
public struct BlockGrid: Hashable, Sendable {
    /// One block's size.
    public let blockWidth: Int, blockHeight: Int
    /// The raster's pixels.
    public let raster: Window

    /// The grid of `blockWidth × blockHeight` blocks over a `width × height` raster.
    public init(blockWidth: Int, blockHeight: Int, width: Int, height: Int) {
        precondition(blockWidth > 0 && blockHeight > 0)
        self.blockWidth = blockWidth
        self.blockHeight = blockHeight
        raster = Window(width: width, height: height)
    }

    /// Blocks across and down the raster.
    public var blocksAcross: Int { (raster.width + blockWidth - 1) / blockWidth }
    public var blocksDown: Int { (raster.height + blockHeight - 1) / blockHeight }

    /// The block columns and rows `window` touches (empty for an empty window).
    public func columns(covering window: Window) -> Range<Int> {
        window.isEmpty ? 0..<0 : (window.x / blockWidth) ..< ((window.maxX + blockWidth - 1) / blockWidth)
    }
    public func rows(covering window: Window) -> Range<Int> {
        window.isEmpty ? 0..<0 : (window.y / blockHeight) ..< ((window.maxY + blockHeight - 1) / blockHeight)
    }

    /// The pixels of block (`column`, `row`), cut by the raster's edge.
    public func window(column: Int, row: Int) -> Window {
        Window(x: column * blockWidth, y: row * blockHeight, width: blockWidth, height: blockHeight).clamped(to: raster)
    }

    /// The blocks `window` touches, row by row: their column, row and pixels.
    public func blocks(covering window: Window) -> [(column: Int, row: Int, window: Window)] {
        let columns = self.columns(covering: window)
        return rows(covering: window).flatMap { by in
            columns.map { bx in (column: bx, row: by, window: self.window(column: bx, row: by)) }
        }
    }
}
