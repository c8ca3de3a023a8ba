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

/// A compressed tiled GeoTIFF whose encoded blocks are appended to the file as they come, in
/// any order, by many threads at once, each block written once; the tile index is written at
/// the end. GDAL creates the file with `SPARSE_OK=TRUE` and the run's creation options
/// (georeferencing, metadata, every block unwritten) and closes it; `open` checks that its
/// layout is the one expected; `append` reserves a byte range past the end under a lock and
/// `pwrite`s the blocks there outside it; `finish` writes TileOffsets and TileByteCounts.
/// A block never appended stays unwritten (readers see 0, or nodata), as GDAL leaves it.
///
/// Thread safety: `Sendable`. `append` may run on several threads at once: the reservation
/// is taken under the lock, and positional writes of disjoint ranges share no offset.
public final class AppendedBlockFile: Sendable {
    /// What the blocks must be for the appended bytes to be read as they were encoded.
    public struct Layout: Equatable, Sendable {
        public var width: Int, height: Int, tileWidth: Int, tileHeight: Int
        public var bands: Int, bitsPerSample: Int
        /// TIFF Compression and Predictor (8 and 32946 are both DEFLATE and taken as equal).
        public var compression: Int, predictor: Int
        public var separatePlanes: Bool

        /// Describes blocks of `tileWidth × tileHeight` samples of `bitsPerSample`.
        public init(width: Int, height: Int, tileWidth: Int, tileHeight: Int, bands: Int, bitsPerSample: Int,
                    compression: Int, predictor: Int, separatePlanes: Bool) {
            self.width = width
            self.height = height
            self.tileWidth = tileWidth
            self.tileHeight = tileHeight
            self.bands = bands
            self.bitsPerSample = bitsPerSample
            self.compression = compression
            self.predictor = predictor
            self.separatePlanes = separatePlanes
        }
    }

    private struct Table {
        var end: UInt64
        var offsets: [UInt64]
        var byteCounts: [UInt64]
    }

    /// The name messages give the file (OUTPUT, not the temporary it is written as).
    public let path: String
    public let index: TIFFTileIndex
    private let fd: Int32
    private let table: Guarded<Table>

    private init(path: String, index: TIFFTileIndex, fd: Int32, end: UInt64) {
        self.path = path
        self.index = index
        self.fd = fd
        table = Guarded(Table(end: end, offsets: index.offsets, byteCounts: index.byteCounts))
    }

    deinit { close(fd) }

    /// Opens the GeoTIFF at `file` (just created by GDAL, every block unwritten) for appended
    /// blocks; messages call it `path`.
    /// - Returns: `nil` when the file is not a little-endian tiled TIFF of `layout` with every
    ///   block unwritten (the engine then writes through GDAL).
    /// - Throws: `BlockOutputError` when the file cannot be opened.
    public static func open(_ file: String, shownAs path: String,
                            layout: Layout) throws(BlockOutputError) -> AppendedBlockFile? {
        #if canImport(Glibc)
        let fd = Glibc.open(file, O_RDWR | O_CLOEXEC)
        #else
        let fd = Darwin.open(file, O_RDWR | O_CLOEXEC)
        #endif
        guard fd >= 0 else {
            throw .fileSystem(path: path, context: "opening the output for block writes",
                              reason: String(cString: strerror(errno)))
        }
        func deflate(_ c: Int) -> Int { c == 32946 ? 8 : c }
        guard let i = TIFFTileIndex.read(fd), i.imageWidth == layout.width, i.imageHeight == layout.height,
              i.tileWidth == layout.tileWidth, i.tileHeight == layout.tileHeight, i.samplesPerPixel == layout.bands,
              i.bitsPerSample == layout.bitsPerSample, deflate(i.compression) == deflate(layout.compression),
              i.predictor == layout.predictor, i.separatePlanes == layout.separatePlanes || layout.bands == 1,
              i.offsets.allSatisfy({ $0 == 0 }), i.byteCounts.allSatisfy({ $0 == 0 }) else {
            close(fd)
            return nil
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = errno
            close(fd)
            throw .fileSystem(path: path, context: "opening the output for block writes",
                              reason: String(cString: strerror(e)))
        }
        return AppendedBlockFile(path: path, index: i, fd: fd, end: max(UInt64(st.st_size), i.structureEnd))
    }

    /// Appends blocks lying one after the other in `bytes`: `blocks` lists each one's TIFF
    /// block number and encoded size (0: the block stays unwritten). One write for them all.
    /// - Throws: `BlockOutputError` with the system's message (a full disk), or when the file
    ///   would outgrow its offsets (a classic TIFF past 4 GiB).
    public func append(_ bytes: UnsafeRawPointer, blocks: [(number: Int, size: Int)]) throws(BlockOutputError) {
        let total = blocks.reduce(0) { $0 + $1.size }
        let limit = TIFFTileIndex.maxValue(size: index.offsetsField.size)
        let start: UInt64? = table.withLock { t in
            guard t.end + UInt64(total) <= limit else { return nil }
            let at = t.end
            var o = at
            for b in blocks {
                t.offsets[b.number] = b.size > 0 ? o : 0
                t.byteCounts[b.number] = UInt64(b.size)
                o += UInt64(b.size)
            }
            t.end = o
            return at
        }
        guard let start else {
            throw .fileSystem(path: path, context: "appending blocks",
                              reason: "the TIFF's offsets cannot address past 4 GiB")
        }
        let e = FileWriting.writeAll(fd, UnsafeRawBufferPointer(start: bytes, count: total), at: start).error
        if e != 0 {
            throw .fileSystem(path: path, context: "appending blocks", reason: String(cString: strerror(e)))
        }
    }

    /// The end of the file's data so far (the structure and every block appended).
    public var end: UInt64 { table.withLock { $0.end } }

    /// Writes the tile index: every appended block's offset and size.
    /// - Throws: `BlockOutputError` with the system's message.
    public func finish() throws(BlockOutputError) {
        let (offsets, counts) = table.withLock { ($0.offsets, $0.byteCounts) }
        guard counts.allSatisfy({ $0 <= TIFFTileIndex.maxValue(size: index.byteCountsField.size) }) else {
            throw .fileSystem(path: path, context: "writing the tile index",
                              reason: "a block is too large for its byte count")
        }
        do { try index.writeIndex(offsets: offsets, byteCounts: counts, to: fd) } catch {
            throw .fileSystem(path: path, context: "writing the tile index", reason: error.description)
        }
    }

    /// Makes every block appended so far durable.
    public func sync() throws(BlockOutputError) {
        if fsync(fd) != 0 {
            throw .fileSystem(path: path, context: "syncing the output", reason: String(cString: strerror(errno)))
        }
    }
}
