/// A system call on the output file failed: which file (as messages name it), what was being
/// done, and the system's message (`No space left on device`). Thread safety: a plain value.
public struct BlockOutputError: Error, Sendable, CustomStringConvertible {
    public let path: String, context: String, reason: String

    /// Describes a failure.
    public init(path: String, context: String, reason: String) {
        self.path = path
        self.context = context
        self.reason = reason
    }

    /// `PATH: CONTEXT: REASON`.
    public var description: String { "\(path): \(context): \(reason)" }
}

extension BlockOutputError {
    /// A failed system call on `path` (the spelling `throw .fileSystem(…)` reads as).
    public static func fileSystem(path: String, context: String, reason: String) -> BlockOutputError {
        BlockOutputError(path: path, context: context, reason: reason)
    }
}
