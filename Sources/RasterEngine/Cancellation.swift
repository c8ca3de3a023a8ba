import Synchronization

/// A flag set from a signal handler (or anywhere) and polled by the workers between tiles.
/// Thread safety: `Sendable`, lock-free.
public final class Cancellation: Sendable {
    private let signal = Atomic<Int32>(0)
    /// A flag that is not set.
    public init() {}
    /// Asks the run to stop; `signal` is what the exit code reports (128 + signal).
    public func cancel(signal s: Int32) { signal.store(s, ordering: .relaxed) }
    /// The signal that cancelled the run, 0 when not cancelled.
    public var cancelledBy: Int32 { signal.load(ordering: .relaxed) }
}
