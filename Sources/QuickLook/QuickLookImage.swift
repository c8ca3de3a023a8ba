import RasterTiling

/// The quick look: panels side by side on one RGBA image, at the same extent — the input,
/// the selection (the input in grey, selected pixels tinted), the output, and the difference
/// |output − input| (black where zero). Band planes `red`, `green`, `blue`, `alpha`, row-major.
/// Input and output share one stretch per band (2–98 % of the input's valid samples), so a
/// colour change between them is a change of value. Invalid pixels are transparent; cells
/// never sampled are hatched grey. Thread safety: a plain value, `Sendable`.
public struct QuickLookImage: Sendable {
    /// One panel's name and place on the image.
    public struct Panel: Sendable, Equatable {
        public var name: String
        public var window: Window
    }

    /// Image size in pixels.
    public let width: Int, height: Int
    /// Red, green, blue and alpha planes.
    public private(set) var planes: [[UInt8]]
    /// The panels, in reading order.
    public let panels: [Panel]
    /// The stretch of each shown band.
    public let stretches: [Stretch]
    /// The difference drawn white, as a fraction of each band's stretch range (`nil`: no
    /// difference panel, or every difference is zero).
    public let differenceWhite: Double?

    /// Pixels between panels (transparent).
    public static let gap = 8
    /// Any non-zero difference is drawn at least this bright, so a changed pixel is never black.
    public static let differenceFloor: UInt8 = 48
    /// The tint of selected pixels (magenta: neither water nor vegetation).
    static let tint: (Double, Double, Double) = (235, 40, 205)

    /// Draws the panels of `samples`: two (input, selection) without an output, else four in a
    /// 2 × 2 grid (input, selection / output, difference).
    public init(_ samples: SamplePlanes) {
        let w = samples.width, h = samples.height, gap = QuickLookImage.gap
        let four = samples.output != nil
        let names = four ? ["input", "selection", "output", "difference"] : ["input", "selection"]
        panels = names.enumerated().map { k, name in
            Panel(name: name, window: Window(x: (k % 2) * (w + gap), y: (k / 2) * (h + gap), width: w, height: h))
        }
        width = 2 * w + gap
        height = four ? 2 * h + gap : h
        planes = Array(repeating: Array(repeating: 0, count: width * height), count: 4)
        let include = zip(samples.inputValid, samples.known).map { $0 & $1 }
        stretches = samples.input.map { Stretch.percentiles($0, include: include) }
        let scale = four ? QuickLookImage.differenceScale(samples, stretches) : nil
        differenceWhite = scale
        drawValues(samples.input, valid: samples.inputValid, samples, at: panels[0].window)
        drawSelection(samples, at: panels[1].window)
        if let out = samples.output {
            drawValues(out, valid: samples.outputValid, samples, at: panels[2].window)
            drawDifference(samples, white: scale, at: panels[3].window)
        }
    }

    /// The panel named `name`.
    public func panel(_ name: String) -> Panel? { panels.first { $0.name == name } }

    // MARK: - Drawing

    private mutating func put(_ x: Int, _ y: Int, _ r: UInt8, _ g: UInt8, _ b: UInt8, _ a: UInt8 = 255) {
        let i = y * width + x
        planes[0][i] = r; planes[1][i] = g; planes[2][i] = b; planes[3][i] = a
    }

    private static func hatch(_ x: Int, _ y: Int) -> UInt8 { (x + y) / 4 % 2 == 0 ? 72 : 104 }

    /// Grey or RGB levels of cell `i` through the shared stretches.
    private func levels(_ values: [[Double]], _ i: Int) -> (UInt8, UInt8, UInt8) {
        if values.count >= 3 {
            return (stretches[0].level(values[0][i]), stretches[1].level(values[1][i]), stretches[2].level(values[2][i]))
        }
        let g = stretches[0].level(values[0][i])
        return (g, g, g)
    }

    private mutating func drawValues(_ values: [[Double]], valid: [UInt8], _ s: SamplePlanes, at p: Window) {
        for y in 0..<s.height {
            for x in 0..<s.width {
                let i = y * s.width + x
                if s.known[i] == 0 { let g = QuickLookImage.hatch(x, y); put(p.x + x, p.y + y, g, g, g); continue }
                if valid[i] == 0 { continue }   // transparent
                let (r, g, b) = levels(values, i)
                put(p.x + x, p.y + y, r, g, b)
            }
        }
    }

    private mutating func drawSelection(_ s: SamplePlanes, at p: Window) {
        let (tr, tg, tb) = QuickLookImage.tint
        for y in 0..<s.height {
            for x in 0..<s.width {
                let i = y * s.width + x
                var grey: Double
                if s.known[i] == 0 {
                    grey = Double(QuickLookImage.hatch(x, y))
                } else if s.inputValid[i] == 0 {
                    continue
                } else {
                    let (r, g, b) = levels(s.input, i)
                    grey = 0.299 * Double(r) + 0.587 * Double(g) + 0.114 * Double(b)
                }
                grey = 40 + 0.6 * grey   // dimmed, so the tint stands out
                if s.selected[i] != 0 {
                    func mix(_ t: Double) -> UInt8 { UInt8((0.35 * grey + 0.65 * t).rounded()) }
                    put(p.x + x, p.y + y, mix(tr), mix(tg), mix(tb))
                } else {
                    let g = UInt8(grey.rounded())
                    put(p.x + x, p.y + y, g, g, g)
                }
            }
        }
    }

    /// The largest band difference of cell `i`, as a fraction of that band's stretch range.
    private static func difference(_ s: SamplePlanes, _ stretches: [Stretch], _ i: Int) -> Double {
        guard let out = s.output else { return 0 }
        var d = 0.0
        for b in 0..<s.bandCount {
            let v = out[b][i], o = s.input[b][i]
            if v == o || (v.isNaN && o.isNaN) { continue }
            let e = abs(v - o) / stretches[b].range
            d = max(d, e.isNaN ? .infinity : e)
        }
        return d
    }

    /// The 98th percentile of the non-zero differences, drawn white; `nil` when all are zero.
    private static func differenceScale(_ s: SamplePlanes, _ stretches: [Stretch]) -> Double? {
        var nonzero: [Double] = []
        for i in 0..<s.count where s.known[i] != 0 && s.inputValid[i] != 0 && s.outputValid[i] != 0 {
            let d = difference(s, stretches, i)
            if d > 0 && d.isFinite { nonzero.append(d) }
        }
        guard !nonzero.isEmpty else { return nil }
        let step = max(1, nonzero.count / Stretch.maximumSamples)
        let picked = stride(from: 0, to: nonzero.count, by: step).map { nonzero[$0] }.sorted()
        return picked[Int((0.98 * Double(picked.count - 1)).rounded())]
    }

    private mutating func drawDifference(_ s: SamplePlanes, white: Double?, at p: Window) {
        let floor = Double(QuickLookImage.differenceFloor)
        for y in 0..<s.height {
            for x in 0..<s.width {
                let i = y * s.width + x
                if s.known[i] == 0 { put(p.x + x, p.y + y, 0, 0, 0); continue }   // never rewritten: zero
                if s.inputValid[i] == 0 || s.outputValid[i] == 0 { continue }
                let d = QuickLookImage.difference(s, stretches, i)
                guard d > 0, let white else { put(p.x + x, p.y + y, 0, 0, 0); continue }
                let g = UInt8(min(255, floor + (255 - floor) * min(1, d / white)).rounded())
                put(p.x + x, p.y + y, g, g, g)
            }
        }
    }
}
