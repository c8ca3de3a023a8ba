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
import RasterKernels

/// A quick look to write (`--preview PATH.png`, `geokernel preview … -o PATH.png`): where, which
/// bands, how large, and the provenance the PNG carries. It changes no output pixel, so it is
/// not part of a run's resume fingerprint. Thread safety: a plain value, `Sendable`.
public struct PreviewRequest: Sendable, Equatable {
    /// The PNG to write.
    public var path: String
    /// 1-based bands drawn as red, green, blue (or one band drawn grey); `nil`: the first
    /// three bands when there are 3 or more, else band 1.
    public var bands: [Int]?
    /// Each panel's long side at most (1–1024).
    public var panelSide: Int
    /// The command line and the program's version, written into the PNG's text chunks.
    public var commandLine: String
    public var version: String

    /// Largest panel side accepted, and the default (384, a 776² PNG: zlib's encoding grows with the panels'
    /// area and runs after the last chunk; at 512 it kept the quick look of the 0.4 s full 16384² run at
    /// 1.07–1.10× its time, at 384 0.99–1.04×; Sentinel-2's quick look is 343 pixels; see Docs/preview.md).
    public static let maximumPanelSide = 1024
    public static let defaultPanelSide = 384

    /// A request with the default panel size.
    public init(path: String, bands: [Int]? = nil, panelSide: Int = PreviewRequest.defaultPanelSide,
                commandLine: String = "", version: String = "") {
        self.path = path
        self.bands = bands
        self.panelSide = panelSide
        self.commandLine = commandLine
        self.version = version
    }

    /// The shown bands of a raster with `count` bands.
    /// - Throws: `EngineError.badOption` for a band the raster lacks or a list of 2 or 4+ bands.
    func shownBands(count: Int) throws(EngineError) -> [Int] {
        guard let bands else { return count >= 3 ? [1, 2, 3] : [1] }
        guard bands.count == 1 || bands.count == 3 else {
            throw .badOption("--preview-bands: give one band (grey) or three (red, green, blue), not \(bands.count)")
        }
        for b in bands where b < 1 || b > count {
            let plural = count == 1 ? "" : "s"
            throw .badOption("--preview-bands: band \(b) does not exist; the input has \(count) band\(plural)")
        }
        return bands
    }

    /// Checks the request before any work: a panel size in range and a PNG path in a folder
    /// that exists and can be written, that is not one of `others` (the input, the output).
    /// - Throws: `EngineError` with a one-line reason.
    func check(notAnyOf others: [String]) throws(EngineError) {
        guard (1...PreviewRequest.maximumPanelSide).contains(panelSide) else {
            let most = PreviewRequest.maximumPanelSide
            throw .badOption("--preview-size must be between 1 and \(most), not \(panelSide)")
        }
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var isDir: Bool = false
        let isFolder = FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir
        if path.isEmpty || path.hasSuffix("/") || isFolder {
            throw .badOption("preview \(path): not a file name")
        }
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDir), isDir else {
            throw .outputFolder(path: folder, reason: "the folder of the preview \(path) does not exist")
        }
        guard access(folder, W_OK) == 0 else {
            throw .outputFolder(path: folder, reason: "the folder of the preview \(path) cannot be written")
        }
        let resolved = url.standardizedFileURL.resolvingSymlinksInPath().path
        for other in others where !other.isEmpty {
            if URL(fileURLWithPath: other).standardizedFileURL.resolvingSymlinksInPath().path == resolved {
                throw .badOption("preview \(path) is the same file as \(other)")
            }
        }
    }
}
