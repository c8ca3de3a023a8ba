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

/// The input GeoTIFF's encoded blocks, for copying them into the output as they are: where
/// each block lies in the file (GDAL's `BLOCK_OFFSET_x_y` / `BLOCK_SIZE_x_y`, read once on the
/// main thread) and a descriptor to `pread` them. Blocks are numbered as the TIFF numbers
/// them (`TIFFTileIndex.blockNumber`): row by row, plane after plane when bands are separate.
/// Thread safety: `Sendable`; immutable once made, and positional reads share no offset.
final class InputBlocks: Sendable {
    let path: String
    let blocksAcross: Int, blocksDown: Int, planes: Int
    private let offsets: [Int]
    private let sizes: [Int]
    private let fd: Int32

    /// Reads the block table of `input` (opened from `path`), with `planes` planes of blocks
    /// (the band count when bands are stored apart, else 1). `nil` when GDAL does not give a
    /// block's place or the file cannot be opened.
    init?(_ input: borrowing Dataset, path: String, planes: Int) {
        guard let (across, down) = try? input.withBand(1, { $0.blockCount }) else { return nil }
        var offsets: [Int] = [], sizes: [Int] = []
        offsets.reserveCapacity(across * down * planes)
        sizes.reserveCapacity(across * down * planes)
        // The file's own tile index when it describes GDAL's blocks, else GDAL's items block by block.
        let table = StoredBlockTable(input, path: path).flatMap { $0.planes == planes ? $0 : nil }
        for p in 1...planes {
            let ok = (try? input.withBand(p) { band -> Bool in
                for y in 0..<down {
                    for x in 0..<across {
                        guard let block = table?.block(x: x, y: y, band: p) ?? band.storedBlock(x: x, y: y) else {
                            return false
                        }
                        offsets.append(block.offset)
                        sizes.append(block.size)
                    }
                }
                return true
            }) ?? false
            if !ok { return nil }
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        self.path = path
        blocksAcross = across
        blocksDown = down
        self.planes = planes
        self.offsets = offsets
        self.sizes = sizes
        self.fd = fd
    }

    deinit { close(fd) }

    /// The encoded size of block `number` (0: never written).
    func size(_ number: Int) -> Int { sizes[number] }

    /// Reads block `number`'s encoded bytes into `into` (room for `size(number)` bytes).
    /// - Throws: `EngineError` naming the input, with the system's message.
    func read(_ number: Int, into: MutableRawSamples) throws {
        let count = sizes[number], at = offsets[number]
        precondition(into.byteCount >= count, "no room for the encoded block")
        var done = 0
        while done < count {
            let n = pread(fd, into.dropFirst(done).baseAddress, count - done, off_t(at + done))
            if n > 0 { done += n; continue }
            let e = n < 0 ? errno : EIO
            if e == EINTR { continue }
            let reason = n == 0 ? "the file ends before the block" : String(cString: strerror(e))
            throw EngineError.fileSystem(path: path, context: "reading the encoded block \(number)", reason: reason)
        }
    }
}
