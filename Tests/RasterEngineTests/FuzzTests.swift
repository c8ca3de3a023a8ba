import Foundation
import RasterEngine
import RasterKernels
import TestSupport
import Testing

/// Hostile text never crashes or hangs the parsers: every input either parses into a
/// consistent value or is refused with a one-line message.
@Suite struct FuzzTests {
    static let alphabet: [Character] = Array("0123456789.,;:-+eE/ \t\n#xabox:gaussian sharpen-é∞\u{0}") + ["\r", "1",
                                                                                                           "0"]
    static let seeds: [UInt64] = [1, 2, 3, 4]

    func checkKernel(_ k: Kernel) {
        #expect(k.width >= 1 && k.height >= 1 && k.width <= Kernel.maximumSize && k.height <= Kernel.maximumSize)
        #expect(k.values.count == k.width * k.height)
        #expect(k.values.allSatisfy { $0.isFinite })
    }

    func checkMessage(_ text: String) {
        #expect(!text.isEmpty)
        #expect(!text.contains("\n"), "one line: \(text)")
    }

    @Test(arguments: seeds)
    func kernelParsersOnRandomAndMutatedText(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let valid = ["0,-1,0;-1,5,-1;0,-1,0", "1 2 3\n4 5 6\n", "# c\n1/9 1/9\n1/9 1/9", "box:3", "gaussian:1.5",
                     "1e3,-2.5E-2"]
        for i in 0..<1500 {
            let text = i % 2 == 0 ? rng.string(from: FuzzTests.alphabet, maxLength: 40)
                                  : rng.mutate(valid.randomElement(using: &rng)!, alphabet: FuzzTests.alphabet)
            for parse in [{ try Kernel(parsingInline: text) }, { try Kernel(parsingText: text) },
                          { try KernelPreset.kernel(text) }] as [() throws -> Kernel] {
                do { checkKernel(try parse()) } catch let e as KernelError { checkMessage(e.description) } catch {
                    Issue.record("unexpected error \(error) for \(text.debugDescription)")
                }
            }
            if !text.contains("/") || text.count < 3 {   // never look up random paths that might exist
                do { checkKernel(try KernelSource.resolve(text)) } catch { checkMessage(error.description) }
            }
        }
    }

    @Test(arguments: seeds)
    func whereExpressionsOnRandomAndMutatedText(seed: UInt64) {
        var rng = SeededRandom(seed: seed &+ 100)
        let alphabet: [Character] = Array("b12309.e+-*/()<>=!&|nodata( ) \t") + ["\u{0}", "é"]
        let valid = ["b1 > 1200", "(b4 - b3) / (b4 + b3) > 0.3 && b1 < 3000", "!nodata(b2) || b1 == 0", "-b1 <= -3e2"]
        for i in 0..<2000 {
            let text = i % 2 == 0 ? rng.string(from: alphabet, maxLength: 30)
                                  : rng.mutate(valid.randomElement(using: &rng)!, alphabet: alphabet)
            do {
                let e = try SelectionExpression(parsing: text)
                let bands = e.bands
                #expect(bands.allSatisfy { $0 >= 1 })
                let picked = e.select(count: 3, value: { b in [Double(b), 0, .nan] }, invalid: { _ in [0, 1, 0] })
                #expect(picked.count == 3 && picked.allSatisfy { $0 <= 1 })
            } catch {
                checkMessage(error.description)
                #expect(error.position >= 1 && error.position <= text.unicodeScalars.count + 1)
            }
        }
        // B1 is b1.
        let upper = try? SelectionExpression(parsing: "B1 > 1 && !nodata(B2)")
        let lower = try? SelectionExpression(parsing: "b1 > 1 && !nodata(b2)")
        #expect(upper != nil && upper?.bands == lower?.bands && upper?.nodataBands == [2])
        // Deep nesting is refused, not a stack overflow.
        #expect(throws: SelectionExpression.ParseError.self) {
            try SelectionExpression(parsing: String(repeating: "(", count: 100_000) + "1")
        }
        #expect(throws: SelectionExpression.ParseError.self) {
            try SelectionExpression(parsing: String(repeating: "!", count: 100_000) + "1")
        }
        #expect(throws: SelectionExpression.ParseError.self) {
            try SelectionExpression(parsing: String(repeating: "-", count: 100_000) + "1")
        }
    }

    @Test func absurdKernelSizesAreRefusedQuickly() throws {
        let start = Date()
        let wide = Array(repeating: "1", count: 100_001).joined(separator: ",")
        let tall = Array(repeating: wide, count: 3).joined(separator: ";")
        #expect(throws: EngineError.self) { try KernelSource.resolve(tall) }
        #expect(throws: EngineError.self) { try KernelSource.resolve("box:100001") }
        #expect(throws: EngineError.self) { try KernelSource.resolve("gaussian:1e300") }
        #expect(throws: EngineError.self) { try KernelSource.resolve("box:99999999999999999999999") }
        #expect(Date().timeIntervalSince(start) < 20)
    }

    @Test(arguments: seeds)
    func bandListsAndTypeNames(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let alphabet: [Character] = Array("0123456789,- aFloat3") + ["\u{1F600}"]
        for _ in 0..<2000 {
            let text = rng.string(from: alphabet, maxLength: 16)
            do {
                let bands = try ApplyOptions.parseBands(text)
                #expect(!bands.isEmpty && bands.count <= 100_000 * 8)
            } catch { checkMessage(error.description) }
            var o = ApplyOptions(input: "a", output: "b", kernel: try! Kernel(rows: [[1]]))
            do {
                try o.setOutputType(named: text)
                #expect(o.outputType != nil)
            } catch { checkMessage(error.description) }
        }
    }
}
