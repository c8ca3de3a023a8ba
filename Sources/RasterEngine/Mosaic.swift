import Dispatch
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
import RasterTiling

/// What `geokernel mosaic` is asked to do. Thread safety: a plain value, `Sendable`.
public struct MosaicOptions: Sendable {
    /// What the mosaic is written as: a VRT over the parts (default), or one file through GDAL.
    public enum Format: String, CaseIterable, Sendable { case vrt = "VRT", gtiff = "GTiff", cog = "COG" }
    /// The parts: every partition of one run (`apply --partition I/N`), in any order.
    public var parts: [String]
    public var output: String
    public var format: Format = .vrt
    /// `-co KEY=VALUE` over the run's own creation options (GTiff) or the COG driver's (COG).
    public var creationOptions: [String] = []
    /// Overview resampling for `-of COG` (default `average`).
    public var overviewResampling: String?
    public var overwrite = false
    /// Decode every block of every part before mosaicking (`--check`).
    public var checkBlocks = false

    /// Options with the defaults of the command line.
    public init(parts: [String], output: String) {
        self.parts = parts
        self.output = output
    }
}

/// What a finished mosaic did. Thread safety: a plain value, `Sendable`.
public struct MosaicReport: Sendable {
    public var output: String
    public var format: MosaicOptions.Format
    /// The run the parts belong to and how many there were.
    public var run: String, parts: Int
    /// The mosaic's size and bands.
    public var width: Int, height: Int, bandCount: Int
    /// OUTPUT's size on disk (the VRT's own, without the parts).
    public var bytesWritten: Int
    public var seconds: Double
}

extension Engine {
    /// Runs `geokernel mosaic`: checks that `parts` are exactly the partitions of one run, then
    /// writes their mosaic (`GDALBuildVRT`, then with GTiff or COG a copy through GDAL's driver)
    /// with the run's georeferencing, nodata and metadata, atomically.
    /// - Throws: `EngineError`, one line naming the part that is missing, repeated, foreign or broken.
    public static func mosaic(_ options: MosaicOptions) throws(EngineError) -> MosaicReport {
        do {
            return try makeMosaic(options)
        } catch let e as EngineError {
            throw e
        } catch {
            throw EngineError(wrapping: error, path: options.output, context: "writing the mosaic")
        }
    }

    private static func makeMosaic(_ options: MosaicOptions) throws -> MosaicReport {
        let start = DispatchTime.now()
        GDALRuntime.ensureReady()
        if ProcessInfo.processInfo.environment["GDAL_CACHEMAX"] == nil {
            GDALRuntime.cacheMax = Int64(Engine.defaultCacheBytes)   // GDAL's default, 5 % of RAM, is GiBs here
        }
        let parts = try MosaicParts(options.parts, checkBlocks: options.checkBlocks)
        let file = try OutputFile(options.output, inputs: options.parts, overwrite: options.overwrite)
        var finished = false
        defer { if !finished { file.discard(); unlink(file.temporaryPath + ".vrt") } }
        // The VRT beside OUTPUT, so the parts' paths it records relative to itself stay right once renamed.
        let vrtPath = options.format == .vrt ? file.temporaryPath : file.temporaryPath + ".vrt"
        // Absolute paths: GDAL then records each part relative to the VRT when it can (`relativeToVRT`).
        func absolute(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }
        let vrt = try gdal(options.output, "building the VRT") {
            try Dataset.buildVRT(absolute(vrtPath), sources: parts.paths.map(absolute))
        }
        try gdal(options.output, "copying the description") {
            let first = try Dataset.open(parts.paths[0])
            let gt = vrt.geoTransform
            try copyDescription(from: first, to: vrt, bandCount: parts.bandCount)
            if let gt { try vrt.setGeoTransform(gt) }   // the mosaic's, not the first part's
        }
        do { try vrt.close() } catch { throw EngineError.gdal(path: options.output, context: "writing the VRT", error) }
        switch options.format {
        case .vrt:
            try file.commit()
        case .gtiff, .cog:
            let profile = OutputProfile(dataType: parts.dataType, creationOptions: parts.tag.creationOptions)
            let driver = options.format == .cog ? "COG" : "GTiff"
            let co = options.format == .cog
                ? profile.cogOptions(resampling: options.overviewResampling ?? "average",
                                     userOptions: options.creationOptions)
                : profile.creationOptions + options.creationOptions
            do {
                try Dataset.validateCreationOptions(co, driver: driver)
            } catch {
                throw EngineError.badOption("-co: \(error.message)")
            }
            let source = try gdal(options.output, "reopening the VRT") { try Dataset.open(vrtPath) }
            do {
                let copy = try source.createCopy(to: file.temporaryPath, driver: driver, options: co) { _ in true }
                try copy.close()
            } catch {
                throw WriteFailure.error(error, path: options.output, writing: file.temporaryPath,
                                         context: "writing the mosaic")
            }
            unlink(vrtPath)
            try file.commit()
        }
        finished = true
        var st = stat()
        let size = stat(options.output, &st) == 0 ? Int(st.st_size) : 0
        return MosaicReport(output: options.output, format: options.format, run: parts.tag.run,
                            parts: parts.paths.count,
                            width: parts.tag.rasterWidth, height: parts.tag.rasterHeight, bandCount: parts.bandCount,
                            bytesWritten: size,
                            seconds: Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9)
    }
}
