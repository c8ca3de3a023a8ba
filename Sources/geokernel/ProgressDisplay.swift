import BlockOutput
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

/// Something that shows a run's progress on stderr: fed the fraction done by the engine's
/// `progress:` callback, then finished once. Thread safety: `update` may be called from any
/// thread (the engine calls it under its writer's lock); `finish` once, after the run.
protocol ProgressDisplay: Sendable {
    /// The run is `fraction` (0…1) done.
    func update(_ fraction: Double)
    /// The run ended: `completed` when it succeeded (a display may then show 100 %). Leaves
    /// stderr at the start of a fresh line, so an error message can follow.
    func finish(completed: Bool)
}

/// Which display a command line asks for.
enum ProgressDisplays {
    /// A bar on a terminal (unless `-q` without `--progress`); GDAL's `0...10...` text with
    /// `--progress` elsewhere; nothing otherwise.
    /// - Parameter pixels: the raster's width × height, for the bar's throughput (`nil`: not shown).
    static func make(quiet: Bool, requested: Bool, terminal: Bool,
                     pixels: @autoclosure () -> Int?) -> (any ProgressDisplay)? {
        if quiet && !requested { return nil }
        if terminal { return ProgressBar(totalPixels: pixels()) }
        return requested ? GDALStyleProgress() : nil
    }
}

/// Writes text to stderr, unbuffered.
func writeStderr(_ text: String) {
    _ = Array(text.utf8).withUnsafeBytes { FileWriting.writeAll(STDERR_FILENO, $0) }
}
