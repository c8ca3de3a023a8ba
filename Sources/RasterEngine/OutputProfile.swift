import GDALKit

/// The GeoTIFF the engine creates: its pixel type and creation options, derived from the
/// input and overridden by the user's `-co`. Thread safety: a plain value, `Sendable`.
struct OutputProfile: Sendable, Equatable {
    var dataType: RasterDataType
    var creationOptions: [String]

    /// Compressions that decode to exactly what was encoded. LERC is lossless when written
    /// with its default MAX_Z_ERROR=0, which is how the engine writes it.
    static let losslessCompressions: Set<String> = ["NONE", "LZW", "DEFLATE", "PACKBITS", "ZSTD", "LZMA", "LERC",
                                                    "LERC_DEFLATE", "LERC_ZSTD"]
    static let predictorCompressions: Set<String> = ["LZW", "DEFLATE", "ZSTD", "LZMA"]

    /// The profile a run recorded (a partition's tag), as it was.
    init(dataType: RasterDataType, creationOptions: [String]) {
        self.dataType = dataType
        self.creationOptions = creationOptions
    }

    init(layout: RasterLayout, outputType: RasterDataType?, userOptions: [String]) {
        dataType = outputType ?? layout.readType
        var opts: [(String, String)] = [("TILED", "YES")]
        let tiled = layout.isTiled
        opts.append(("BLOCKXSIZE", "\(tiled ? layout.blockWidth : 256)"))
        opts.append(("BLOCKYSIZE", "\(tiled ? layout.blockHeight : 256)"))
        let inCompression = (layout.imageStructure["COMPRESSION"] ?? "NONE").uppercased()
        let compression = OutputProfile.losslessCompressions.contains(inCompression) ? inCompression : "DEFLATE"
        if compression != "NONE" { opts.append(("COMPRESS", compression)) }
        if OutputProfile.predictorCompressions.contains(compression) {
            if let p = layout.imageStructure["PREDICTOR"], p == "2" || p == "3" {
                opts.append(("PREDICTOR", p == "3" && !dataType.isFloatingPoint ? "2" : p))
            } else if compression != inCompression {
                opts.append(("PREDICTOR", dataType.isFloatingPoint ? "3" : "2"))
            }
        }
        // Compression in GDAL's worker pool: the one writer only hands blocks over, so encoding
        // runs beside the workers instead of behind a lock (DEFLATE 16384², full mask 3×3:
        // 6.3 s → 5.3 s). It does not change the pixels.
        if compression != "NONE" { opts.append(("NUM_THREADS", "ALL_CPUS")) }
        if layout.bandCount > 1, let interleave = layout.imageStructure["INTERLEAVE"],
           interleave == "PIXEL" || interleave == "BAND" {
            opts.append(("INTERLEAVE", interleave))
        }
        // BigTIFF when the output could pass 4 GiB, compressed or not: GTiff's IF_NEEDED only
        // looks at the uncompressed size, and IF_SAFER guesses for compressed output.
        let estimate = Double(layout.width) * Double(layout.height)
            * Double(layout.bandCount) * Double(dataType.byteSize)
        opts.append(("BIGTIFF", estimate * 1.01 + Double(16 << 20) >= Double(UInt64(1) << 32) ? "YES" : "NO"))
        if dataType == .int8 && dataType.storageType == .byte { opts.append(("PIXELTYPE", "SIGNEDBYTE")) }
        // User options win, key by key (case-insensitive), in the order given.
        var merged: [(String, String)] = []
        let userKeys = Set(userOptions.map { OutputProfile.key(of: $0) })
        for (k, v) in opts where !userKeys.contains(k) { merged.append((k, v)) }
        creationOptions = merged.map { "\($0.0)=\($0.1)" } + userOptions
    }

    /// The value of a creation option as it will be used (user's or default), upper-cased.
    func option(_ key: String) -> String? {
        creationOptions.last { OutputProfile.key(of: $0) == key }
            .map { String($0.split(separator: "=", maxSplits: 1).last ?? "").uppercased() }
    }

    /// The COG driver's creation options for the final copy: the same compression, predictor,
    /// block size (at least 128) and BigTIFF decision, overviews made with `resampling`, then the user's `-co`.
    /// PACKBITS, which the COG driver does not write, becomes DEFLATE (lossless too).
    func cogOptions(resampling: String, userOptions: [String]) -> [String] {
        let compression = option("COMPRESS") ?? "NONE"
        var opts: [(String, String)] = [("COMPRESS", compression == "PACKBITS" ? "DEFLATE" : compression)]
        if let p = option("PREDICTOR") { opts.append(("PREDICTOR", p)) }
        // The COG driver's tiles are square and at least 128 (smaller input blocks grow to that).
        opts.append(("BLOCKSIZE", "\(max(128, Int(option("BLOCKXSIZE") ?? "256") ?? 256))"))
        opts.append(("BIGTIFF", isBigTIFF ? "YES" : "NO"))
        opts.append(("OVERVIEWS", "AUTO"))
        opts.append(("NUM_THREADS", "ALL_CPUS"))
        opts.append(("RESAMPLING", resampling.uppercased()))
        let userKeys = Set(userOptions.map { OutputProfile.key(of: $0) })
        return opts.filter { !userKeys.contains($0.0) }.map { "\($0.0)=\($0.1)" } + userOptions
    }

    /// The same GeoTIFF without the compression options `init` chooses (COMPRESS, PREDICTOR,
    /// NUM_THREADS): a COG's intermediate file, whose profile has no user options.
    var uncompressed: OutputProfile {
        let codec: Set<String> = ["COMPRESS", "PREDICTOR", "NUM_THREADS"]
        return OutputProfile(dataType: dataType,
                             creationOptions: creationOptions.filter { !codec.contains(OutputProfile.key(of: $0)) })
    }

    /// Whether blocks are stored as they are (no COMPRESS, or COMPRESS=NONE).
    var isUncompressed: Bool { (option("COMPRESS") ?? "NONE") == "NONE" }

    /// Whether the file will be a BigTIFF.
    var isBigTIFF: Bool { option("BIGTIFF") == "YES" }

    static func key(of option: String) -> String {
        String(option.split(separator: "=", maxSplits: 1).first ?? "").uppercased()
    }
}
