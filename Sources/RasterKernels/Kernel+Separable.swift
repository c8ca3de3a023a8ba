extension Kernel {
    /// The kernel as an outer product `column ⊗ row` when it has rank 1 (box, Gaussian, Sobel,
    /// any 1×N or N×1), within 1e-12 of its largest weight; `nil` otherwise.
    /// `self[c, r] ≈ column[r] * row[c]`.
    public var separableFactors: (column: [Double], row: [Double])? {
        guard let pivotIndex = values.indices.max(by: { abs(values[$0]) < abs(values[$1]) }) else { return nil }
        let pivot = values[pivotIndex]
        guard pivot != 0 else { return nil }
        let p = pivotIndex / width, q = pivotIndex % width
        let row = (0..<width).map { self[$0, p] }
        let column = (0..<height).map { self[q, $0] / pivot }
        let tolerance = 1e-12 * abs(pivot)
        for r in 0..<height {
            for c in 0..<width where abs(self[c, r] - column[r] * row[c]) > tolerance { return nil }
        }
        return (column, row)
    }

    /// Whether the engine convolves this kernel as two 1-D passes.
    public var isSeparable: Bool { separableFactors != nil }
}
