import RasterKernels
import RasterTiling
import Testing

/// `--footprint` and `--method` parsing: shapes, halos, and one-line errors for bad specs.
@Suite struct FootprintParsingTests {
    @Test func shapes() throws {
        let square = try Footprint(parsing: "square:3")
        #expect(square.width == 3 && square.height == 3 && square.count == 9 && square.isRectangle)
        #expect(square.halo == Halo(left: 1, top: 1, right: 1, bottom: 1))
        let rect = try Footprint(parsing: "rect:4x2")
        #expect(rect.width == 4 && rect.height == 2 && rect.spec == "rect:4x2")
        // scipy's origin 0, no flip: the centre is at index size/2, so even sizes reach one more to the left.
        #expect(rect.halo == Halo(left: 2, top: 1, right: 1, bottom: 0))
        let disk = try Footprint(parsing: "disk:2")
        #expect(disk.width == 5 && disk.count == 13 && !disk.isRectangle && disk.containsCentre)
        #expect(disk[0, 2] && disk[2, 0] && !disk[0, 1] && !disk[1, 0] && disk[1, 1])
        #expect(try Footprint(parsing: "disk:0").count == 1)
        #expect(try Footprint(parsing: "disk:1").count == 5)
        #expect(try Footprint(parsing: " square:1 ").count == 1)
        #expect(try Footprint(parsing: "rect:511x1").width == 511)
    }

    @Test func matrices() throws {
        let inline = try Footprint(parsing: "0,1,0;1,1,1;0,1,0")
        #expect(inline.count == 5 && inline.spec == "custom:3x3")
        #expect(inline.rowRuns == [[1..<2], [0..<3], [1..<2]])
        #expect(inline.maskText == "0,1,0;1,1,1;0,1,0")
        #expect(try Footprint(parsing: inline.maskText) == inline)
        #expect(try Footprint(parsing: "disk:1").maskText == "0,1,0;1,1,1;0,1,0")
        let file = try Footprint(parsingText: "# a ring\n1 1 1\n1 0 1\n1 1 1\n")
        #expect(file.count == 8 && !file.containsCentre && file.rowRuns[1] == [0..<1, 2..<3])
        #expect(try Footprint(parsing: "2,-1").count == 2)
    }

    @Test(arguments: [
        ("disk:-1", "footprint: '-1' is not a disk radius (expected a whole number of pixels from 0 to 255)"),
        ("square:0", "footprint: '0' is not a square side (expected a whole number of pixels from 1 to 511)"),
        ("square:512", "footprint: '512' is not a square side (expected a whole number of pixels from 1 to 511)"),
        ("disk:256", "footprint: '256' is not a disk radius (expected a whole number of pixels from 0 to 255)"),
        ("rect:3", "footprint: '3' is not a rectangle (expected WxH, such as 5x3)"),
        ("rect:3x", "footprint: '' is not a rectangle height (expected a whole number of pixels from 1 to 511)"),
        ("square:2.5", "footprint: '2.5' is not a square side (expected a whole number of pixels from 1 to 511)"),
        ("0,0;0,0", "the footprint has no non-zero entry"),
        ("0", "the footprint has no non-zero entry"),
        ("hexagon:3", "unknown footprint 'hexagon:3' (expected square:N, rect:WxH, disk:R, "
            + "a matrix such as 0,1,0;1,1,1;0,1,0, or a file)"),
        ("1,2;3", "footprint: kernel row 2 has 1 value but row 1 has 2: a kernel must be rectangular"),
    ])
    func badFootprints(_ spec: String, _ message: String) {
        #expect(throws: (any Error).self) { try Footprint(parsing: spec) }
        do { _ = try Footprint(parsing: spec) } catch {
            #expect(error.description == message)
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func tooLargeMatrix() {
        let row = Array(repeating: "1", count: 512).joined(separator: ",")
        do { _ = try Footprint(parsing: row) } catch {
            #expect(error.description.contains("largest accepted is 511x511"))
        }
    }

    @Test func methods() throws {
        let cases: [(String, FilterMethod)] = [
            ("convolve", .convolve), ("median", .median), ("min", .minimum), ("max", .maximum), ("range", .range),
            ("percentile:90", .percentile(90)), ("percentile:0", .percentile(0)),
            ("percentile:12.5", .percentile(12.5)),
            ("mean", .mean), ("variance", .variance), ("stddev", .standardDeviation), ("mode", .mode),
            ("lee:4", .lee(looks: 4)), ("lee:0.5", .lee(looks: 0.5)), ("MEDIAN", .median),
        ]
        for (text, method) in cases {
            #expect(try FilterMethod(parsing: text) == method)
            #expect(try FilterMethod(parsing: method.description) == method, "description round-trips")
        }
        #expect(FilterMethod.percentile(90).description == "percentile:90")
        #expect(FilterMethod.median.selectsInputValue && !FilterMethod.mean.selectsInputValue)
        #expect(!FilterMethod.convolve.usesFootprint)
    }

    @Test(arguments: [
        ("percentile:101", "method 'percentile': '101' is not a percentile from 0 to 100"),
        ("percentile:-1", "method 'percentile': '-1' is not a percentile from 0 to 100"),
        ("percentile", "method 'percentile': '' is not a percentile from 0 to 100"),
        ("percentile:nan", "method 'percentile': 'nan' is not a percentile from 0 to 100"),
        ("lee:0", "method 'lee': '0' is not a number of looks above 0"),
        ("lee:-2", "method 'lee': '-2' is not a number of looks above 0"),
        ("median:3", "method 'median' takes no argument ('3' given)"),
        ("blur", "unknown method 'blur' (known: convolve, median, min, max, range, percentile:P, mean, variance, "
            + "stddev, mode, lee:LOOKS)"),
    ])
    func badMethods(_ spec: String, _ message: String) {
        do { _ = try FilterMethod(parsing: spec); Issue.record("\(spec) was accepted") } catch {
            #expect(error.description == message)
        }
    }

    @Test func modeNeedsIntegers() throws {
        #expect(throws: FilterMethodError.needsIntegers(method: "mode")) { try FilterMethod.mode.check(sample: .float) }
        try FilterMethod.mode.check(sample: .integer(min: 0, max: 255))
        try FilterMethod.median.check(sample: .float)
        #expect(FilterMethodError.needsIntegers(method: "mode").description
                == "method 'mode' needs an integer band (a class map); this band holds floating-point values")
    }

    @Test func percentileRankIsScipys() {
        // int(float(k) * P / 100.0), and k - 1 at 100: k = 9 → 0 at 0, 2 at 25, 8 at 90 and 100.
        let ranks = [0.0, 25, 50, 90, 99.9, 100].map { FilterMethod.percentileRank(count: 9, percentile: $0) }
        #expect(ranks == [0, 2, 4, 8, 8, 8])
        #expect(FilterMethod.median.rank(count: 4) == 2)
        #expect(FilterMethod.percentileRank(count: 10, percentile: 70) == 7)  // 10 * 70 / 100.0 = 7.0 exactly
        #expect(FilterMethod.percentileRank(count: 3, percentile: 100.0 / 3) == 1)
    }
}
