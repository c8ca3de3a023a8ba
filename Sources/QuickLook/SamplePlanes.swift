/// What a quick look is drawn from: one value per cell of a sample grid for each shown band
/// of the input and (when there is one) the output, and per cell whether it is selected,
/// whether input and output are valid there (not nodata, not NaN), and whether it was sampled
/// at all (`known`: a block the run never read is not). Planes are row-major, `width × height`.
/// Thread safety: a plain value, `Sendable`.
public struct SamplePlanes: Sendable, Equatable {
    /// The grid's size.
    public var width: Int, height: Int
    /// Per shown band (1 for grey, 3 for RGB), the input's values.
    public var input: [[Double]]
    /// Per shown band, the output's values; `nil` draws the input and selection panels only.
    public var output: [[Double]]?
    /// 1 where the input (the output) is valid.
    public var inputValid: [UInt8], outputValid: [UInt8]
    /// 1 where the selection chose the cell's pixel.
    public var selected: [UInt8]
    /// 1 where the cell was sampled; others are drawn hatched.
    public var known: [UInt8]

    /// Planes of `bands` bands, every cell valid, known and unselected, values 0.
    public init(width: Int, height: Int, bands: Int, withOutput: Bool) {
        let n = width * height
        self.width = width
        self.height = height
        input = Array(repeating: Array(repeating: 0, count: n), count: bands)
        output = withOutput ? input : nil
        inputValid = Array(repeating: 1, count: n)
        outputValid = inputValid
        selected = Array(repeating: 0, count: n)
        known = inputValid
    }

    /// Number of cells.
    public var count: Int { width * height }
    /// Number of shown bands.
    public var bandCount: Int { input.count }
}
