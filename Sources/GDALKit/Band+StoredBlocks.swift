extension Band {
    /// Where the GTiff driver says block (`x`, `y`) of this band lies in its file, encoded:
    /// the `BLOCK_OFFSET_x_y` and `BLOCK_SIZE_x_y` items of the `TIFF` metadata domain
    /// (`GDALGetMetadataItem`). `(0, 0)` for a block never written (a sparse file); `nil` when
    /// the driver does not say (not a GeoTIFF, or a file stored as one strip that GDAL shows
    /// as one-line blocks, whose items describe other blocks).
    /// Thread safety: use it only on the thread that owns the dataset.
    public func storedBlock(x: Int, y: Int) -> (offset: Int, size: Int)? {
        let offset = metadataItem("BLOCK_OFFSET_\(x)_\(y)", domain: "TIFF").flatMap { Int($0) }
        let size = metadataItem("BLOCK_SIZE_\(x)_\(y)", domain: "TIFF").flatMap { Int($0) }
        if offset == nil && size == nil { return (0, 0) }   // GDAL lists no item for an unwritten block
        guard let offset, let size, offset >= 0, size >= 0 else { return nil }
        return (offset, size)
    }
}
