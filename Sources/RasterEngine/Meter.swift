import GDALKit
import RasterTiling

/// One worker's read clock and byte count for the chunk under way.
/// Thread safety: owned by one worker thread.
final class Meter {
    private(set) var seconds = 0.0
    private(set) var bytes = 0

    func reset() { seconds = 0; bytes = 0 }

    /// Runs a read, adding its duration and byte count.
    func read<R>(_ byteCount: Int, _ body: () throws -> R) rethrows -> R {
        let start = ContinuousClock.now
        defer { seconds += Meter.seconds(ContinuousClock.now - start); bytes += byteCount }
        return try body()
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
