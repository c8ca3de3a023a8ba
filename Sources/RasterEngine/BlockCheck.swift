#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GDALKit
import RasterTiling

/// What `geokernel info FILE --check` found: every block of every band (and of GDAL's mask band
/// when the file has a real one) decoded, or the first that did not, and optionally GDAL's
/// checksum of each band. Thread safety: a plain value, `Sendable`.
public struct BlockCheck: Sendable, Codable {
    /// The first block that failed to decode.
    public struct Failure: Sendable, Codable {
        /// The 1-based band, and whether the block is of that band's mask rather than the band.
        public var band: Int
        public var mask: Bool
        /// The block's column and row in the band's block grid.
        public var blockX: Int, blockY: Int
        /// The pixels the block covers, `WxH+X+Y` (clipped to the raster).
        public var pixels: String
        /// GDAL's message.
        public var message: String

        /// One line naming the band, the block and its pixels, then GDAL's message.
        public var description: String {
            let what = mask ? "the mask of band \(band)" : "band \(band)"
            return "\(what), block (\(blockX), \(blockY)) at pixels \(pixels) fails to decode: \(message)"
        }
    }

    /// Blocks read, mask blocks included.
    public var blocksRead: Int
    /// Whether the mask band was read too (the file has an internal or external mask, not
    /// one derived from nodata or alpha).
    public var maskRead: Bool
    /// The first block that failed; `nil` when every block decoded.
    public var failure: Failure?
    /// GDAL's checksum of each band, as `gdalinfo -checksum` prints it (`GDALChecksumImage`);
    /// empty unless asked for, or when a block failed.
    public var checksums: [Int]

    /// Reads every block of `path` with `GDALReadBlock`, band by band, row by row, stopping at the
    /// first that fails; then, when every block decoded and `checksums` is set, checksums each band.
    /// - Throws: `EngineError.gdal` when the file cannot be opened (a block that fails is not
    ///   thrown: it is the result's `failure`).
    public static func run(path: String, checksums: Bool) throws(EngineError) -> BlockCheck {
        do {
            return try check(path, checksums: checksums)
        } catch {
            throw EngineError(wrapping: error, path: path, context: "checking")
        }
    }

    private static func check(_ path: String, checksums wantChecksums: Bool) throws -> BlockCheck {
        let ds = try gdal(path, "opening") { try Dataset.open(path) }
        var result = BlockCheck(blocksRead: 0, maskRead: false, failure: nil, checksums: [])
        let buffer = AlignedBytes(alignment: 64)
        /// Reads the blocks of one band; false when one failed (recorded in `result`).
        func readAll(_ band: borrowing Band, index: Int, mask: Bool) -> Bool {
            let block = buffer.bytes(count: band.blockByteCount)
            let (nx, ny) = band.blockCount, (bw, bh) = band.blockSize, (w, h) = band.size
            for by in 0..<ny {
                for bx in 0..<nx {
                    do {
                        try band.readBlock(x: bx, y: by, into: block.bytes)
                    } catch {
                        let rect = Window(x: bx * bw, y: by * bh, width: min(bw, w - bx * bw),
                                             height: min(bh, h - by * bh))
                        result.failure = Failure(band: index, mask: mask, blockX: bx, blockY: by,
                                                 pixels: rect.description,
                                                 message: error.description)
                        return false
                    }
                    result.blocksRead += 1
                }
            }
            return true
        }
        for b in 1...max(1, ds.bandCount) where ds.bandCount > 0 {
            let ok = try ds.withBand(b) { band -> Bool in
                guard readAll(band, index: b, mask: false) else { return false }
                // A real mask (internal or .msk): per dataset, read with band 1; per band, with each.
                let flags = band.maskFlags
                let real = !flags.contains(.allValid) && !flags.contains(.nodata) && !flags.contains(.alpha)
                guard real, b == 1 || !flags.contains(.perDataset) else { return true }
                result.maskRead = true
                return try band.withMaskBand { readAll($0, index: b, mask: true) }
            }
            if !ok { return result }
        }
        if wantChecksums {
            let rect = Window(x: 0, y: 0, width: ds.width, height: ds.height)
            for b in 1...max(1, ds.bandCount) where ds.bandCount > 0 {
                let sum = try gdal(path, "checksumming band \(b)") { try ds.withBand(b) { try $0.checksum(rect) } }
                result.checksums.append(sum)
            }
        }
        return result
    }
}
