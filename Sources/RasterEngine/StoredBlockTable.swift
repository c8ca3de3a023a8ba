import BlockOutput
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import GDALKit

/// Where each encoded block of a local tiled GeoTIFF lies, read once from the file's own tile
/// index (`TIFFTileIndex`: its TileOffsets and TileByteCounts) rather than with a pair of
/// `BLOCK_OFFSET_x_y` / `BLOCK_SIZE_x_y` metadata look-ups per block, which GDAL formats and
/// parses one by one (4,096 blocks of a 16384² raster: about 60 million instructions, paid by
/// every partition's process for the input and again for its mask). Made only when the file's
/// index describes exactly the blocks GDAL reports (one image, the same block size and grid,
/// a band per sample); otherwise `nil`, and callers ask GDAL (`Band.storedBlock`).
/// Thread safety: a plain value, `Sendable`.
struct StoredBlockTable: Sendable {
    private let index: TIFFTileIndex

    /// The table of `ds`, opened from `path`; `nil` when it is not a local tiled TIFF whose
    /// tile index matches GDAL's view of its blocks.
    init?(_ ds: borrowing Dataset, path: String) {
        guard !path.hasPrefix("/vsi"), ds.driverName == "GTiff" else { return nil }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        guard let index = TIFFTileIndex.read(fd),
              let (size, count) = try? ds.withBand(1, { ($0.blockSize, $0.blockCount) }),
              index.imageWidth == ds.width, index.imageHeight == ds.height, index.samplesPerPixel == ds.bandCount,
              index.tileWidth == size.width, index.tileHeight == size.height,
              index.blocksAcross == count.x, index.blocksDown == count.y else { return nil }
        self.index = index
    }

    /// Planes of blocks: the band count when bands are stored apart, else 1.
    var planes: Int { index.separatePlanes ? index.samplesPerPixel : 1 }

    /// Where block (`x`, `y`) of `band` (1-based) lies: `(0, 0)` for a block never written, as
    /// `Band.storedBlock` says of it.
    func block(x: Int, y: Int, band: Int) -> (offset: Int, size: Int) {
        let n = index.blockNumber(column: x, row: y, band: band)
        let offset = index.offsets[n], size = index.byteCounts[n]
        return offset == 0 || size == 0 ? (0, 0) : (Int(offset), Int(size))
    }
}
