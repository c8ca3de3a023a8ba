import RasterKernels
import RasterTiling
import Testing

@Suite struct KernelParsingTests {
    @Test func inlineMatrix() throws {
        let k = try Kernel(parsingInline: "0,-1,0;-1,5,-1;0,-1,0")
        #expect(k.width == 3 && k.height == 3)
        #expect(k.values == [0, -1, 0, -1, 5, -1, 0, -1, 0])
        #expect(k.sum == 1)
    }

    @Test func inlineAcceptsSpacesFractionsAndTrailingSemicolon() throws {
        let k = try Kernel(parsingInline: " 1/9, 1/9 ; 1/9 ,1/9;")
        #expect(k.width == 2 && k.height == 2)
        #expect(k.values.allSatisfy { $0 == 1.0 / 9 })
    }

    @Test func fileTextWithCommentsBlankLinesAndMixedSeparators() throws {
        let text = """
        # a 3x2 kernel
        1 2, 3   # first row

        4\t5 6
        """
        let k = try Kernel(parsingText: text)
        #expect(k.width == 3 && k.height == 2)
        #expect(k.values == [1, 2, 3, 4, 5, 6])
    }

    @Test func badValueNamesRowAndColumn() {
        #expect(throws: KernelError.notANumber(row: 2, column: 3,
                                               text: "x")) { try Kernel(parsingInline: "1,2,3;4,5,x") }
        #expect(throws: KernelError.notANumber(row: 1, column: 2, text: "abc")) { try Kernel(parsingText: "1 abc\n") }
        let e = KernelError.notANumber(row: 2, column: 3, text: "x")
        #expect(e.description.contains("row 2") && e.description.contains("column 3"))
    }

    @Test func emptyRaggedNonFiniteAndTooLarge() {
        #expect(throws: KernelError.empty) { try Kernel(parsingText: "# nothing\n\n") }
        #expect(throws: KernelError.ragged(row: 2, count: 2, expected: 3)) { try Kernel(parsingInline: "1,2,3;4,5") }
        #expect(throws: KernelError.self) { try Kernel(parsingInline: "1,nan") }
        #expect(throws: KernelError.self) { try Kernel(parsingInline: "1,inf") }
        #expect(throws: KernelError.self) { try Kernel(parsingInline: "1,1e999") }
        #expect(throws: KernelError.notANumber(row: 1, column: 2, text: "")) { try Kernel(parsingInline: "1,,2") }
        let big = Array(repeating: "1", count: Kernel.maximumSize + 1).joined(separator: ",")
        #expect(throws: KernelError.tooLarge(width: Kernel.maximumSize + 1, height: 1, limit: Kernel.maximumSize)) {
            try Kernel(parsingInline: big)
        }
    }

    @Test func accepts101x101AndEvenSizes() throws {
        let row = Array(repeating: "1", count: 101).joined(separator: " ")
        let k = try Kernel(parsingText: Array(repeating: row, count: 101).joined(separator: "\n"))
        #expect(k.width == 101 && k.height == 101)
        let even = try Kernel(parsingInline: "1,2,3,4;5,6,7,8")
        #expect(even.halo.left == 1 && even.halo.right == 2 && even.halo.top == 0 && even.halo.bottom == 1)
    }
}

@Suite struct KernelPresetTests {
    @Test func fixedPresets() throws {
        #expect(try KernelPreset.kernel("identity").values == [1])
        #expect(try KernelPreset.kernel("sharpen").values == [0, -1, 0, -1, 5, -1, 0, -1, 0])
        #expect(try KernelPreset.kernel("laplacian").sum == 0)
        #expect(try KernelPreset.kernel("sobel-x").values == [1, 0, -1, 2, 0, -2, 1, 0, -1])
        #expect(try KernelPreset.kernel("sobel-y").values == [1, 2, 1, 0, 0, 0, -1, -2, -1])
        #expect(try KernelPreset.kernel("emboss").width == 3)
    }

    @Test func boxAndGaussian() throws {
        let box = try KernelPreset.kernel("box:5")
        #expect(box.width == 5 && box.height == 5 && abs(box.sum - 1) < 1e-12)
        let g = try KernelPreset.kernel("gaussian:1.5")
        #expect(g.width == 11 && g.height == 11)   // radius ceil(4.5) = 5
        #expect(abs(g.sum - 1) < 1e-12)
        #expect(g[5, 5] == g.values.max())
        #expect(g[0, 5] == g[10, 5] && g[5, 0] == g[0, 5])
    }

