import CFileSystem
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
import RasterTiling
import Synchronization

/// An uncompressed tiled GeoTIFF whose blocks the engine's write threads write in place,
/// in parallel, with `pwrite` at offsets fixed before the first block.
///
/// GDAL creates the file with `SPARSE_OK=TRUE` (georeferencing, metadata, nodata: everything
/// but pixels, every block unwritten) and closes it; `open` then gives each block its place,
/// back to back from a 4 KiB boundary in the order the plan writes them, writing the TIFF's
/// TileOffsets and TileByteCounts itself. When a block is a whole number of 4 KiB pages the
/// blocks are written with O_DIRECT: from memory to the disk, without a copy into the page
/// cache and without dirty pages left for the final fsync (1 GiB of Float32 blocks: ~0.05
/// CPU-s of system time instead of ~0.5, measured). Otherwise they go through the page cache.
///
/// Thread safety: `Sendable`. `write` may run on several threads at once: each call covers
/// its own blocks' bytes, and positional writes on one descriptor do not share an offset.
public final class BlockFile: Sendable {
    /// The name messages give the file (OUTPUT, not the temporary it is written as).
    public let path: String
    public let index: TIFFTileIndex
    /// Whether blocks are written with O_DIRECT.
    public var direct: Bool { !directFailed.load(ordering: .relaxed) && directFD >= 0 }
    private let bufferedFD: Int32
    private let directFD: Int32
    /// Set when the file system refused a direct write: later writes go through the page cache.
    private let directFailed = Atomic<Bool>(false)

    /// Direct writes need offsets, lengths and memory aligned to the device's logical block
    /// size; a page is a multiple of every usual one.
    public static let alignment = 4096

    private init(path: String, index: TIFFTileIndex, bufferedFD: Int32, directFD: Int32) {
        self.path = path
        self.index = index
        self.bufferedFD = bufferedFD
        self.directFD = directFD
    }

    deinit {
        close(bufferedFD)
        if directFD >= 0 { close(directFD) }
    }

    /// Opens the GeoTIFF at `file` for block writes, laying its blocks out first when it was
    /// just created with every block unwritten; messages call it `path`.
    /// - Parameters:
    ///   - plan: the raster, its blocks and the chunks the engine will write; a new file
    ///     stores each chunk's blocks one after the other, so that a chunk is one write.
    ///   - bands, sampleBytes: what each pixel holds.
    /// - Returns: `nil` when the file is not an uncompressed, little-endian tiled TIFF of that
    ///   shape whose blocks are either all unwritten or all in place (the engine then writes
    ///   through GDAL).
    /// - Throws: `BlockOutputError` when the file cannot be opened, extended or its
    ///   space reserved (a full disk shows here, before any pixel is computed).
    public static func open(_ file: String, shownAs path: String, plan: TilePlan, bands: Int,
                            sampleBytes: Int) throws(BlockOutputError) -> BlockFile? {
        #if canImport(Glibc)
        let fd = Glibc.open(file, O_RDWR | O_CLOEXEC)
        #else
        let fd = Darwin.open(file, O_RDWR | O_CLOEXEC)
        #endif
        guard fd >= 0 else {
            throw .fileSystem(path: path, context: "opening the output for block writes",
                              reason: String(cString: strerror(errno)))
        }
        var kept = false
        defer { if !kept { close(fd) } }
        guard var index = TIFFTileIndex.read(fd), index.compression == 1, index.imageWidth == plan.raster.width,
              index.imageHeight == plan.raster.height, index.tileWidth == plan.blockWidth,
              index.tileHeight == plan.blockHeight,
              index.samplesPerPixel == bands, index.bitsPerSample == 8 * sampleBytes else { return nil }
        let bytes = UInt64(index.blockBytes)
        if index.offsets.allSatisfy({ $0 == 0 }) && index.byteCounts.allSatisfy({ $0 == 0 }) {
            // Freshly created: every block gets its place, chunk after chunk (each chunk's
            // blocks as the plan lists them), so a chunk goes to disk in one write (1 MiB for
            // 512² Float32 instead of two of 512 KiB: direct writes of 1 GiB took 0.35 s
            // instead of 0.45 s).
            let aligned = bytes % UInt64(alignment) == 0
            let base = aligned ? (index.structureEnd
                                  + UInt64(alignment) - 1) / UInt64(alignment) * UInt64(alignment) : index.structureEnd
            var offsets = [UInt64](repeating: 0, count: index.offsets.count)
            var k: UInt64 = 0
            for plane in 1...(index.separatePlanes ? bands : 1) {
                for c in 0..<plan.chunkCount {
                    for b in plan.blocks(in: plan.chunk(c)) {
                        offsets[index.blockNumber(column: b.column, row: b.row, band: plane)] = base + k * bytes
                        k += 1
                    }
                }
            }
            let end = base + UInt64(offsets.count) * bytes
            guard end - bytes <= TIFFTileIndex.maxValue(size: index.offsetsField.size),
                  bytes <= TIFFTileIndex.maxValue(size: index.byteCountsField.size) else { return nil }
            let counts = [UInt64](repeating: bytes, count: offsets.count)
            do {
                try index.writeIndex(offsets: offsets, byteCounts: counts, to: fd)
            } catch {
                throw .fileSystem(path: path, context: "writing the tile index", reason: error.description)
            }
            // Reserve the blocks' space now: a full disk fails here, and direct writes into
            // reserved space are faster. Where it cannot be reserved, just extend the file.
            if cfs_reserve(fd, off_t(base), off_t(end - base)) != 0 {
                let e = errno
                if e != EOPNOTSUPP && e != ENOSYS || ftruncate(fd, off_t(end)) != 0 {
                    let mib = Double(end - base) / 1_048_576
                    throw .fileSystem(path: path,
                                      context: "reserving \(cFormat("%.1f", mib)) MiB for the output's blocks",
                                      reason: String(cString: strerror(e == EOPNOTSUPP || e == ENOSYS ? errno : e)))
                }
            }
            index.offsets = offsets
            index.byteCounts = counts
        } else if !inPlace(index) {
            return nil
        }
        let alignedLayout = bytes % UInt64(alignment) == 0 && index.offsets.allSatisfy { $0 % UInt64(alignment) == 0 }
        let directFD = alignedLayout ? cfs_open_direct(file) : -1
        kept = true
        return BlockFile(path: path, index: index, bufferedFD: fd, directFD: directFD)
    }

