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

/// The tile index of a little-endian tiled TIFF's first image, read from the file itself:
/// how its blocks are stored and where each one's bytes lie. The engine reads it from the
/// uncompressed GeoTIFF GDAL has just created (every block still unwritten), to let its
/// workers write blocks in place themselves (see `BlockFile`).
///
/// Only what that needs is understood: classic TIFF and BigTIFF, one image (no second IFD),
/// the tags below. Anything else makes `read` return `nil`, and the engine writes through GDAL.
/// Thread safety: a plain value.
public struct TIFFTileIndex: Equatable, Sendable {
    public var imageWidth: Int, imageHeight: Int
    public var tileWidth: Int, tileHeight: Int
    public var bitsPerSample: Int
    public var samplesPerPixel: Int
    /// TIFF Compression (1 = none).
    public var compression: Int
    /// TIFF Predictor (1 = none, 2 = horizontal differencing, 3 = floating point).
    public var predictor: Int = 1
    /// PlanarConfiguration 2: one block per band (GDAL's INTERLEAVE=BAND); else pixels interleaved.
    public var separatePlanes: Bool
    /// TileOffsets and TileByteCounts, in the TIFF's order (band after band when separate).
    public var offsets: [UInt64]
    public var byteCounts: [UInt64]
    /// Where the TileOffsets and TileByteCounts values are stored, and the size of one (2, 4 or 8).
    public var offsetsField: Field
    public var byteCountsField: Field
    /// The end of the header, the IFD and every value it points to: the first byte no tag uses.
    public var structureEnd: UInt64

    /// Where an array of tag values lies in the file.
    public struct Field: Equatable, Sendable {
        var position: UInt64
        var size: Int
    }

    /// Blocks across and down the image, and the TIFF's number of block (`column`, `row`)
    /// of `band` (1-based; bands share blocks when pixels are interleaved).
    public var blocksAcross: Int { (imageWidth + tileWidth - 1) / tileWidth }
    public var blocksDown: Int { (imageHeight + tileHeight - 1) / tileHeight }
    public func blockNumber(column: Int, row: Int, band: Int) -> Int {
        (separatePlanes ? (band - 1) * blocksAcross * blocksDown : 0) + row * blocksAcross + column
    }

    /// Bytes of one block as stored uncompressed.
    public var blockBytes: Int { tileWidth * tileHeight * (separatePlanes ? 1 : samplesPerPixel) * bitsPerSample / 8 }

