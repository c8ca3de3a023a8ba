import CGDAL

extension Band {
    /// How many blocks cover the band across and down (its size divided by the block size, rounded up).
    /// Thread safety: use it only on the thread that owns the dataset.
    public var blockCount: (x: Int, y: Int) {
        let (bw, bh) = blockSize, (w, h) = size
        guard bw > 0, bh > 0 else { return (0, 0) }
        return ((w + bw - 1) / bw, (h + bh - 1) / bh)
    }

    /// Bytes one whole block holds in the band's own type, as `readBlock(x:y:into:)` fills it
    /// (`GDALGetBlockSize`, `GDALGetDataTypeSizeBytes`).
    public var blockByteCount: Int {
        let (bw, bh) = blockSize
        return bw * bh * Int(GDALGetDataTypeSizeBytes(GDALGetRasterDataType(handle)))
    }
}
