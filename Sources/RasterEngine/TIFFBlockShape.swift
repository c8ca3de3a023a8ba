import GDALKit

/// The size of the blocks a TIFF file itself stores (its tiles, or its strips: the image's
/// width by RowsPerStrip), read from the first image's directory through GDAL's virtual file
/// layer, so that it can be compared with the block size GDAL reports: GDAL shows a file
/// stored as one strip as one-line blocks of that strip (a "split band"), and the file's
/// block metadata (`BLOCK_OFFSET_x_y`) then describes other blocks than GDAL's.
/// Thread safety: a plain value.
struct TIFFBlockShape: Equatable {
    var width: Int, height: Int

    /// The first image's block size; `nil` when `file` is not a TIFF or its directory cannot be read.
    static func read(_ file: borrowing VirtualFile) -> TIFFBlockShape? {
        var head: [UInt8] = []
        let read16 = (try? file.read(at: 0, count: 16, into: &head)) != nil
        guard read16 || (try? file.read(at: 0, count: 8, into: &head)) != nil, head.count >= 8 else { return nil }
        let little: Bool
        switch (head[0], head[1]) {
        case (0x49, 0x49): little = true
        case (0x4d, 0x4d): little = false
        default: return nil
        }
        func int(_ b: [UInt8], _ at: Int, _ size: Int) -> UInt64 {
            var v: UInt64 = 0
            for k in 0..<size { v = v << 8 | UInt64(b[at + (little ? size - 1 - k : k)]) }
            return v
        }
        let big: Bool
        switch int(head, 2, 2) {
        case 42: big = false
        case 43: big = true
        default: return nil
        }
        guard !big || head.count >= 16 else { return nil }
        let ifd = big ? int(head, 8, 8) : int(head, 4, 4)
        let countSize = big ? 8 : 2, entrySize = big ? 20 : 12
        var bytes: [UInt8] = []
        guard ifd >= 8, ifd < UInt64(Int.max / 2),
              (try? file.read(at: Int(ifd), count: countSize, into: &bytes)) != nil else { return nil }
        let count = Int(int(bytes, 0, countSize))
        guard count > 0, count < 4096,
              (try? file.read(at: Int(ifd) + countSize, count: count * entrySize, into: &bytes)) != nil else {
            return nil
        }
        var tags: [Int: UInt64] = [:]
        for e in 0..<count {
            let base = e * entrySize
            let tag = Int(int(bytes, base, 2)), type = Int(int(bytes, base + 2, 2))
            guard [256, 257, 278, 322, 323].contains(tag), type == 3 || type == 4 || type == 16 else { continue }
            let size = type == 3 ? 2 : type == 4 ? 4 : 8
            tags[tag] = int(bytes, base + 4 + (big ? 8 : 4), size)   // the first value, stored in the entry
        }
        guard let w = tags[256], let h = tags[257], w > 0, h > 0, w < 1 << 31, h < 1 << 31 else { return nil }
        if let tw = tags[322], let th = tags[323] {
            guard tw > 0, th > 0, tw < 1 << 31, th < 1 << 31 else { return nil }
            return TIFFBlockShape(width: Int(tw), height: Int(th))
        }
        let rows = min(tags[278] ?? h, h)
        return rows > 0 ? TIFFBlockShape(width: Int(w), height: Int(rows)) : nil
    }
}
