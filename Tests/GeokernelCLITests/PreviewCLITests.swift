import Foundation
import GDALKit
import TestSupport
import Testing
import QuickLook
import RasterTiling

/// The quick look (`apply --preview`, `geokernel preview`): the PNG opened with GDAL, its
/// panels, stretch, difference and text chunks, on fixtures made here and corpus files in place.
@Suite(.serialized) struct PreviewCLITests {
    let folder = TemporaryFolder()
    var dir: URL { folder.url }
    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    /// A PNG's planes (red, green, blue, alpha; a palette PNG's expanded), size, text chunks and panels by name.
    struct PNG {
        var width = 0, height = 0
        var planes: [[UInt8]] = []
        /// The palette of an indexed PNG (a grey quick look), `nil` for an RGBA one.
        var palette: [ColorEntry]? = nil
        var text: [String: String] = [:]
        var panels: [String: (x: Int, y: Int, w: Int, h: Int)] = [:]

        init(_ p: String) throws {
            let ds = try Dataset.open(p)
            #expect(ds.driverName == "PNG")
            width = ds.width
            height = ds.height
            planes = try (1...ds.bandCount).map { b in
                try ds.withBand(b) { band in
                    try band.read(Window(x: 0, y: 0, width: ds.width, height: ds.height), as: UInt8.self)
                }
            }
            palette = try ds.withBand(1) { $0.colorEntries }
            if let palette, planes.count == 1 {
                let index = planes[0]
                planes = [\.red, \.green, \.blue, \.alpha].map { (c: KeyPath<ColorEntry, UInt8>) in
                    index.map { palette[Int($0)][keyPath: c] }
                }
            }
            for (k, v) in ds.metadata() { text[k] = v }
            for item in (text["PANELS"] ?? "").split(separator: ";") {
                let parts = item.split(separator: " ")
                let n = parts[1].split(separator: ",").compactMap { Int($0) }
                panels[String(parts[0])] = (n[0], n[1], n[2], n[3])
            }
        }

        /// Panel `name`'s pixel (x, y): red, green, blue, alpha.
        func pixel(_ name: String, _ x: Int, _ y: Int) -> [UInt8] {
            let p = panels[name]!
            let i = (p.y + y) * width + p.x + x
            return planes.map { $0[i] }
        }
    }

    /// A 3-band UInt16 scene with a nodata corner and a mask selecting a disc.
    func scene(width w: Int = 96, height h: Int = 64) throws -> (input: String, mask: String, selected: [Bool]) {
        var bands = (0..<3).map { Fixture.values(width: w, height: h, seed: UInt64(7 + $0), type: .uint16) }
        for i in 0..<(w * h) where i % w + i / w < 10 { for b in 0..<3 { bands[b][i] = 0 } }
        let input = path("scene.tif"), mask = path("mask.tif")
        try Fixture.write(input, width: w, height: h, type: .uint16, bands: bands, noData: 0)
        let selected = (0..<(w * h)).map { i -> Bool in
            let dx = Double(i % w) - 0.6 * Double(w), dy = Double(i / w) - 0.5 * Double(h)
            return dx * dx + dy * dy < Double(h * h) / 9
        }
        try Fixture.write(mask, width: w, height: h, type: .byte, bands: [selected.map { $0 ? 1 : 0 }])
        return (input, mask, selected)
    }

