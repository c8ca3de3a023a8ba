import Foundation
@testable import geokernel
@testable import RasterEngine
import RasterTiling
import TestSupport
import Testing

/// The project's own replacements for the parts of full Foundation it used before importing
/// only `FoundationEssentials` give what Foundation gave (this test target still has it).
@Suite struct FoundationEssentialsTests {
    /// The built binary loads no part of full Foundation (an `import Foundation` in `Sources/`
    /// would bring back its three libraries and ~5 ms of every process's start-up).
    @Test func theBinaryNeedsNoFullFoundation() throws {
        let readelf = Process()
        readelf.executableURL = URL(fileURLWithPath: "/usr/bin/readelf")
        readelf.arguments = ["-d", CLI.executable.path]
        let out = Pipe()
        readelf.standardOutput = out
        try readelf.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        readelf.waitUntilExit()
        #expect(readelf.terminationStatus == 0)
        let needed = text.split(separator: "\n").filter { $0.contains("(NEEDED)") }
        #expect(needed.contains { $0.contains("libFoundationEssentials.so") }, "\(needed)")
        for library in ["libFoundation.so", "libFoundationInternationalization.so", "lib_FoundationICU.so"] {
            #expect(!needed.contains { $0.contains("[\(library)]") }, "\(library) in \(needed)")
        }
    }

    /// The reports' JSON is the text `JSONSerialization` with `.sortedKeys` wrote.
    @Test func jsonTextIsWhatJSONSerializationWrote() throws {
        let values: [Any] = [1.0, 1e-7, 1e21, 0.1, -0.0, 123456789012.0, 0.9999999999999998, 5e-324, 1.5e300,
                             2.5, -17.25, 0.996719606, Double.pi, 1e16, 12345678901234567890.0, 7, -3, Int.max,
                             true, false, "plain", "é\u{1}\"\\/\n\t\r\u{8}\u{c}", "/work/x y.tif", "",
                             [1, 2.5, true] as [Any], ["b": 1, "a": [2, 3]] as [String: Any], [] as [Any]]
        for (k, v) in values.enumerated() {
            let object: [String: Any] = ["value": v, "k": k]
            let foundation = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]),
                                    as: UTF8.self)
            #expect(JSONText.serialize(object) == foundation, "\(v)")
        }
        let withNull: [String: Any] = ["mask": JSONText.null, "list": [JSONText.null, 1] as [Any]]
        #expect(JSONText.serialize(withNull) == #"{"list":[null,1],"mask":null}"#)
        #expect(JSONText.serialize(["x": Double.infinity]) == #"{"x":null}"#)
    }

    @Test func cFormatIsStringFormat() {
        #expect(cFormat("%.1f", 1234.56) == String(format: "%.1f", 1234.56))
        #expect(cFormat("%016llx", UInt64(0xfe62_8367)) == String(format: "%016llx", UInt64(0xfe62_8367)))
        #expect(cFormat("%d:%02d:%02d", 1, 2, 3) == "1:02:03")
        #expect(cFormat("%.3g Mpixel/s", 1234.5) == String(format: "%.3g Mpixel/s", 1234.5))
        #expect(cFormat("%09d", 5) == "000000005")
        #expect(cFormat("<%0300d>", 7) == "<" + String(repeating: "0", count: 299) + "7>")   // past the first buffer
    }

    @Test func trimmingBlanksIsTrimmingWhitespaces() {
        for s in ["", " ", " 1,2 ", "\t3\t", "\u{00A0}4\u{2003}", " a b ", "\n5\n", " \n6 ", "x"] {
            #expect(s.trimmingBlanks() == s.trimmingCharacters(in: .whitespaces), "\(s.debugDescription)")
        }
    }

    @Test func fileBytesReadsAPrefix() throws {
        let path = NSTemporaryDirectory() + "geokernel-prefix-\(getpid()).bin"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data([0x49, 0x49, 42, 0, 8]).write(to: URL(fileURLWithPath: path))
        #expect(FileBytes.prefix(path, limit: 2) == [0x49, 0x49])
        #expect(FileBytes.prefix(path, limit: 100) == [0x49, 0x49, 42, 0, 8])
        #expect(FileBytes.prefix(path, limit: 0) == [])
        #expect(FileBytes.prefix(path + ".missing", limit: 2) == nil)
    }
}
