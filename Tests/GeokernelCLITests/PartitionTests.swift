import Foundation
import GDALKit
import TestSupport
import Testing

/// `apply --partition I/N`, `plan --partitions N` and `mosaic`: for any N the parts mosaic to
/// the one-machine run bit for bit (pixels, georeferencing, nodata, metadata), and the mosaic
/// refuses parts that are not exactly the partitions of one run.
@Suite(.serialized) struct PartitionTests {
    /// Runs the whole command and its `n` partitions, mosaics them as `format`, and returns the
    /// first difference between the mosaic and the whole run (`nil`: identical).
    static func mosaicDiffers(_ input: String, _ args: [String], n: Int, in dir: URL, format: String = "VRT",
                              tag: String = "") throws -> String? {
        let whole = dir.appendingPathComponent("whole\(tag).tif").path
        let r = try CLI.run(["apply", input, whole, "-q", "--overwrite"] + args)
        guard r.status == 0 else { return "whole run: \(r.stderr)" }
        var parts: [String] = []
        for i in 0..<n {
            let part = dir.appendingPathComponent("part\(tag)-\(i)-of-\(n).tif").path
            let p = try CLI.run(["apply", input, part, "-q", "--overwrite", "--partition", "\(i)/\(n)"] + args)
            guard p.status == 0 else { return "partition \(i)/\(n): \(p.stderr)" }
            parts.append(part)
        }
        let mosaic = dir.appendingPathComponent("mosaic\(tag)-\(n).\(format == "VRT" ? "vrt" : "tif")").path
        let m = try CLI.run(["mosaic"] + parts.reversed() + [mosaic, "-of", format, "--overwrite", "-q"])
        guard m.status == 0 else { return "mosaic: \(m.stderr)" }
        return try PartitionTests.difference(whole, mosaic)
    }

    /// The first way `b` differs from `a`: size, geotransform, CRS, metadata, per-band nodata and pixels.
    static func difference(_ a: String, _ b: String) throws -> String? {
        let x = try Dataset.open(a), y = try Dataset.open(b)
        if x.width != y.width || x.height != y.height || x.bandCount != y.bandCount {
            return "size \(y.width)x\(y.height)x\(y.bandCount), not \(x.width)x\(x.height)x\(x.bandCount)"
        }
        if x.geoTransform != y.geoTransform { return "geotransform \(String(describing: y.geoTransform))" }
        if !SpatialReference.isSame(x.projectionWKT, y.projectionWKT) { return "CRS differs" }
        let mx = x.metadata().map { "\($0.key)=\($0.value)" }.sorted()
        let my = y.metadata().map { "\($0.key)=\($0.value)" }.sorted()
        if mx != my { return "metadata \(my), not \(mx)" }
        for b in 1...x.bandCount {
            let (nx, ny) = try (x.withBand(b) { $0.noDataValue }, y.withBand(b) { $0.noDataValue })
            if nx != ny && !(nx?.isNaN == true && ny?.isNaN == true) {
                return "band \(b) nodata \(String(describing: ny))"
            }
            let (tx, ty) = try (x.withBand(b) { $0.dataType }, y.withBand(b) { $0.dataType })
            if tx != ty { return "band \(b) type" }
        }
        let (px, py) = (try Fixture.read(a), try Fixture.read(b))
        for b in 0..<px.count {
            let m = Fixture.mismatches(py[b], px[b])
            if !m.isEmpty { return "band \(b + 1) pixels: \(m.joined(separator: "; "))" }
        }
        return nil
    }

    /// A 100x90 UInt16 scene in 16x16 blocks (42 blocks, 6 block rows), nodata 0, with metadata.
    static func scene(_ dir: URL, type: RasterDataType = .uint16, bands: Int = 1, noData: Double? = 0,
                      options: [String] = ["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16"]) throws -> String {
        let path = dir.appendingPathComponent("scene-\(type.name)-\(bands).tif").path
        let values = (0..<bands).map { b in Fixture.values(width: 100, height: 90, seed: UInt64(7 + b), type: type) }
        try Fixture.write(path, width: 100, height: 90, type: type, bands: values, noData: noData, options: options)
        let ds = try Dataset.open(path, access: .update)
        try ds.setMetadata([("SENSOR", "test"), ("ACQUIRED", "2026-12-02")])
        try ds.close()
        return path
    }

    /// A mask selecting two blobs (a sparse selection: most blocks hold no selected pixel).
    static func sparseMask(_ dir: URL) throws -> String {
        let path = dir.appendingPathComponent("mask.tif").path
        let values = (0..<(100 * 90)).map { i -> Double in
            let x = i % 100, y = i / 100
            return (x - 20) * (x - 20) + (y - 15) * (y - 15) < 40 || (x > 70 && x < 78 && y > 60) ? 1 : 0
        }
        try Fixture.write(path, width: 100, height: 90, type: .byte, bands: [values])
        return path
    }