    /// Whether every block already has its own place of the right size past the TIFF's structure.
    private static func inPlace(_ i: TIFFTileIndex) -> Bool {
        let bytes = UInt64(i.blockBytes)
        guard i.byteCounts.allSatisfy({ $0 == bytes }) else { return false }
        let sorted = i.offsets.sorted()
        guard let first = sorted.first, first >= i.structureEnd else { return false }
        return zip(sorted, sorted.dropFirst()).allSatisfy { $0 + bytes <= $1 }
    }

    /// Writes blocks `numbers` (the TIFF's block numbers) from `bytes`, where they lie one
    /// after the other (`numbers.count × index.blockBytes`); blocks that also lie back to back
    /// in the file go in one write. `bytes` must be `alignment`-aligned.
    /// - Throws: `BlockOutputError` with the system's message, naming the block.
    public func write(blocks numbers: [Int], from bytes: UnsafeRawPointer) throws(BlockOutputError) {
        let size = index.blockBytes
        var k = 0
        while k < numbers.count {
            var run = 1
            while k + run < numbers.count && index.offsets[numbers[k + run]] == index.offsets[numbers[k]]
                + UInt64(run * size) { run += 1 }
            try writeAll(bytes + k * size, count: run * size, at: index.offsets[numbers[k]],
                         describe: { name(ofBlock: numbers[k]) })
            k += run
        }
    }

    /// "block X,Y" (and "of band B" with separate planes) for block number `n`.
    private func name(ofBlock n: Int) -> String {
        let perPlane = index.blocksAcross * index.blocksDown
        let k = n % perPlane
        return "block \(k % index.blocksAcross),\(k / index.blocksAcross)"
            + (index.separatePlanes ? " of band \(n / perPlane + 1)" : "")
    }

    private func writeAll(_ bytes: UnsafeRawPointer, count: Int, at offset: UInt64,
                          describe: () -> String) throws(BlockOutputError) {
        var done = 0
        while true {
            let useDirect = direct
            let (n, e) = FileWriting.writeAll(useDirect ? directFD : bufferedFD,
                                              UnsafeRawBufferPointer(start: bytes + done, count: count - done),
                                              at: offset + UInt64(done))
            done += n
            if e == 0 { return }
            if useDirect && e == EINVAL {
                directFailed.store(true, ordering: .relaxed)   // the file system takes no direct writes
                continue
            }
            throw .fileSystem(path: path, context: "writing \(describe())", reason: String(cString: strerror(e)))
        }
    }

    /// Makes every block written so far durable (a checkpoint relies on it).
    public func sync() throws(BlockOutputError) {
        if fsync(bufferedFD) != 0 {
            throw .fileSystem(path: path, context: "syncing the partial output",
                              reason: String(cString: strerror(errno)))
        }
    }
}
