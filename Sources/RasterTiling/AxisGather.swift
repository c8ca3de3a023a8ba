/// Where each position of a padded line (a tile plus its halo, along one axis) takes its
/// value from, and the few source ranges that must be read to fill it.
///
/// For `reflect`, `mirror` and `nearest` one range suffices; `wrap` may need the opposite edge
/// too (up to three ranges); `constant` positions outside the raster read nothing.
/// Thread safety: a plain value, `Sendable`.
public struct AxisGather: Sendable, Equatable {
    /// For each padded position, the index into the gathered (read) line, or `nil` for a
    /// constant-filled position.
    public let slots: [Int?]
    /// The source ranges to read, ascending and disjoint; gathered positions are these
    /// ranges laid end to end.
    public let runs: [Range<Int>]

    /// Plans the gather for padded positions `start ..< start + length` of a line of `count`.
    public init(start: Int, length: Int, count: Int, edge: EdgeMode) {
        precondition(count > 0 && length >= 0)
        if start >= 0 && start + length <= count {
            // Inside the line (most tiles): every position reads itself, one run.
            runs = length > 0 ? [start ..< start + length] : []
            slots = (0..<length).map { $0 }
            return
        }
        let sources = (0..<length).map { edge.sourceIndex(start + $0, count: count) }
        let unique = Array(Set(sources.compactMap { $0 })).sorted()
        var runs: [Range<Int>] = []
        var offsetOf: [Int: Int] = [:]
        offsetOf.reserveCapacity(unique.count)
        for (k, s) in unique.enumerated() {
            offsetOf[s] = k
            if let last = runs.last, last.upperBound == s {
                runs[runs.count - 1] = last.lowerBound ..< s + 1
            } else {
                runs.append(s ..< s + 1)
            }
        }
        self.runs = runs
        self.slots = sources.map { $0.map { offsetOf[$0]! } }
    }

    /// Number of gathered positions (the sum of the runs' lengths).
    public var gatheredCount: Int { runs.reduce(0) { $0 + $1.count } }
}
