import BlockOutput
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
import RasterTiling

/// A progress bar on a terminal's stderr line:
/// `[=========>          ]  45%  12.3 Mpixel/s  elapsed 0:12  ETA 0:15` (three significant digits),
/// redrawn by a timer at most 10 times a second (only when the text changed), erased when the run ends.
///
/// Throughput is the raster's pixels (width × height, all bands at once) per second, measured
/// from the first chunk the engine finished, so opening and planning do not count and a
/// resumed run is not credited with the chunks it skipped.
///
/// Thread safety: `@unchecked Sendable` is sound because every stored `var` is only read and
/// written while `lock` is held, and the terminal is written under it too (by the timer's
/// queue or by `finish`), so a redraw never follows the final erase.
final class ProgressBar: ProgressDisplay, @unchecked Sendable {
    /// Seconds between redraws at most.
    static let interval = 0.1

    private let lock = Guarded(())
    private let totalPixels: Int?
    private let start = DispatchTime.now()
    private var fraction = 0.0
    /// When the first chunk was reported, and the fraction then.
    private var first: (seconds: Double, fraction: Double)? = nil
    private var drawn = ""
    private var finished = false
    private let timer: DispatchSourceTimer
    private let write: @Sendable (String) -> Void

    /// A bar for a raster of `totalPixels` pixels (throughput is left out when `nil`), drawing
    /// on stderr from now on.
    init(totalPixels: Int?, write: @escaping @Sendable (String) -> Void = writeStderr) {
        self.totalPixels = totalPixels
        self.write = write
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "geokernel.progress"))
        timer.setEventHandler { [weak self] in self?.redraw() }
        timer.schedule(deadline: .now(), repeating: ProgressBar.interval)
        timer.resume()
    }

    private var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9 }

    func update(_ fraction: Double) {
        let t = elapsed
        lock.withLock { _ in
            self.fraction = min(1, max(self.fraction, fraction))
            if first == nil { first = (t, fraction) }
        }
    }

    func finish(completed: Bool) {
        timer.cancel()
        lock.withLock { _ in
            if !finished && !drawn.isEmpty { write("\r\u{1B}[K") }   // erase the bar, stay on its line
            finished = true
        }
    }

    /// Draws the current state when its text changed (timer queue).
    private func redraw() {
        let t = elapsed
        lock.withLock { _ in draw(at: t) }
    }

    /// `redraw`'s work, with the lock held.
    private func draw(at t: Double) {
        guard !finished else { return }
        // Fraction per second: since the first chunk, or over the whole time for that chunk itself.
        var rate: Double? = nil
        if let first {
            rate = fraction > first.fraction && t > first.seconds
                ? (fraction - first.fraction) / (t - first.seconds)
                : (first.seconds > 0 ? first.fraction / first.seconds : nil)
        }
        let line = ProgressBar.line(fraction: fraction, elapsed: t, rate: rate, totalPixels: totalPixels,
                                    columns: ProgressBar.terminalColumns())
        if line != drawn {
            write("\r" + line + "\u{1B}[K")
            drawn = line
        }
    }

    /// The bar's text: bar, percent, throughput, elapsed and ETA, at most `columns - 1` wide.
    /// - Parameter rate: fraction done per second, `nil` before it is known.
    static func line(fraction: Double, elapsed: Double, rate: Double?, totalPixels: Int?, columns: Int) -> String {
        let f = min(1, max(0, fraction))
        var tail = cFormat(" %3d%%", Int(f * 100))
        if let rate, let totalPixels, rate > 0 {
            tail += cFormat("  %.3g Mpixel/s", rate * Double(totalPixels) / 1e6)
        }
        tail += "  elapsed " + clock(elapsed)
        if let rate, rate > 0 { tail += "  ETA " + clock((1 - f) / rate) } else { tail += "  ETA --:--" }
        let room = min(50, columns - 1 - tail.count - 2)
        if room < 5 { return String(tail.drop { $0 == " " }.prefix(max(1, columns - 1))) }   // too narrow for a bar
        let filled = Int(f * Double(room))
        let bar = String(repeating: "=", count: filled) + (filled < room ? ">" : "")
            + String(repeating: " ", count: max(0, room - filled - 1))
        return String(("[" + bar + "]" + tail).prefix(max(1, columns - 1)))
    }

    /// `m:ss`, or `h:mm:ss` from an hour.
    static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds < 1e8 else { return "--:--" }
        let s = Int(seconds.rounded(.down))
        if s >= 3600 { return cFormat("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) }
        return cFormat("%d:%02d", s / 60, s % 60)
    }

    /// The terminal's width on stderr (`TIOCGWINSZ`), 80 when unknown.
    static func terminalColumns() -> Int {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }
}