    @Test func everyCountMosaicsToTheWholeRun() throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = try PartitionTests.scene(dir), mask = try PartitionTests.sparseMask(dir)
        // 42 blocks: 16 and 42 partitions are more than the 6 block rows, 42 is one block each.
        for n in [1, 2, 3, 7, 16, 42] {
            #expect(try PartitionTests.mosaicDiffers(input, ["--kernel", "box:3"], n: n, in: dir, tag: "full") == nil,
                    "full, N=\(n)")
            #expect(try PartitionTests.mosaicDiffers(input, ["--kernel", "gaussian:1.5", "--mask", mask], n: n, in: dir,
                                                     tag: "sparse") == nil, "sparse mask, N=\(n)")
        }
        let more = try CLI.run(["apply", input, dir.appendingPathComponent("x.tif").path, "--kernel", "box:3",
                                "--partition", "0/43"])
        #expect(more.status == 1 && more.stderr.contains("more than the 42 output blocks"), "\(more.stderr)")
    }

    @Test(arguments: ["reflect", "mirror", "nearest", "constant", "wrap"])
    func everyEdgeMode(_ edge: String) throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = try PartitionTests.scene(dir)
        // A 31x31 kernel reaches past a 16-pixel partition into its neighbours' neighbours.
        for (kernel, n) in [("box:5", 7), ("box:31", 16)] {
            #expect(try PartitionTests.mosaicDiffers(input, ["--kernel", kernel, "--edge", edge, "--cval", "7"], n: n,
                                                     in: dir) == nil, "\(edge) \(kernel) N=\(n)")
        }
    }

    @Test func typesSelectionsAndMethods() throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let rgb = try PartitionTests.scene(dir, type: .byte, bands: 3, noData: nil,
                                           options: ["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16", "INTERLEAVE=PIXEL"])
        #expect(try PartitionTests.mosaicDiffers(rgb, ["--kernel", "sharpen"], n: 3, in: dir, tag: "rgb") == nil)
        // Float32 with NaN as nodata and NaN pixels.
        let floats = dir.appendingPathComponent("nan.tif").path
        var v = Fixture.values(width: 100, height: 90, seed: 3, type: .float32)
        for i in stride(from: 0, to: v.count, by: 37) { v[i] = .nan }
        try Fixture.write(floats, width: 100, height: 90, type: .float32, bands: [v], noData: .nan)
        #expect(try PartitionTests.mosaicDiffers(floats, ["--kernel", "box:5"], n: 7, in: dir, tag: "nan") == nil)
        #expect(try PartitionTests.mosaicDiffers(floats, ["--method", "median", "--footprint", "disk:2"], n: 7, in: dir,
                                                 tag: "median") == nil)
        // Polygons in the scene's CRS, and a grown mask (its halo crosses partitions too).
        let polygons = dir.appendingPathComponent("fields.geojson").path
        try Data("""
        {"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:32633"}},"features":[
        {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[
        [300300,4999500],[301900,4999500],
        [301200,4997600],[300300,4999500]]]}}]}
        """.utf8).write(to: URL(fileURLWithPath: polygons))
        let input = try PartitionTests.scene(dir), mask = try PartitionTests.sparseMask(dir)
        #expect(try PartitionTests.mosaicDiffers(input, ["--kernel", "box:3", "--polygons", polygons], n: 3, in: dir,
                                                 tag: "poly") == nil)
        let grown = ["--kernel", "box:3", "--mask", mask, "--grow-mask", "9"]
        #expect(try PartitionTests.mosaicDiffers(input, grown, n: 16, in: dir, tag: "grow") == nil)
        // A DEFLATE input: a part copies its unselected blocks as the input's encoded bytes.
        let deflate = try PartitionTests.scene(dir, type: .int16, options: ["TILED=YES", "BLOCKXSIZE=16",
                                                                             "BLOCKYSIZE=16", "COMPRESS=DEFLATE",
                                                                             "PREDICTOR=2"])
        for n in [3, 7] {
            #expect(try PartitionTests.mosaicDiffers(deflate, ["--kernel", "box:5", "--mask", mask], n: n, in: dir,
                                                     tag: "raw") == nil, "raw blocks, N=\(n)")
        }
        let raw = try CLI.run(["apply", deflate, dir.appendingPathComponent("raw.tif").path, "--kernel", "box:5",
                               "--mask", mask, "--partition", "4/7", "--json"])
        #expect(raw.stdout.contains("\"pass_through\":\"raw_blocks\""), "\(raw.stdout) \(raw.stderr)")
        // A strip-organized output: partitions are bands of whole strips.
        #expect(try PartitionTests.mosaicDiffers(input, ["--kernel", "box:3", "-co", "TILED=NO", "-co", "BLOCKYSIZE=8"],
                                                 n: 5, in: dir, tag: "strips") == nil)
        // One file through GDAL: GTiff with the run's creation options, and a valid COG.
        #expect(try PartitionTests.mosaicDiffers(input, ["--kernel", "box:3", "--mask", mask], n: 3, in: dir,
                                                 format: "GTiff", tag: "gtiff") == nil)
        #expect(try PartitionTests.mosaicDiffers(input, ["--kernel", "box:3", "--mask", mask], n: 3, in: dir,
                                                 format: "COG", tag: "cog") == nil)
        let cog = try Dataset.open(dir.appendingPathComponent("mosaiccog-3.tif").path)
        #expect(cog.metadataItem("LAYOUT", domain: "IMAGE_STRUCTURE") == "COG")
        #expect(cog.metadataItem("COMPRESSION", domain: "IMAGE_STRUCTURE") == nil, "the input is uncompressed")
    }

    @Test func planListsThePartitionsTheyAre() throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = try PartitionTests.scene(dir), mask = try PartitionTests.sparseMask(dir)
        let args = ["--kernel", "box:3", "--mask", mask]
        let r = try CLI.run(["plan", input, "--partitions", "5", "--json"] + args)
        #expect(r.status == 0, "\(r.stderr)")
        let plan = try r.report()
        let parts = try #require(plan["partitions"] as? [[String: Any]])
        let digest = try #require(plan["runDigest"] as? String)
        #expect(parts.count == 5)
        var covered = [Int](repeating: 0, count: 100 * 90)
        var selected = 0
        for (i, p) in parts.enumerated() {
            let w = try #require(p["window"] as? [String: Int])
            let (x, y, width, height) = (w["x"]!, w["y"]!, w["width"]!, w["height"]!)
            #expect(p["index"] as? Int == i && x % 16 == 0 && y % 16 == 0, "block-aligned: \(w)")
            for yy in y..<(y + height) { for xx in x..<(x + width) { covered[yy * 100 + xx] += 1 } }
            let bounds = try #require(p["bounds"] as? [Double])
            #expect(bounds == [300000 + 30 * Double(x), 5000000 - 30 * Double(y + height),
                               300000 + 30 * Double(x + width), 5000000 - 30 * Double(y)])
            selected += p["selectedChunks"] as? Int ?? 0
            // The part apply writes is this window, tagged with the plan's digest.
            let part = dir.appendingPathComponent("p\(i).tif").path
            let a = try CLI.run(["apply", input, part, "--json", "--partition", "\(i)/5"] + args)
            #expect(a.status == 0, "\(a.stderr)")
            let report = try a.report()
            let tag = try #require(report["partition"] as? [String: Any])
            #expect(tag["run"] as? String == digest && tag["index"] as? Int == i && tag["count"] as? Int == 5)
            #expect(tag["window"] as? [String: Int] == w)
            let ds = try Dataset.open(part)
            #expect(ds.width == width && ds.height == height)
            #expect(ds.geoTransform == [300000 + 30 * Double(x), 30, 0, 5000000 - 30 * Double(y), 0, -30])
            let info = try CLI.run(["info", part, "--json"])
            #expect(info.stdout.contains("\"run\":\"\(digest)\"") || info.stdout.contains("\"run\" : \"\(digest)\""))
        }
        #expect(covered.allSatisfy { $0 == 1 }, "the partitions tile the raster")
        #expect(selected > 0 && selected < 42)
        // Balanced by the selection: the blocks the blobs reach are not all in one partition.
        let counts = parts.map { $0["selectedChunks"] as? Int ?? 0 }
        #expect(counts.filter { $0 > 0 }.count >= 2, "\(counts)")
        // The text lists them too.
        let text = try CLI.run(["plan", input, "--partitions", "5"] + args)
        #expect(text.stdout.contains("Partitions: 5 of run \(digest)"))
    }

    @Test func mosaicRefusesWhatIsNotOneRun() throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = try PartitionTests.scene(dir)
        func part(_ i: Int, _ n: Int, kernel: String = "box:3") throws -> String {
            let path = dir.appendingPathComponent("\(kernel)-\(i)-\(n).tif").path
            let r = try CLI.run(["apply", input, path, "-q", "--kernel", kernel, "--partition", "\(i)/\(n)",
                                 "-co", "COMPRESS=DEFLATE"])
            #expect(r.status == 0, "\(r.stderr)")
            return path
        }
        let parts = try (0..<4).map { try part($0, 4) }
        let out = dir.appendingPathComponent("m.vrt").path
        func refused(_ given: [String], _ text: String) throws {
            let r = try CLI.run(["mosaic"] + given + [out])
            #expect(r.status == 1 && r.stderr.contains(text), "\(given): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "one line")
            #expect(!FileManager.default.fileExists(atPath: out))
        }
        try refused(Array(parts.prefix(3)), "partition 3 of 4 of run")
        try refused(parts + [parts[1]], "is given twice")
        let foreign = try part(2, 4, kernel: "box:5")
        try refused([parts[0], parts[1], foreign, parts[3]], "\(foreign): a part of another run")
        try refused(parts + [input], "\(input): not a part of a partitioned run")
        // A truncated copy of a part.
        let truncated = dir.appendingPathComponent("truncated.tif").path
        let bytes = try Data(contentsOf: URL(fileURLWithPath: parts[2]))
        try bytes.prefix(bytes.count * 2 / 3).write(to: URL(fileURLWithPath: truncated))
        try refused([parts[0], parts[1], truncated, parts[3]], truncated)
        // Nothing half-written: no temporary is left beside OUTPUT.
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(left.allSatisfy { !$0.contains("geokernel-tmp") }, "\(left)")
        let ok = try CLI.run(["mosaic"] + parts + [out])
        #expect(ok.status == 0, "\(ok.stderr)")
    }

    @Test func badPartitionsAndTheEnvironment() throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = try PartitionTests.scene(dir)
        let out = dir.appendingPathComponent("o.tif").path
        for bad in ["3/3", "-1/4", "0/0", "a/b", "1", "1/2/3", "env/0"] {
            let r = try CLI.run(["apply", input, out, "--kernel", "box:3", "--partition", bad])
            #expect(r.status != 0 && r.stderr.contains("--partition"), "\(bad): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(bad): one line")
            #expect(!FileManager.default.fileExists(atPath: out))
        }
        let unset = try CLI.run(["apply", input, out, "--kernel", "box:3", "--partition", "env/4"])
        if ProcessInfo.processInfo.environment["JOB_COMPLETION_INDEX"] == nil
            && ProcessInfo.processInfo.environment["AWS_BATCH_JOB_ARRAY_INDEX"] == nil {
            #expect(unset.status == 1 && unset.stderr.contains("is set"), "\(unset.stderr)")
        }
        for variable in ["JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX"] {
            let fromEnv = dir.appendingPathComponent("env-\(variable).tif").path
            let r = try CLI.run(["apply", input, fromEnv, "--kernel", "box:3", "--partition", "env/4", "--json"],
                                environment: [variable: "2"])
            #expect(r.status == 0 && r.stdout.contains("\"index\":2"), "\(variable): \(r.stderr)")
            let direct = dir.appendingPathComponent("direct.tif").path
            _ = try CLI.run(["apply", input, direct, "--kernel", "box:3", "--partition", "2/4", "-q", "--overwrite"])
            #expect(try PartitionTests.difference(direct, fromEnv) == nil)
            let outOfRange = try CLI.run(["apply", input, out, "--kernel", "box:3", "--partition", "env/2"],
                                         environment: [variable: "2"])
            #expect(outOfRange.status == 1 && outOfRange.stderr.contains("from \(variable)"), "\(outOfRange.stderr)")
        }
        let cog = try CLI.run(["apply", input, out, "--kernel", "box:3", "--partition", "0/2", "-of", "COG"])
        #expect(cog.status == 1 && cog.stderr.contains("geokernel mosaic -of COG"))
        let plan = try CLI.run(["plan", input, "--kernel", "box:3", "--partitions", "0"])
        #expect(plan.status == 1 && plan.stderr.contains("number of partitions"))
    }

    @Test func aKilledPartitionResumes() throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = try InterruptTests.slowInput(dir)
        let out = dir.appendingPathComponent("part.tif").path
        let args = ["--kernel", "box:15", "--threads", "1", "--tile-size", "256", "--partition", "1/2"]
        _ = try ResumeTests.startAndKill(["apply", input, out] + args, out: out, signal: SIGKILL)
        #expect(FileManager.default.fileExists(atPath: out + ".geokernel-partial.tif.json"))
        // Another partition of the same command is another output: refused, naming --partition.
        var other = args
        other[other.count - 1] = "0/2"
        let refused = try CLI.run(["apply", input, out, "--resume"] + other)
        #expect(refused.status == 1 && refused.stderr.contains("--partition"), "\(refused.stderr)")
        let resumed = try CLI.run(["apply", input, out, "--resume", "-q"] + args)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let fresh = dir.appendingPathComponent("fresh.tif").path
        #expect(try CLI.run(["apply", input, fresh, "-q"] + args).status == 0)
        #expect(try PartitionTests.difference(fresh, out) == nil)
    }
}
