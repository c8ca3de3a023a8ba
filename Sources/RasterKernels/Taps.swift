/// A kernel prepared for correlation over a halo-padded buffer: the flipped weights with
/// zeros dropped, in row-major order (scipy also skips zero weights).
/// Thread safety: a plain value, `Sendable`.
public struct Taps: Sendable {
    /// One non-zero weight and where it reads, relative to the output pixel's top-left of
    /// its padded neighbourhood.
    public struct Tap: Sendable, Equatable {
        /// Row and column in the padded neighbourhood, and the weight.
        public let row: Int, column: Int, weight: Double
    }

    /// The non-zero taps, rows top to bottom, columns left to right.
    public let taps: [Tap]
    /// For a rank-1 kernel: the flipped 1-D factors' non-zero taps, as (offset, weight);
    /// the horizontal pass uses `rowTaps`, then the vertical pass `columnTaps`.
    public let rowTaps: [(offset: Int, weight: Double)]?
    /// The vertical pass's taps (see `rowTaps`).
    public let columnTaps: [(offset: Int, weight: Double)]?
    /// The kernel's size, sum and halo.
    public let width: Int, height: Int, kernelSum: Double

    /// Prepares a kernel.
    public init(_ kernel: Kernel) {
        let f = kernel.flipped
        var t: [Tap] = []
        for j in 0..<kernel.height {
            for i in 0..<kernel.width where f[j * kernel.width + i] != 0 {
                t.append(Tap(row: j, column: i, weight: f[j * kernel.width + i]))
            }
        }
        taps = t
        if let f = kernel.separableFactors {
            rowTaps = f.row.reversed().enumerated().filter { $0.element != 0 }.map { ($0.offset, $0.element) }
            columnTaps = f.column.reversed().enumerated().filter { $0.element != 0 }.map { ($0.offset, $0.element) }
        } else {
            rowTaps = nil
            columnTaps = nil
        }
        width = kernel.width
        height = kernel.height
        kernelSum = kernel.sum
    }
}