    @Test func badPresets() {
        #expect(throws: KernelError.unknownPreset("blur")) { try KernelPreset.kernel("blur") }
        #expect(throws: KernelError.self) { try KernelPreset.kernel("box:0") }
        #expect(throws: KernelError.self) { try KernelPreset.kernel("box:x") }
        #expect(throws: KernelError.self) { try KernelPreset.kernel("gaussian:-1") }
        #expect(throws: KernelError.self) { try KernelPreset.kernel("gaussian:1000") }
        #expect(throws: KernelError.self) { try KernelPreset.kernel("sharpen:2") }
    }
}

@Suite struct RenormalizeTests {
    @Test func invalidNeighboursAreLeftOutAndWeightsRescaled() throws {
        // 3x1 box over [10, nodata, 20]: centre invalid is untouched; edges renormalize.
        let k = try Kernel(rows: [[1, 1, 1]])
        let out = ReferenceConvolution.apply(image: [10, -9999, 20, 30], width: 4, height: 1, kernel: k, edge: .nearest,
                                             valid: [true, false, true, true])
        #expect(out[1] == -9999)
        #expect(out[0] == (10 + 10) * (3.0 / 2.0))      // left neighbour (nearest) 10, right invalid
        #expect(out[2] == (20 + 30) * (3.0 / 2.0))
        #expect(out[3] == 20 + 30 + 30)
    }

    @Test func zeroSumKernelGivesInvalidNeighboursTheCentreValue() throws {
        let k = try Kernel(rows: [[-1, 2, -1]])
        let out = ReferenceConvolution.apply(image: [5, 7, 0, 9], width: 4, height: 1, kernel: k, edge: .nearest,
                                             valid: [true, true, false, true])
        // pixel 1: neighbours 5 (valid) and pixel 2 (invalid -> takes centre 7)
        #expect(out[1] == -5 + 14 - 7)
    }

    @Test func ignoreUsesNodataAsNumbers() throws {
        let k = try Kernel(rows: [[1, 1, 1]])
        let out = ReferenceConvolution.apply(image: [1, 100, 1], width: 3, height: 1, kernel: k, edge: .nearest,
                                             policy: .ignore, valid: [true, false, true])
        #expect(out[0] == 102 && out[1] == 100 && out[2] == 102)
    }

}

@Suite struct SeparableTests {
    @Test func rankOneKernelsAreDetected() throws {
        for spec in ["box:5", "gaussian:1.5", "sobel-x", "sobel-y", "identity"] {
            let k = try KernelPreset.kernel(spec)
            let f = try #require(k.separableFactors, "\(spec)")
            for r in 0..<k.height { for c in 0..<k.width { #expect(abs(k[c, r] - f.column[r] * f.row[c]) < 1e-15) } }
        }
        #expect(try Kernel(parsingInline: "1,2,3").isSeparable)
        #expect(try Kernel(parsingInline: "2,4;3,6").isSeparable)
        for spec in ["sharpen", "laplacian", "emboss"] { #expect(!(try KernelPreset.kernel(spec).isSeparable)) }
        #expect(!(try Kernel(parsingInline: "1,2;3,4").isSeparable))
        #expect(!(try Kernel(parsingInline: "0,0;0,0").isSeparable))
    }

    @Test func separableReferenceStaysWithinRoundingOfTheDirectSum() throws {
        let k = try KernelPreset.kernel("gaussian:2")
        let w = 23, h = 17
        let image = (0..<(w * h)).map { Double(($0 * 7919) % 1000) }
        let fast = ReferenceConvolution.apply(image: image, width: w, height: h, kernel: k, edge: .reflect)
        // The direct 2-D sum of the same kernel, written out here.
        let halo = k.halo
        for y in 0..<h {
            for x in 0..<w {
                var s = 0.0
                for j in 0..<k.height { for i in 0..<k.width {
                    let sy = EdgeMode.reflect.sourceIndex(y + halo.bottom - j, count: h)!
                    let sx = EdgeMode.reflect.sourceIndex(x + halo.right - i, count: w)!
                    s += k[i, j] * image[sy * w + sx]
                } }
                #expect(abs(s - fast[y * w + x]) <= 1e-9 * 1000)
            }
        }
    }
}
