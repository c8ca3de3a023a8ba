import BlockOutput

/// How the output's blocks reached the file, as the report states it.
public enum BlockWrites: String, Sendable {
    /// Through GDAL (`GDALWriteBlock`), by the single writer: compressed output, COG, a copied input.
    case gdal
    /// In place by the engine's write threads, through the page cache (blocks not a whole
    /// number of 4 KiB pages, or a file system without O_DIRECT).
    case inPlace = "in_place"
    /// In place with O_DIRECT.
    case inPlaceDirect = "in_place_direct"
    /// Appended by the workers (`RawBlockSink`): unselected blocks as the input's encoded
    /// bytes, selected ones DEFLATE-encoded by the worker that computed them.
    case appended
}

extension BlockWrites {
    /// How `apply` will write the blocks of an output with `profile`, before the file exists:
    /// in place for uncompressed GeoTIFF (a COG's intermediate too; not a copied input), directly
    /// when a block is a whole number of 4 KiB pages. The run may still fall back to GDAL when the file
    /// GDAL creates is not laid out as expected (`-co ENDIANNESS=BIG`, `NBITS`, strips).
    static func planned(profile: OutputProfile, copiesInput: Bool, bands: Int) -> BlockWrites {
        guard profile.isUncompressed && !copiesInput else { return .gdal }
        let bw = Int(profile.option("BLOCKXSIZE") ?? "256") ?? 256,
        bh = Int(profile.option("BLOCKYSIZE") ?? "256") ?? 256
        let interleaved = bands > 1 && profile.option("INTERLEAVE") != "BAND"
        let bytes = bw * bh * profile.dataType.byteSize * (interleaved ? bands : 1)
        return bytes % BlockFile.alignment == 0 ? .inPlaceDirect : .inPlace
    }

    /// The words `geokernel plan` prints.
    public var planDescription: String {
        switch self {
        case .gdal: return "through GDAL, one writer"
        case .inPlace: return "in place, by 2 write threads, through the page cache"
        case .inPlaceDirect: return "in place, by 2 write threads, O_DIRECT (page cache when the file system refuses "
                                    + "it)"
        case .appended:
            return "appended by the workers: unselected blocks as the input's encoded bytes, "
                + "selected blocks DEFLATE-encoded"
        }
    }
}