    @Test func applyPreviewHasFourPanelsProvenanceAndAZeroDifferenceOutsideTheSelection() throws {
        let (input, mask, selected) = try scene()
        let out = path("out.tif"), png = path("look.png")
        let r = try CLI.run(["apply", input, out, "--kernel", "box:5", "--mask", mask, "--preview", png, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let report = try r.report()
        #expect(report["preview"] as? String == png)
        let look = try PNG(png)
        #expect(look.planes.count == 4)
        #expect(look.width == 2 * 96 + 8 && look.height == 2 * 64 + 8)
        #expect(look.panels.keys.sorted() == ["difference", "input", "output", "selection"])
        for (_, p) in look.panels { #expect(p.w == 96 && p.h == 64) }
        for key in ["COMMAND", "METHOD", "SELECTION", "PIXELS_SELECTED", "TILES", "VERSION", "STRETCH"] {
            #expect(look.text[key] != nil, "text chunk \(key) missing: \(look.text.keys.sorted())")
        }
        #expect(look.text["COMMAND"]?.contains("--preview") == true)
        #expect(look.text["METHOD"]?.contains("5x5") == true)
        #expect(look.text["PIXELS_SELECTED"]?.hasPrefix("\(selected.filter { $0 }.count) of") == true)
        var changed = 0
        for y in 0..<64 {
            for x in 0..<96 {
                let d = look.pixel("difference", x, y)
                if x + y < 10 {   // nodata: transparent in every panel
                    #expect(d[3] == 0 && look.pixel("input", x, y)[3] == 0 && look.pixel("output", x, y)[3] == 0)
                } else if !selected[y * 96 + x] {
                    #expect(d == [0, 0, 0, 255], "difference at \(x),\(y) outside the selection: \(d)")
                    #expect(look.pixel("input", x, y) == look.pixel("output", x, y))
                } else if d[0] > 0 {
                    changed += 1
                }
                // The selection panel tints exactly the selected pixels (red above green).
                let s = look.pixel("selection", x, y)
                if x + y >= 10 { #expect((s[0] > s[1] + 40) == selected[y * 96 + x], "selection at \(x),\(y): \(s)") }
            }
        }
        #expect(changed > selected.filter { $0 }.count / 2)
        // The same pair drawn afterwards from decimated reads gives the same picture.
        let again = path("pair.png")
        let p = try CLI.run(["preview", input, out, "--mask", mask, "-o", again])
        #expect(p.status == 0, "\(p.stderr)")
        #expect(try PNG(again).planes == look.planes)
    }

    @Test func identityKernelGivesIdenticalPanelsAndABlackDifference() throws {
        let (input, _, _) = try scene()
        let png = path("identity.png")
        let r = try CLI.run(["apply", input, path("same.tif"), "--kernel", "identity", "--preview", png, "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        let look = try PNG(png)
        var distinct = Set<UInt8>()
        for y in 0..<64 {
            for x in 0..<96 {
                let a = look.pixel("input", x, y)
                #expect(a == look.pixel("output", x, y))
                let d = look.pixel("difference", x, y)
                #expect(d[0] == 0 && d[1] == 0 && d[2] == 0)
                distinct.insert(a[0])
            }
        }
        #expect(distinct.count > 50, "the stretch spreads the input over the grey levels")
        #expect(look.text["DIFFERENCE"]?.contains("every difference is zero") == true)
    }

    @Test func greyQuickLookIsAnIndexedPNG() throws {
        // One band: a palette PNG (a quarter of the bytes of RGBA) whose greys are the stretch's levels to
        // within the 128 grey steps, with transparent nodata, tinted selected pixels and grey unselected ones.
        let w = 96, h = 64
        var values = Fixture.values(width: w, height: h, seed: 11, type: .uint16)
        for i in 0..<(w * h) where i % w + i / w < 10 { values[i] = 0 }
        let input = path("grey.tif"), mask = path("grey-mask.tif"), png = path("grey.png")
        try Fixture.write(input, width: w, height: h, type: .uint16, bands: [values], noData: 0)
        let selected = (0..<(w * h)).map { $0 % w >= 48 }
        try Fixture.write(mask, width: w, height: h, type: .byte, bands: [selected.map { $0 ? 1 : 0 }])
        let r = try CLI.run(["apply", input, path("grey-out.tif"), "--kernel", "box:3", "--mask", mask,
                             "--preview", png, "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Dataset.open(png).bandCount == 1)
        let look = try PNG(png)
        let palette = try #require(look.palette)
        #expect(palette.count <= 256 && palette[0].alpha == 0)
        // "STRETCH" ends with "low..high".
        let bounds = try #require(look.text["STRETCH"]?.split(separator: ":").last)
            .components(separatedBy: "..").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        try #require(bounds.count == 2)
        let stretch = Stretch(low: bounds[0], high: bounds[1])
        var tinted = 0
        for y in 0..<h {
            for x in 0..<w {
                let i = y * w + x, a = look.pixel("input", x, y), s = look.pixel("selection", x, y)
                if values[i] == 0 {
                    #expect(a[3] == 0 && s[3] == 0)
                    continue
                }
                #expect(a[3] == 255 && a[0] == a[1] && a[1] == a[2])
                #expect(abs(Int(a[0]) - Int(stretch.level(values[i]))) <= 1, "grey of \(values[i]) at \(x),\(y)")
                if selected[i] {
                    #expect(s[0] > s[1] + 60, "tinted at \(x),\(y): \(s)")
                    tinted += 1
                } else {
                    #expect(s[0] == s[1] && s[1] == s[2])
                    #expect(look.pixel("difference", x, y)[0] == 0)
                }
            }
        }
        #expect(tinted > 1000)
    }

    @Test func copiedInputRunFillsTheUntouchedBlocks() throws {
        // Tiled 16 blocks and 32-pixel tiles: 64 chunks, the mask reaches few, so the output
        // starts as a copy and most blocks are never read; the preview still draws them.
        let w = 256, h = 256
        let input = path("tiled.tif"), mask = path("corner.tif"), out = path("copied.tif"), png = path("copied.png")
        let values = Fixture.values(width: w, height: h, seed: 3, type: .uint16)
        try Fixture.write(input, width: w, height: h, type: .uint16, bands: [values])
        let corner: [Double] = (0..<(w * h)).map { $0 % w < 40 && $0 / w < 40 ? 1 : 0 }
        try Fixture.write(mask, width: w, height: h, type: .byte, bands: [corner])
        let r = try CLI.run(["apply", input, out, "--kernel", "box:3", "--mask", mask, "--tile-size", "32",
                             "--preview", png, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("\"pass_through\":\"input_copied\""), "\(r.stdout)")
        let look = try PNG(png)
        #expect(look.text["PASS_THROUGH"] == "input_copied")
        #expect(look.text["NOT_SAMPLED"] == nil)
        let pair = path("copied-pair.png")
        #expect(try CLI.run(["preview", input, out, "--mask", mask, "-o", pair]).status == 0)
        #expect(try PNG(pair).planes == look.planes)
    }

    /// Runs a GDAL command-line tool (gdal-bin) and expects it to succeed.
    func tool(_ name: String, _ arguments: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [name, "-q"] + arguments
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(name) \(arguments)")
    }

    /// Blocks a run never reads are drawn from the input's overviews when it has them (blocks
    /// passed through without a decode), else hatched on a raster over the fill limit.
    @Test func largeCopiedInputIsFilledFromOverviewsElseHatched() throws {
        // 4352x4096 (over the 16 Mpixel fill limit), tiled 256, a pattern blown up from a small fixture.
        let small = path("small.tif"), big = path("big.tif"), withOverviews = path("big-ovr.tif")
        try Fixture.write(small, width: 136, height: 128, type: .byte,
                          bands: [Fixture.values(width: 136, height: 128, seed: 5, type: .byte)])
        try tool("gdal_translate", ["-outsize", "4352", "4096", "-r", "nearest", "-co", "TILED=YES",
                                    "-co", "COMPRESS=DEFLATE", small, big])
        try tool("gdal_translate", ["-co", "TILED=YES", "-co", "COMPRESS=DEFLATE", big, withOverviews])
        try tool("gdaladdo", ["-r", "nearest", withOverviews, "2", "4", "8", "16"])
        let mask = path("corner-mask.tif")
        try tool("gdal_translate", ["-outsize", "4352", "4096", "-ot", "Byte", "-scale", "0", "255", "0", "0",
                                    "-co", "TILED=YES", "-co", "COMPRESS=DEFLATE", small, mask])
        let ds = try Dataset.open(mask, access: .update)
        try ds.withBand(1) { try $0.write(Window(x: 0, y: 0, width: 64, height: 64),
                                          values: [Double](repeating: 1, count: 64 * 64)) }
        try ds.close()
        for (input, filled) in [(withOverviews, true), (big, false)] {
            let png = path(filled ? "filled.png" : "hatched.png"), out = path(filled ? "o1.tif" : "o2.tif")
            let r = try CLI.run(["apply", input, out, "--kernel", "box:3", "--mask", mask, "--preview", png, "--json"])
            #expect(r.status == 0, "\(r.stderr)")
            // Without overviews most blocks are never read: copied as the input's encoded bytes.
            #expect(filled || r.stdout.contains("\"pass_through\":\"raw_blocks\""), "\(r.stdout)")
            let look = try PNG(png)
            #expect((look.text["NOT_SAMPLED"] == nil) == filled, "\(look.text["NOT_SAMPLED"] ?? "all sampled")")
            if filled {   // the same picture as the pair's preview, which reads both files decimated
                let pair = path("pair.png")
                #expect(try CLI.run(["preview", input, out, "--mask", mask, "-o", pair]).status == 0)
                #expect(try PNG(pair).planes == look.planes)
            }
        }
    }

    @Test func panelsAreAtMostTheRequestedSide() throws {
        let (input, mask, _) = try scene()
        let png = path("small.png")
        let r = try CLI.run(["apply", input, path("o.tif"), "--kernel", "box:3", "--mask", mask,
                             "--preview", png, "--preview-size", "48", "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        let look = try PNG(png)
        for (_, p) in look.panels { #expect(p.w == 48 && p.h == 32) }
        // A wide raster drawn by `preview`: 384 on the long side by default, at most 1024.
        let wide = path("wide.tif")
        let ramp = (0..<(2100 * 900)).map { Double($0 % 2100 / 9 % 256) }
        try Fixture.write(wide, width: 2100, height: 900, type: .byte, bands: [ramp],
                          options: ["TILED=YES"])
        let big = path("wide.png")
        let small = try CLI.run(["preview", wide, "-o", big, "--json"])
        #expect(small.status == 0 && small.stdout.contains("\"width\":776"), "\(small.stdout)\(small.stderr)")
        #expect(try PNG(big).panels["input"]!.h == 165)
        let p = try CLI.run(["preview", wide, "-o", big, "--preview-size", "1024"])
        #expect(p.status == 0, "\(p.stderr)")
        let wideLook = try PNG(big)
        #expect(wideLook.panels.count == 2 && wideLook.panels["input"]!.w == 1024 && wideLook.panels["input"]!.h == 439)
        #expect(wideLook.planes.count == 4 && wideLook.height == 439)
    }

    @Test func planNamesThePreview() throws {
        let (input, mask, _) = try scene()
        let png = path("planned.png")
        let text = try CLI.run(["plan", input, "--mask", mask, "--preview", png])
        #expect(text.status == 0 && text.stdout.contains("Preview: \(png)"), "\(text.stdout)\(text.stderr)")
        let json = try CLI.run(["plan", input, "--mask", mask, "--preview", png, "--json"])
        let escaped = png.replacingOccurrences(of: "/", with: "\\/")
        #expect(json.stdout.contains("\"preview\":\"\(escaped)\""), "\(json.stdout)")
        #expect(!FileManager.default.fileExists(atPath: png), "plan writes nothing")
    }

    @Test func badPathsAndBandsAreOneLineErrors() throws {
        let (input, _, _) = try scene()
        let cases: [([String], String)] = [
            (["preview", path("missing.tif"), "-o", path("a.png")], "missing.tif"),
            (["preview", input, "-o", path("no/such/folder/a.png")], "does not exist"),
            (["preview", input, "-o", dir.path + "/"], "not a file name"),
            (["preview", input, "-o", path("b.png"), "--preview-bands", "5"], "band 5 does not exist"),
            (["preview", input, "-o", path("c.png"), "--preview-bands", "1,2"], "one band (grey) or three"),
            (["preview", input, "-o", input], "same file"),
            (["preview", input, path("missing-out.tif"), "-o", path("d.png")], "missing-out.tif"),
            (["apply", input, path("never.tif"), "--kernel", "box:3", "--preview", path("no/folder/x.png")],
             "does not exist"),
            (["apply", input, path("never.tif"), "--kernel", "box:3", "--preview", path("e.png"),
              "--preview-size", "2000"], "--preview-size"),
        ]
        for (args, expected) in cases {
            let r = try CLI.run(args)
            let lines = r.stderr.split(separator: "\n")
            #expect(r.status == 1 && lines.count == 1 && r.stderr.contains(expected),
                    "\(args): \(r.status) \(r.stderr)")
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            .filter { $0.hasSuffix(".png") || $0 == "never.tif" }
        #expect(left.isEmpty, "\(left)")
    }

    // MARK: - Corpus files, read in place

    @Test(.enabled(if: Corpus.isAvailable)) func multiBandNodataAndUngeoreferencedFiles() throws {
        // NAIP 4-band (R, G, B, NIR): false colour 4,3,2.
        let naip = Corpus.path("georust__m_3607824_se_17_1_20160620_sub.tif")
        let png = path("naip.png")
        let r = try CLI.run(["preview", naip, "-o", png, "--preview-bands", "4,3,2", "--where", "b4 > 120"])
        #expect(r.status == 0, "\(r.stderr)")
        let look = try PNG(png)
        #expect(look.text["BANDS"] == "4,3,2 as red, green, blue")
        #expect(look.panels["input"]!.w == 300 && look.panels.count == 2)
        let nir = try Dataset.open(naip).withBand(4) { b in
            try b.read(Window(x: 0, y: 0, width: 300, height: 300), as: UInt8.self)
        }
        for i in stride(from: 0, to: 300 * 300, by: 97) {
            let s = look.pixel("selection", i % 300, i / 300)
            #expect((s[0] > s[1] + 40) == (nir[i] > 120), "pixel \(i): nir \(nir[i]), drawn \(s)")
        }
        // Float32 south-up with nodata -9999 (half the raster): nodata transparent, the rest opaque.
        let lat = Corpus.path("riotiler__inverted_lat.tif")
        let latPNG = path("lat.png")
        #expect(try CLI.run(["preview", lat, "-o", latPNG, "--preview-size", "720"]).status == 0)
        let values = try Dataset.open(lat).withBand(1) { b in
            try b.read(Window(x: 0, y: 0, width: 720, height: 360), as: Float.self)
        }
        let latLook = try PNG(latPNG)
        var wrong = 0
        for i in values.indices where (latLook.pixel("input", i % 720, i / 720)[3] == 0) != (values[i] == -9999) {
            wrong += 1
        }
        #expect(values.contains(-9999) && wrong == 0, "\(wrong) pixels")
        // Overviews: a 1024x1024 file drawn at 256 reads an overview; nodata (80 %) stays transparent.
        let web = Corpus.path("riotiler__web.tif")
        let webPNG = path("web.png")
        #expect(try CLI.run(["preview", web, "-o", webPNG, "--preview-size", "256"]).status == 0)
        let webLook = try PNG(webPNG)
        var clear = 0
        for y in 0..<256 { for x in 0..<256 where webLook.pixel("input", x, y)[3] == 0 { clear += 1 } }
        #expect(abs(Double(clear) / 65536 - 840950.0 / 1048576) < 0.05, "\(clear)")
        // No georeferencing: drawn; a box selection needs one, and says so.
        let plain = Corpus.path("gdal__byte_nogeoref.tif")
        #expect(try CLI.run(["preview", plain, "-o", path("plain.png")]).status == 0)
        #expect(try PNG(path("plain.png")).panels["input"]!.w == 20)
        let box = try CLI.run(["preview", plain, "-o", path("box.png"), "--bbox", "0,0,1,1"])
        #expect(box.status == 1 && box.stderr.contains("georeferenced"), "\(box.stderr)")
    }
}
