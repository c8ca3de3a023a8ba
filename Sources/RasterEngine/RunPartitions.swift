#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RasterTiling

/// A run cut into partitions (`--partition I/N`, `plan --partitions N`): rectangles of whole
/// output blocks of the full raster's grid that tile it, balanced by the work the selection
/// leaves. Every process of a scaled-out run computes the same cut from the same options.
/// Thread safety: a plain value, `Sendable`.
struct RunPartitions: Sendable {
    /// A cell selected by the selection costs this many times an unselected one (read, filter,
    /// composite against read and copy), per pixel. A measured order of magnitude (3×3 to 9×9
    /// kernels on the benchmark scene), not a tuned value: the cut stays correct whatever it is.
    static let selectedCellCost = 4

    /// The partitions' pixels, in partition order.
    let windows: [Window]
    /// Per partition: its cells that hold a selected pixel, and all its cells.
    let selectedCells: [Int], cells: [Int]

    /// Cuts the raster of `selection` into `count` partitions of whole `block`s, surveying the
    /// selection block by block when it restricts anything (through `plane`, or a plane of
    /// its own): only whether each block holds a selected pixel, constant mask blocks known
    /// from their encoded bytes without decoding.
    /// - Throws: `EngineError.badOption` when there are fewer blocks than partitions; the
    ///   selection sources' read errors.
    init(count: Int, selection: Selection, block: (width: Int, height: Int), plane: SelectionPlane? = nil) throws {
        let raster = selection.raster
        // Cells: the output's blocks (tiles, or strips of a strip-organized output).
        let grid = BlockGrid(blockWidth: min(block.width, raster.width), blockHeight: min(block.height, raster.height),
                             width: raster.width, height: raster.height)
        let cellCount = grid.blocksAcross * grid.blocksDown
        guard count <= cellCount else {
            throw EngineError.badOption("--partition: \(count) partitions are more than the \(cellCount) output "
                                        + "blocks of \(grid.blockWidth)x\(grid.blockHeight) the raster has")
        }
        var selected = [Bool](repeating: true, count: cellCount)
        if selection.selects {
            let plane = try plane ?? SelectionPlane(selection, meter: Meter())
            for row in 0..<grid.blocksDown {
                for column in 0..<grid.blocksAcross {
                    selected[row * grid.blocksAcross + column] = try plane.selectsAny(grid.window(column: column,
                                                                                                  row: row))
                }
            }
        }
        let weights = (0..<cellCount).map { i in
            grid.window(column: i % grid.blocksAcross, row: i / grid.blocksAcross).area
                * (selected[i] ? RunPartitions.selectedCellCost : 1)
        }
        let cut = Partitioning(width: raster.width, height: raster.height, cellWidth: grid.blockWidth,
                               cellHeight: grid.blockHeight, weights: weights, count: count)
        windows = cut.windows
        var selectedCells = [Int](repeating: 0, count: count), cells = selectedCells
        for (p, w) in cut.windows.enumerated() {
            for b in grid.blocks(covering: w) {
                cells[p] += 1
                if selected[b.row * grid.blocksAcross + b.column] { selectedCells[p] += 1 }
            }
        }
        self.selectedCells = selectedCells
        self.cells = cells
    }
}

/// What a partition's file carries in its metadata (domain `GEOKERNEL_PARTITION`), for
/// `geokernel mosaic` and reruns to recognise the parts of one run.
/// Thread safety: a plain value, `Sendable`.
public struct PartitionTag: Sendable, Equatable {
    /// The metadata domain of the tag.
    public static let domain = "GEOKERNEL_PARTITION"
    /// The run's digest (`RunFingerprint` without `--partition`), the same for every part.
    public var run: String
    /// Partition `index` of `count`, and its pixels in the full raster.
    public var index: Int, count: Int
    public var window: Window
    /// The full raster's size.
    public var rasterWidth: Int, rasterHeight: Int
    /// The creation options of the run's GeoTIFF (for a mosaic written as one file).
    public var creationOptions: [String]

    /// The metadata items.
    var items: [(key: String, value: String)] {
        [("RUN", run), ("INDEX", "\(index)"), ("COUNT", "\(count)"),
         ("WINDOW", "\(window.x),\(window.y),\(window.width),\(window.height)"),
         ("RASTER_SIZE", "\(rasterWidth),\(rasterHeight)"),
         ("CREATION_OPTIONS", PartitionTag.encode(creationOptions))]
    }

    /// The tag in `items`, `nil` when an item is missing or malformed.
    init?(items: [(key: String, value: String)]) {
        let d = Dictionary(items.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        func ints(_ key: String, _ n: Int) -> [Int]? {
            guard let v = d[key]?.split(separator: ",").compactMap({ Int($0) }), v.count == n else { return nil }
            return v
        }
        guard let run = d["RUN"], !run.isEmpty, let i = d["INDEX"].flatMap(Int.init),
              let n = d["COUNT"].flatMap(Int.init), let w = ints("WINDOW", 4), let size = ints("RASTER_SIZE", 2),
              let co = d["CREATION_OPTIONS"] else { return nil }
        self.init(run: run, index: i, count: n, window: Window(x: w[0], y: w[1], width: w[2], height: w[3]),
                  rasterWidth: size[0], rasterHeight: size[1],
                  creationOptions: PartitionTag.decode(co) ?? [])
    }

    /// A list of strings as one metadata value (JSON), and back.
    static func encode(_ list: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(list)) ?? Data("[]".utf8), as: UTF8.self)
    }
    static func decode(_ text: String) -> [String]? { try? JSONDecoder().decode([String].self, from: Data(text.utf8)) }

    init(run: String, index: Int, count: Int, window: Window, rasterWidth: Int, rasterHeight: Int,
         creationOptions: [String]) {
        self.run = run
        self.index = index
        self.count = count
        self.window = window
        self.rasterWidth = rasterWidth
        self.rasterHeight = rasterHeight
        self.creationOptions = creationOptions
    }
}
