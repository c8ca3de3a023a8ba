#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Which partition of a scaled-out run to compute (`--partition I/N`): partition `index`
/// (0-based) of `count`. Thread safety: a plain value, `Sendable`.
public struct PartitionChoice: Sendable, Equatable, CustomStringConvertible {
    /// 0-based, below `count`.
    public var index: Int
    /// The number of partitions, at least 1.
    public var count: Int

    /// Most partitions accepted.
    public static let maximumCount = 1_000_000

    /// The environment variables `--partition env/N` reads, in order: a Kubernetes Indexed
    /// Job's and an AWS Batch array job's index.
    public static let indexVariables = ["JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX"]

    /// Parses `I/N`, or `env/N` with I from the first of `indexVariables` that is set.
    /// - Throws: `EngineError.badOption`, one line saying what is wrong.
    public init(parsing text: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(EngineError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 else {
            throw .badOption("--partition: '\(text)' is not I/N (partition I, 0-based, of N; or env/N)")
        }
        guard let n = Int(parts[1]), n >= 1, n <= PartitionChoice.maximumCount else {
            throw .badOption("--partition: the number of partitions must be an integer from 1 to "
                             + "\(PartitionChoice.maximumCount), not '\(parts[1])'")
        }
        var indexText = parts[0], source = ""
        if indexText == "env" {
            guard let name = PartitionChoice.indexVariables.first(where: { environment[$0] != nil }) else {
                throw .badOption("--partition env/\(n): none of "
                                 + PartitionChoice.indexVariables.joined(separator: ", ") + " is set")
            }
            indexText = environment[name]!.trimmingBlanks()
            source = " (from \(name))"
        }
        guard let i = Int(indexText), i >= 0, i < n else {
            throw .badOption("--partition: the partition index must be an integer from 0 to \(n - 1), "
                             + "not '\(indexText)'\(source)")
        }
        index = i
        count = n
    }

    /// `I/N`.
    public var description: String { "\(index)/\(count)" }
}