    /// Reads the index from the open file `fd`; `nil` when it is not a TIFF this type understands.
    public static func read(_ fd: Int32) -> TIFFTileIndex? {
        let reader = Reader(fd: fd)
        guard let head = reader.bytes(at: 0, count: 16), head[0] == 0x49, head[1] == 0x49 else { return nil }   // "II"
        let version = le(head, 2, 2)
        let big: Bool
        let ifd: UInt64
        switch version {
        case 42: big = false; ifd = le(head, 4, 4)
        case 43: guard le(head, 4, 2) == 8 else { return nil }; big = true; ifd = le(head, 8, 8)
        default: return nil
        }
        let countSize = big ? 8 : 2, entrySize = big ? 20 : 12, fieldSize = big ? 8 : 4
        guard ifd >= 8, let countBytes = reader.bytes(at: ifd, count: countSize) else { return nil }
        let count = Int(le(countBytes, 0, countSize))
        guard count > 0, count < 4096,
              let table = reader.bytes(at: ifd + UInt64(countSize), count: count * entrySize + fieldSize) else {
            return nil
        }
        var end = ifd + UInt64(countSize + count * entrySize + fieldSize)
        guard le(table, count * entrySize, fieldSize) == 0 else { return nil }   // a second image

        var values: [Int: [UInt64]] = [:]
        var fields: [Int: Field] = [:]
        for e in 0..<count {
            let base = e * entrySize
            let tag = Int(le(table, base, 2)), type = Int(le(table, base + 2, 2))
            let n = le(table, base + 4, big ? 8 : 4)
            let size = typeSize(type)
            guard size > 0, n < 1 << 40 else { return nil }
            let total = UInt64(size) * n
            let fieldPosition = ifd + UInt64(countSize + base + 4 + (big ? 8 : 4))
            let position = total <= UInt64(fieldSize) ? fieldPosition : le(table, base + 4 + (big ? 8 : 4), fieldSize)
            if total > UInt64(fieldSize) { end = max(end, position + total) }
            guard [256, 257, 258, 259, 277, 284, 317, 322, 323, 324, 325].contains(tag) else { continue }
            guard [3, 4, 16].contains(type), total < 1 << 32,
                  let raw = reader.bytes(at: position, count: Int(total)) else { return nil }
            values[tag] = (0..<Int(n)).map { le(raw, $0 * size, size) }
            fields[tag] = Field(position: position, size: size)
        }
        func one(_ tag: Int, default d: UInt64? = nil) -> Int? { (values[tag]?.first ?? d).map(Int.init) }
        guard let width = one(256), let height = one(257), let tw = one(322), let th = one(323),
              let bits = one(258, default: 1), let compression = one(259, default: 1),
              let spp = one(277, default: 1), let planar = one(284, default: 1), let predictor = one(317, default: 1),
              let offsets = values[324], let counts = values[325], let offsetsField = fields[324],
              let countsField = fields[325],
              width > 0, height > 0, tw > 0, th > 0, spp > 0, bits > 0,
              values[258].map({ Set($0).count == 1 }) ?? true, offsets.count == counts.count else { return nil }
        let index = TIFFTileIndex(imageWidth: width, imageHeight: height, tileWidth: tw, tileHeight: th,
                             bitsPerSample: bits, samplesPerPixel: spp, compression: compression, predictor: predictor,
                             separatePlanes: planar == 2, offsets: offsets, byteCounts: counts,
                             offsetsField: offsetsField, byteCountsField: countsField, structureEnd: end)
        return offsets.count == index.blocksAcross * index.blocksDown * (planar == 2 ? spp : 1) ? index : nil
    }

    /// Writes new TileOffsets and TileByteCounts values over the file's (same count; each
    /// value must fit the tag's integer size).
    /// - Throws: the system's message when a write fails.
    func writeIndex(offsets: [UInt64], byteCounts: [UInt64], to fd: Int32) throws(SystemCallError) {
        precondition(offsets.count == self.offsets.count && byteCounts.count == self.offsets.count)
        for (field, values) in [(offsetsField, offsets), (byteCountsField, byteCounts)] {
            var bytes = [UInt8](repeating: 0, count: values.count * field.size)
            for (i, v) in values.enumerated() {
                precondition(field.size == 8 || v >> (8 * UInt64(field.size)) == 0)
                for k in 0..<field.size { bytes[i * field.size + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) }
            }
            let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(field.position)) }
            if n != bytes.count { throw SystemCallError(errno: n < 0 ? errno : EIO) }
        }
    }

    /// The largest value a field of `size` bytes holds.
    public static func maxValue(size: Int) -> UInt64 { size >= 8 ? .max : (1 << (8 * UInt64(size))) - 1 }

    private static func typeSize(_ type: Int) -> Int {
        switch type {
        case 1, 2, 6, 7: return 1
        case 3, 8: return 2
        case 4, 9, 11, 13: return 4
        case 5, 10, 12, 16, 17, 18: return 8
        default: return 0
        }
    }

    /// `size` bytes at `at` as a little-endian unsigned integer.
    private static func le(_ b: [UInt8], _ at: Int, _ size: Int) -> UInt64 {
        var v: UInt64 = 0
        for k in (0..<size).reversed() { v = v << 8 | UInt64(b[at + k]) }
        return v
    }

    /// Reads byte ranges of the file with `pread`.
    private struct Reader {
        let fd: Int32
        func bytes(at offset: UInt64, count: Int) -> [UInt8]? {
            guard count >= 0, offset < UInt64(Int64.max) else { return nil }
            var b = [UInt8](repeating: 0, count: count)
            let n = b.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(offset)) }
            return n == count ? b : nil
        }
    }
}

/// A failed system call's `errno`, with its message.
struct SystemCallError: Error, CustomStringConvertible {
    var errno: Int32
    var description: String { String(cString: strerror(errno)) }
}
