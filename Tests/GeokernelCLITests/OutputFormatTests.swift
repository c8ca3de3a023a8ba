import Foundation
import GDALKit
import RasterKernels
import RasterTiling
import TestSupport
import Testing

/// Output details a GDAL user checks: signed bytes, odd bit depths, lossy inputs, progress.
@Suite(.serialized) struct OutputFormatTests {
    @Test func signedBytesAreConvolvedAsInt8() throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("s8.tif").path, out = dir.appendingPathComponent("o.tif").path
        let w = 13, h = 9
        let values: [Int8] = (0..<(w * h)).map { Int8(truncatingIfNeeded: ($0 * 37) % 256 - 128) }
        let ds = try Dataset.create(input, width: w, height: h, bandCount: 1, dataType: .byte,
                                    options: ["PIXELTYPE=SIGNEDBYTE"])
        try ds.withBand(1) {
            try $0.write(Window(x: 0, y: 0, width: w, height: h), values: values.map { UInt8(bitPattern: $0) })
        }
        try ds.close()
        let r = try CLI.run(["apply", input, out, "--kernel", "0,-1,0;-1,5,-1;0,-1,0", "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        let back = try Dataset.open(out)
        #expect(try back.withBand(1) { $0.metadataItem("PIXELTYPE", domain: "IMAGE_STRUCTURE") } == "SIGNEDBYTE")
        let got: [UInt8] = try back.withBand(1) { try $0.read(Window(x: 0, y: 0, width: w, height: h)) }
        let expected = Fixture.expected(values.map(Double.init), width: w, height: h,
                                        kernel: try KernelPreset.kernel("sharpen"),
                                        edge: .reflect, noData: nil, selected: nil, inputType: .int8, outputType: .int8)
        #expect(Fixture.mismatches(got.map { Double(Int8(bitPattern: $0)) }, expected).isEmpty)
        #expect(expected.contains(-128) && expected.contains(127), "the fixture exercises clamping both ways")
    }

    @Test(.enabled(if: Corpus.isAvailable)) func oddBitDepthsAndLossyInputs() throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        func structure(_ file: String, _ extra: [String] = []) throws -> [String: String] {
            let out = dir.appendingPathComponent("\(UUID().uuidString).tif").path
            let r = try CLI.run(["apply", Corpus.path(file), out, "--kernel", "box:3", "-q"] + extra)
            #expect(r.status == 0, "\(r.stderr)")
            let ds = try Dataset.open(out)
            var md = Dictionary(ds.metadata(domain: "IMAGE_STRUCTURE").map { ($0.key, $0.value) }) { a, _ in a }
            md["type"] = try ds.withBand(1) { $0.dataTypeName }
            if let nbits = try ds.withBand(1, { $0.metadataItem("NBITS", domain: "IMAGE_STRUCTURE") }) {
                md["NBITS"] = nbits
            }
            return md
        }
        let int12 = try structure("gdal__int12.tif")
        #expect(int12["NBITS"] == nil && int12["type"] == "UInt16", "12-bit input written as full UInt16")
        let kept = try structure("gdal__int12.tif", ["-co", "NBITS=12"])
        #expect(kept["NBITS"] == "12")
        let webp = try structure("gdal__tif_webp.tif")
        #expect(webp["COMPRESSION"] == "DEFLATE", "lossy WEBP becomes DEFLATE")
        let lerc = try structure("gdal__byte_lerc.tif")
        #expect(lerc["COMPRESSION"] == "LERC", "LERC is kept and written losslessly (MAX_Z_ERROR=0)")
    }

    /// Runs a command under util-linux `script`, which gives it a pseudo-terminal.
    func runInTerminal(_ cmd: [String]) throws -> (status: Int32, text: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        p.arguments = ["-qec", cmd.map { "'\($0)'" }.joined(separator: " "), "/dev/null"]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus, text)
    }

    @Test func progressOnlyOnATerminal() throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.tif").path
        try Fixture.write(input, width: 600, height: 600, type: .uint16,
                          bands: [Fixture.values(width: 600, height: 600, seed: 2, type: .uint16)],
                          options: ["TILED=YES"])
        // Not a terminal: silent.
        let plain = try CLI.run(["apply", input, dir.appendingPathComponent("a.tif").path, "--kernel", "sharpen",
                                 "--tile-size", "256"])
        #expect(plain.status == 0 && plain.stderr.isEmpty)
        // A terminal (util-linux `script` gives the run a pseudo-terminal): percentages on stderr.
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { return }
        let cmd = [CLI.executable.path, "apply", input, dir.appendingPathComponent("b.tif").path, "--kernel", "sharpen",
                   "--tile-size", "256"]
        let shown = try runInTerminal(cmd)
        #expect(shown.status == 0, "\(shown.text)")
        // The bar (ProgressTests has it in tmux): drawn, then erased before the summary.
        #expect(shown.text.contains("%") && shown.text.contains("elapsed"),
                "bar on a terminal: \(shown.text.debugDescription)")
        #expect(shown.text.contains("\r\u{1B}[Kwrote "), "bar erased: \(shown.text.debugDescription)")
        let qtext = try runInTerminal(cmd + ["-q", "--overwrite"]).text
        #expect(!qtext.contains("%"), "-q silences progress: \(qtext.debugDescription)")
    }
}
