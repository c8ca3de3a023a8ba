import Foundation
@testable import geokernel
import RasterEngine
import TestSupport
import Testing

/// Random and mutated command lines: the argument parser and the mapping to engine options
/// either accept them or refuse with a message; nothing crashes.
@Suite struct OptionFuzzTests {
    static let words = ["in.tif", "out.tif", "--kernel", "sharpen", "box:3", "1,2;3,4", "--mask", "m.tif", "--edge",
                        "wrap",
                        "reflect", "bogus", "--cval", "1e9", "nan", "--bands", "1,3", "0", "-1", "--nodata-policy",
                        "ignore",
                        "-ot", "Float32", "Int64", "-co", "COMPRESS=LZW", "X", "--tile-size", "1",
                        "99999999999999999999",
                        "--threads", "3", "--overwrite", "-q", "--json", "--", "-", "",
                        "--method", "median", "percentile:101", "mode", "--footprint", "disk:2", "square:0",
                        "--grow-mask", "--shrink-mask", "3"]

    @Test(arguments: [UInt64(11), 12, 13])
    func randomCommandLines(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        var accepted = 0
        for _ in 0..<800 {
            let n = Int.random(in: 0...10, using: &rng)
            var args = (0..<n).map { _ in OptionFuzzTests.words.randomElement(using: &rng)! }
            if Bool.random(using: &rng) { args = ["in.tif", "out.tif", "--kernel", "sharpen"] + args }
            do {
                let cmd = try ApplyCommand.parse(args)
                do {
                    let o = try cmd.makeOptions()
                    accepted += 1
                    #expect(o.input == cmd.input && (o.kernel?.values.count ?? o.footprint?.count ?? 0) >= 1)
                } catch {
                    #expect(!error.description.isEmpty && !error.description.contains("\n"))
                }
            } catch {
                #expect(!ApplyCommand.message(for: error).isEmpty)
            }
        }
        #expect(accepted > 0, "some command lines are valid")
    }
}
