import BlockOutput
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Progress as GDAL's command-line tools print it (`GDALTermProgress`), for logs that are not a
/// terminal: `0...10...20...30...40...50...60...70...80...90...100 - done.`, one character per
/// 2.5 %, written as the run passes each step, on stderr (GDAL's own goes to stdout, which
/// `--json` keeps for the report).
///
/// Thread safety: `@unchecked Sendable` is sound because `printed` is only read and written
/// while `lock` is held, and the text for a step is written under it, so steps never interleave.
final class GDALStyleProgress: ProgressDisplay, @unchecked Sendable {
    private let lock = Guarded(())
    /// Steps written so far (of 40); -1 before the first.
    private var printed = -1
    private let write: @Sendable (String) -> Void

    /// A display writing to `write` (stderr by default).
    init(write: @escaping @Sendable (String) -> Void = writeStderr) {
        self.write = write
    }

    /// The text that takes GDAL's progression from `printed` steps to `fraction`, and the new
    /// step count: one character per step of 2.5 %, the tens as numbers, ` - done.` at 100 %.
    static func advance(from printed: Int, to fraction: Double) -> (text: String, printed: Int) {
        let tick = min(40, max(0, Int(fraction * 40)))
        guard tick > printed else { return ("", printed) }
        var text = ""
        for t in (printed + 1)...tick { text += t % 4 == 0 ? String(t / 4 * 10) : "." }
        if tick == 40 { text += " - done.\n" }
        return (text, tick)
    }

    func update(_ fraction: Double) {
        lock.withLock { _ in
            let (text, now) = GDALStyleProgress.advance(from: printed, to: fraction)
            printed = now
            if !text.isEmpty { write(text) }
        }
    }

    func finish(completed: Bool) {
        if completed { update(1) }
        lock.withLock { _ in
            if printed >= 0 && printed < 40 { write("\n") }   // a failed run: end the line for the error
            printed = 40
        }
    }
}
