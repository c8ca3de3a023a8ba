import GDALKit
import RasterTiling

/// Recognises blocks of a Byte selection raster (the mask, the rasterized polygons) that
/// select all or none of their pixels from their encoded bytes alone: the same compressed
/// bytes always decode to the same block, so once a block with those bytes was decoded and
/// found constant, later ones need no decoding. On a clustered mask most blocks are empty or
/// full and compress to the same few dozen bytes (16384² blob mask: 3,603 of 4,096 blocks).
/// Thread safety: one per worker thread (it holds a file position and a dictionary).
final class ConstantBlocks {
    /// Encoded blocks longer than this are not remembered (constant blocks compress to far less).
    static let maxKeyBytes = 4096
    static let maxEntries = 256

    private let file: VirtualFile
    /// The file's tile index, when it has one that describes GDAL's blocks: no metadata
    /// look-up per block (the partitions' survey asks for every block of the mask).
    private let table: StoredBlockTable?
    private var known: [EncodedBlock: UInt8] = [:]
    private var raw: [UInt8] = []

    /// `nil` unless `ds` is a GeoTIFF whose blocks, as GDAL reports them, are the blocks the
    /// file stores (the only ones its block metadata describes).
    ///
    /// GDAL shows a file stored as one strip (its default for small rasters, compressed or
    /// not) as one-line blocks of that strip (a "split band": 1×1 blocks for a 1-pixel-wide
    /// mask). Asking GDAL 3.6 for such a band's `BLOCK_OFFSET_x_y` after a read made its next
    /// reads fail (`Illegal nBlockYOff value`), and the strip's bytes are no key for one line.
    init?(_ ds: borrowing Dataset, path: String) {
        guard ds.driverName == "GTiff", let file = try? VirtualFile(reading: path),
              let stored = TIFFBlockShape.read(file),
              let reported = try? ds.withBand(1, { $0.blockSize }),
              stored == TIFFBlockShape(width: reported.width, height: reported.height) else { return nil }
        self.file = file
        table = StoredBlockTable(ds, path: path)
    }

    /// The encoded bytes of block (`bx`, `by`) of `band` (band `number`, 1-based) when they
    /// are short enough to be a key, else `nil` (also for a sparse or unlisted block).
    func key(_ band: borrowing Band, number: Int, _ bx: Int, _ by: Int) -> EncodedBlock? {
        guard let (o, n) = table?.block(x: bx, y: by, band: number) ?? band.storedBlock(x: bx, y: by),
              o > 0, n > 0, n <= ConstantBlocks.maxKeyBytes else { return nil }
        guard (try? file.read(at: o, count: n, into: &raw)) != nil else { return nil }
        return EncodedBlock(bytes: raw)
    }

    /// 1 when a block with these bytes selected every pixel, 0 when none, `nil` when unknown.
    func value(for key: EncodedBlock) -> UInt8? { known[key] }

    /// Remembers what a decoded block with these bytes selected, when it was constant.
    func remember(_ key: EncodedBlock, selected: UInt8) {
        if known.count < ConstantBlocks.maxEntries { known[key] = selected }
    }
}

/// A block's encoded bytes as a dictionary key, hashed in one pass over the bytes: `[UInt8]`'s
/// own hashing feeds the hasher one element at a time (~4,000 instructions for a ~100-byte
/// block), and the partitions' survey looks up every block of the mask in every process.
/// Thread safety: a plain value.
struct EncodedBlock: Hashable {
    let bytes: [UInt8]

    func hash(into hasher: inout Hasher) {
        hasher.combine(bytes.count)
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
