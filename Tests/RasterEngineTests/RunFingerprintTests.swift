import Foundation
@testable import RasterEngine
import RasterKernels
import RasterTiling
import Testing

/// The resume fingerprint is built from every stored property of `ApplyOptions`: a property
/// added later must be classified (an option with its flag, or one that cannot change the
/// output), and every option that can change the output makes a resume refuse, naming it.
@Suite struct RunFingerprintTests {
    static func options() throws -> ApplyOptions {
        ApplyOptions(input: "/tmp/in.tif", output: "/tmp/out.tif", kernel: try KernelPreset.kernel("box:3"))
    }
    static let facts = RunFingerprint.Facts(
        creationOptions: ["TILED=YES"],
        plan: TilePlan(width: 100, height: 80, blockWidth: 16, blockHeight: 16, tileSize: 32), inputCopied: false)

    @Test func everyStoredPropertyIsClassified() throws {
        let properties = Mirror(reflecting: try Self.options()).children.compactMap(\.label)
        #expect(properties.count > 20)
        for p in properties {
            let named = RunFingerprint.optionNames[p] != nil, ignored = RunFingerprint.ignoredProperties.contains(p)
            #expect(named != ignored, """
                ApplyOptions.\(p) must be in exactly one of RunFingerprint.optionNames (it can change a pixel, \
                the layout or the file's bytes: give its flag) and RunFingerprint.ignoredProperties
                """)
        }
        for p in Set(RunFingerprint.optionNames.keys).union(RunFingerprint.ignoredProperties) {
            #expect(properties.contains(p), "RunFingerprint names ApplyOptions.\(p), which does not exist")
        }
    }

    @Test func everyClassifiedOptionIsAnEntry() throws {
        let f = RunFingerprint(try Self.options(), facts: Self.facts)
        let names = Set(f.entries.map(\.option))
        for (_, (flag, _)) in RunFingerprint.optionNames {
            #expect(names.contains(flag), "\(flag) is in the fingerprint")
        }
        for ignored in ["--threads", "--overwrite", "--resume", "OUTPUT"] { #expect(!names.contains(ignored)) }
        #expect(names.contains("tiling") && names.contains("creation options used") && names.contains("pass-through"))
    }

    /// Each change is refused with one sentence naming the option and both values.
    static func change(_ flag: String, _ o: inout ApplyOptions) throws {
        switch flag {
        case "--where": o.whereExpression = try SelectionExpression(parsing: "b1 < 3")
        case "--bbox": o.bbox = [0, 0, 1, 2]
        case "--bbox-crs": o.bboxCRS = "EPSG:4258"
        case "--mask-band": o.maskBand = 2
        case "--invert-mask": o.invertMask = true
        case "--all-touched": o.allTouched = true
        case "--layer": o.polygonLayer = "roads"
        case "--sql-where": o.polygonWhere = "a = 2"
        case "--mask-warp": o.maskWarp = true
        case "-of": o.format = .cog
        case "--overviews": o.overviewResampling = "nearest"
        case "-co": o.creationOptions = ["COMPRESS=LZW"]
        case "-ot": o.outputType = .float64
        case "--cval": o.cval = -0.0
        case "--edge": o.edge = .wrap
        case "--bands": o.bands = [1]
        case "--nodata-policy": o.nodataPolicy = .ignore
        case "--tile-size": o.tileSize = 64
        case "--kernel": o.kernel = try KernelPreset.kernel("box:5")
        case "--no-input-copy": o.noInputCopy = true
        default: Issue.record("no change for \(flag)")
        }
    }

    /// Each change is refused with one sentence naming the option and both values.
    @Test(arguments: ["--where", "--bbox", "--bbox-crs", "--mask-band", "--invert-mask", "--all-touched", "--layer",
                      "--sql-where", "--mask-warp", "-of", "--overviews", "-co", "-ot", "--cval", "--edge", "--bands",
                      "--nodata-policy", "--tile-size", "--kernel", "--no-input-copy"])
    func aChangedOptionIsNamed(_ flag: String) throws {
        var o = try Self.options()
        o.whereExpression = try SelectionExpression(parsing: "b1 > 3")
        let before = RunFingerprint(o, facts: Self.facts)
        try Self.change(flag, &o)
        let after = RunFingerprint(o, facts: Self.facts)
        let sentence = try #require(before.firstDifference(from: after))
        #expect(sentence.hasPrefix("its checkpoint was made with") && sentence.contains(flag), "\(sentence)")
        #expect(before.digest != after.digest)
        #expect(!sentence.contains("\n"))
    }

    @Test func changesThatCannotAlterTheOutputAreAccepted() throws {
        var o = try Self.options()
        let before = RunFingerprint(o, facts: Self.facts)
        o.threads = 3; o.overwrite = true; o.checksums = true; o.checkpointSeconds = 0; o.resume = true
        o.output = "/elsewhere/out.tif"
        #expect(before.firstDifference(from: RunFingerprint(o, facts: Self.facts)) == nil)
    }

    @Test func theWhereTextIsShownAsWritten() throws {
        var o = try Self.options()
        o.whereExpression = try SelectionExpression(parsing: "b1>30000&&(b2-b1)/2<=-1.5")
        let entry = try #require(RunFingerprint(o, facts: Self.facts).entries.first { $0.option == "--where" })
        #expect(entry.value == "(b1 > 30000) && (((b2 - b1) / 2) <= -1.5)")
    }

    /// A file read by the run is identified by size and modification time: touching it is a change.
    @Test func aFileThatChangedIsNamed() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let kernel = dir.appendingPathComponent("k.txt").path
        try "1 2 1\n".write(toFile: kernel, atomically: true, encoding: .utf8)
        var o = try Self.options()
        o.kernelFile = kernel
        let before = RunFingerprint(o, facts: Self.facts)
        var t = [timespec(tv_sec: 1_000_000, tv_nsec: 0), timespec(tv_sec: 1_000_000, tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, kernel, &t, 0) == 0)
        let sentence = try #require(before.firstDifference(from: RunFingerprint(o, facts: Self.facts)))
        #expect(sentence.hasPrefix("--kernel FILE \(RunFingerprint.resolvedPath(kernel)) changed since its checkpoint"),
                "\(sentence)")
    }
}

/// A file's identity in the fingerprint: size and modification time in UTC to the nanosecond,
/// as `ISO8601DateFormatter` wrote it before it was replaced by `gmtime_r` (checkpoints
/// written before then still match).
@Suite struct FileIdentityTests {
    @Test func sizeAndUTCModificationTimeToTheNanosecond() throws {
        let path = NSTemporaryDirectory() + "geokernel-identity-\(getpid()).bin"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(repeating: 7, count: 1234).write(to: URL(fileURLWithPath: path))
        // 2001-02-03 04:05:06.123456789 UTC, set on the file itself.
        var times = [timespec(tv_sec: 981_173_106, tv_nsec: 123_456_789),
                     timespec(tv_sec: 981_173_106, tv_nsec: 123_456_789)]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
        #expect(RunFingerprint.identity(path) == "1234 bytes, modified 2001-02-03T04:05:06.123456789Z")
        // Before 1970 and at the end of a leap day, where a hand-made calendar would slip.
        times = [timespec(tv_sec: -1, tv_nsec: 5), timespec(tv_sec: -1, tv_nsec: 5)]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
        #expect(RunFingerprint.identity(path) == "1234 bytes, modified 1969-12-31T23:59:59.000000005Z")
        times = [timespec(tv_sec: 951_868_799, tv_nsec: 0), timespec(tv_sec: 951_868_799, tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
        #expect(RunFingerprint.identity(path) == "1234 bytes, modified 2000-02-29T23:59:59.000000000Z")
        #expect(RunFingerprint.identity(path + ".missing") == nil)
    }
}
