import RasterTiling

/// The quick look: panels side by side on one image, at the same extent — the input,
/// the selection (the input in grey, selected pixels tinted), the output, and the difference
/// |output − input| (black where zero).
/// Input and output share one stretch per band (2–98 % of the input's valid samples), so a
/// colour change between them is a change of value. Invalid pixels are transparent; cells
/// never sampled are hatched grey. Three shown bands make an RGBA image; one makes an indexed
/// one (`palette`: 128 greys, 64 tints, transparent), a quarter of the bytes to encode.
/// Thread safety: a plain value, `Sendable`.
public struct QuickLookImage: Sendable {
    /// One panel's name and place on the image.
    public struct Panel: Sendable, Equatable {
        public var name: String
        public var window: Window
    }

    /// Image size in pixels.
    public let width: Int, height: Int
    /// Red, green, blue and alpha planes one after another, each `width × height`, row-major; with a
    /// `palette`, one plane of indices into it.
    public private(set) var pixels: [UInt8]
    /// A grey quick look's colours: red, green, blue, alpha of each index in turn (index 0 is
    /// transparent); `nil` for an RGB one.
    public let palette: [UInt8]?
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
        let panels = names.enumerated().map { k, name in
            Panel(name: name, window: Window(x: (k % 2) * (w + gap), y: (k / 2) * (h + gap), width: w, height: h))
        }
        self.panels = panels
        let width = 2 * w + gap, height = four ? 2 * h + gap : h
        self.width = width
        self.height = height
        let include = zip(samples.inputValid, samples.known).map { $0 & $1 }
        let stretches = samples.input.map { Stretch.percentiles($0, include: include) }
        self.stretches = stretches
        let differences = four ? QuickLookImage.differences(samples, stretches) : []
        let white = four ? QuickLookImage.white(differences, samples) : nil
        differenceWhite = white
        let inLevels = QuickLookImage.levels(samples.input, stretches)
        let outLevels = samples.output.map { QuickLookImage.levels($0, stretches) }
        let grey = samples.bandCount < 3
        palette = grey ? IndexCanvas.palette : nil
        var pixels = [UInt8](repeating: 0, count: (grey ? 1 : 4) * width * height)
        pixels.withUnsafeMutableBufferPointer { buf in
            func draw<C: Canvas>(_ canvas: C) {
                QuickLookImage.drawValues(inLevels, valid: samples.inputValid, samples, canvas, at: panels[0].window)
                QuickLookImage.drawSelection(inLevels, samples, canvas, at: panels[1].window)
                if let outLevels {
                    QuickLookImage.drawValues(outLevels, valid: samples.outputValid, samples, canvas,
                                              at: panels[2].window)
                    QuickLookImage.drawDifference(differences, white: white, samples, canvas, at: panels[3].window)
                }
            }
            if grey {
                draw(IndexCanvas(base: buf.baseAddress!, width: width))
            } else {
                draw(PlaneCanvas(base: buf.baseAddress!, width: width, plane: width * height))
            }
        }
        self.pixels = pixels
    }

    /// The panel named `name`.
    public func panel(_ name: String) -> Panel? { panels.first { $0.name == name } }

    // MARK: - Drawing

    /// Where the panels are drawn.
    protocol Canvas {
        /// Pixel (x, y) in a colour (a grey when `r`, `g` and `b` are equal).
        func put(_ x: Int, _ y: Int, _ r: UInt8, _ g: UInt8, _ b: UInt8)
        /// Pixel (x, y) tinted, over a dimmed `grey` (40 to 193).
        func putTinted(_ x: Int, _ y: Int, grey: Double)
    }

    /// Red, green, blue and alpha planes.
    struct PlaneCanvas: Canvas {
        let base: UnsafeMutablePointer<UInt8>
        let width: Int, plane: Int

        @inline(__always)
        func put(_ x: Int, _ y: Int, _ r: UInt8, _ g: UInt8, _ b: UInt8) {
            let i = y * width + x
            base[i] = r; base[plane + i] = g; base[2 * plane + i] = b; base[3 * plane + i] = 255
        }

        @inline(__always)
        func putTinted(_ x: Int, _ y: Int, grey: Double) {
            let (r, g, b) = QuickLookImage.tinted(grey)
            put(x, y, r, g, b)
        }
    }

    /// A plane of palette indices, for one shown band: greys `1 ... greyLevels` and tints after them.
    struct IndexCanvas: Canvas {
        let base: UnsafeMutablePointer<UInt8>
        let width: Int

        static let greyLevels = 128, tintLevels = 64
        /// The grey index nearest each level 0–255.
        static let greyIndex: [UInt8] = (0..<256).map { UInt8(1 + ($0 * (greyLevels - 1) + 127) / 255) }
        /// Transparent, the greys, then the tints of dimmed greys 40–193 in equal steps.
        static let palette: [UInt8] = {
            var p: [UInt8] = [0, 0, 0, 0]
            for k in 0..<greyLevels {
                let v = UInt8((k * 255 + (greyLevels - 1) / 2) / (greyLevels - 1))
                p += [v, v, v, 255]
            }
            for t in 0..<tintLevels {
                let (r, g, b) = QuickLookImage.tinted(40 + 153 * (Double(t) + 0.5) / Double(tintLevels))
                p += [r, g, b, 255]
            }
            return p
        }()

        @inline(__always)
        func put(_ x: Int, _ y: Int, _ r: UInt8, _ g: UInt8, _ b: UInt8) {
            base[y * width + x] = IndexCanvas.greyIndex[Int(r)]
        }

        @inline(__always)
        func putTinted(_ x: Int, _ y: Int, grey: Double) {
            let t = min(IndexCanvas.tintLevels - 1, max(0, Int((grey - 40) * Double(IndexCanvas.tintLevels) / 153)))
            base[y * width + x] = UInt8(1 + IndexCanvas.greyLevels + t)
        }
    }

    /// The tint over a dimmed grey.
    @inline(__always)
    static func tinted(_ grey: Double) -> (UInt8, UInt8, UInt8) {
        let base = 0.35 * grey, (tr, tg, tb) = tint
        return (UInt8(base + 0.65 * tr), UInt8(base + 0.65 * tg), UInt8(base + 0.65 * tb))
    }

    @inline(__always)
    private static func hatch(_ x: Int, _ y: Int) -> UInt8 { (x + y) / 4 % 2 == 0 ? 72 : 104 }

    /// Red, green and blue levels of every cell through the shared stretches (grey: one band thrice).
    private static func levels(_ values: [[Double]], _ stretches: [Stretch]) -> [[UInt8]] {
        let planes = values.indices.map { b in values[b].map { stretches[b].level($0) } }
        return planes.count >= 3 ? Array(planes.prefix(3)) : [planes[0], planes[0], planes[0]]
    }

    private static func drawValues<C: Canvas>(_ levels: [[UInt8]], valid: [UInt8], _ s: SamplePlanes, _ c: C,
                                              at p: Window) {
        let r = levels[0], g = levels[1], b = levels[2]
        for y in 0..<s.height {
            for x in 0..<s.width {
                let i = y * s.width + x
                if s.known[i] == 0 { let h = hatch(x, y); c.put(p.x + x, p.y + y, h, h, h); continue }
                if valid[i] == 0 { continue }   // transparent
                c.put(p.x + x, p.y + y, r[i], g[i], b[i])
            }
        }
    }

    private static func drawSelection<C: Canvas>(_ levels: [[UInt8]], _ s: SamplePlanes, _ c: C, at p: Window) {
        let r = levels[0], g = levels[1], b = levels[2]
        for y in 0..<s.height {
            for x in 0..<s.width {
                let i = y * s.width + x
                var grey: Double
                if s.known[i] == 0 {
                    grey = Double(hatch(x, y))
                } else if s.inputValid[i] == 0 {
                    continue
                } else {
                    grey = 0.299 * Double(r[i]) + 0.587 * Double(g[i]) + 0.114 * Double(b[i])
                }
                grey = 40 + 0.6 * grey   // dimmed, so the tint stands out
                if s.selected[i] != 0 {
                    c.putTinted(p.x + x, p.y + y, grey: grey)
                } else {
                    let v = UInt8(grey)
                    c.put(p.x + x, p.y + y, v, v, v)
                }
            }
        }
    }

    /// Per cell, the largest band difference as a fraction of that band's stretch range
    /// (0 where equal, NaN equal to NaN; infinity where only one side is NaN).
    private static func differences(_ s: SamplePlanes, _ stretches: [Stretch]) -> [Double] {
        guard let out = s.output else { return [] }
        var d = [Double](repeating: 0, count: s.count)
        for b in 0..<s.bandCount {
            let o = out[b], v = s.input[b], range = stretches[b].range
            for i in 0..<s.count where o[i] != v[i] && !(o[i].isNaN && v[i].isNaN) {
                let e = abs(o[i] - v[i]) / range
                d[i] = max(d[i], e.isNaN ? .infinity : e)
            }
        }
        return d
    }

    /// The 98th percentile of the non-zero differences, drawn white; `nil` when all are zero.
    private static func white(_ d: [Double], _ s: SamplePlanes) -> Double? {
        var nonzero: [Double] = []
        for i in 0..<s.count where d[i] > 0 && d[i].isFinite && s.known[i] & s.inputValid[i] & s.outputValid[i] != 0 {
            nonzero.append(d[i])
        }
        guard !nonzero.isEmpty else { return nil }
        let step = max(1, nonzero.count / Stretch.maximumSamples)
        var picked = stride(from: 0, to: nonzero.count, by: step).map { nonzero[$0] }
        return OrderStatistic.select(Int((0.98 * Double(picked.count - 1)).rounded()), in: &picked)
    }

    private static func drawDifference<C: Canvas>(_ d: [Double], white: Double?, _ s: SamplePlanes, _ c: C,
                                                  at p: Window) {
        let floor = Double(differenceFloor)
        for y in 0..<s.height {
            for x in 0..<s.width {
                let i = y * s.width + x
                if s.known[i] == 0 { c.put(p.x + x, p.y + y, 0, 0, 0); continue }   // never rewritten: zero
                if s.inputValid[i] == 0 || s.outputValid[i] == 0 { continue }
                guard d[i] > 0, let white else { c.put(p.x + x, p.y + y, 0, 0, 0); continue }
                let v = UInt8(min(255, floor + (255 - floor) * min(1, d[i] / white)))
                c.put(p.x + x, p.y + y, v, v, v)
            }
        }
    }
}
