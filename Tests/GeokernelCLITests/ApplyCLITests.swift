import Foundation
import GDALKit
import RasterKernels
import RasterTiling
import TestSupport
import Testing

/// End-to-end: the real binary on real corpus files, checked against the reference.
@Suite(.serialized, .enabled(if: Corpus.isAvailable)) struct ApplyCLITests {
    let dir = Fixture.folder()

    /// Runs apply and checks every band against the reference composited by `selected`.
    func check(_ file: String, kernel: String, kernelMatrix: Kernel, extra: [String] = [], filtered: Set<Int>? = nil,
               selected: [Bool]? = nil, maskPath: String? = nil, outputType: RasterDataType? = nil,
               policy: NodataPolicy = .renormalize, edge: EdgeMode = .reflect) throws {
        let input = Corpus.path(file)
        let out = dir.appendingPathComponent("out-\(UUID().uuidString).tif").path
        var args = ["apply", input, out, "--kernel", kernel, "-q", "--edge", edge.rawValue, "--nodata-policy", policy.rawValue] + extra
        if let maskPath { args += ["--mask", maskPath] }
        if let outputType { args += ["-ot", outputType.name] }
        let r = try CLI.run(args)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.isEmpty)
        let src = try Dataset.open(input)
        let dst = try Dataset.open(out)
        #expect(dst.width == src.width && dst.height == src.height && dst.bandCount == src.bandCount)
        #expect(dst.geoTransform == src.geoTransform)
        #expect(SpatialReference.isSame(dst.projectionWKT, src.projectionWKT))
        #expect(dst.gcpCount == src.gcpCount)
        let inputs = try Fixture.read(input), outputs = try Fixture.read(out)
        for b in 1...src.bandCount {
            let (type, nd, flags, ci) = try src.withBand(b) { ($0.dataType!, $0.noDataValue, $0.maskFlags, $0.colorInterpretation) }
            let outType = try dst.withBand(b) { $0.dataType! }
            #expect(outType == (outputType ?? type))
            #expect(try dst.withBand(b) { $0.noDataValue } == nd || nd?.isNaN == true)
            #expect(try dst.withBand(b) { $0.colorInterpretation } == ci)
            var valid: [Bool]? = nil
            if !flags.contains(.allValid) {
                let m: [UInt8] = try src.withBand(b) { band in try band.withMaskBand { try $0.read(PixelRect(x: 0, y: 0, width: src.width, height: src.height)) } }
                valid = m.map { $0 != 0 }
            }
            let image = inputs[b - 1]
            var exp: [Double]
            if filtered?.contains(b) ?? true {
                exp = ReferenceConvolution.apply(image: image, width: src.width, height: src.height, kernel: kernelMatrix, edge: edge,
                                                 policy: policy, valid: valid, selected: selected, nanIsInvalid: type.isFloatingPoint)
            } else {
                exp = image
            }
            exp = exp.map { Fixture.stored($0, as: outputType ?? type, noData: nd) }
            let diff = Fixture.mismatches(outputs[b - 1], exp)
            #expect(diff.isEmpty, "\(file) band \(b): \(diff)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).allSatisfy { !$0.contains("geokernel-tmp") })
    }

    @Test func fullMaskOnPixelInterleavedStrips() throws {
        try check("rasterio__RGB.byte.tif", kernel: "gaussian:1", kernelMatrix: try KernelPreset.kernel("gaussian:1"))
    }

    @Test func randomMaskOnTiledUInt16() throws {
        let input = Corpus.path("riotiler__web.tif")
        let src = try Dataset.open(input)
        let selected = (0..<(src.width * src.height)).map { i in (i &* 2654435761) % 7 < 2 }
        let mask = dir.appendingPathComponent("mask.tif").path
        try Fixture.write(mask, width: src.width, height: src.height, type: .byte, bands: [selected.map { $0 ? 1 : 0 }],
                          options: ["TILED=YES"], geoTransform: src.geoTransform!)
        try check("riotiler__web.tif", kernel: "0,-1,0;-1,5,-1;0,-1,0", kernelMatrix: try KernelPreset.kernel("sharpen"),
                  selected: selected, maskPath: mask)
    }

    @Test func nodataAndNaNFiles() throws {
        let k = try Kernel(parsingInline: "1,2,1;2,4,2;1,2,1")
        for f in ["gdalraster__storml_elev.tif", "gdal__nan32_nodata.tif", "rasterio__float_nan.tif", "georust__dem-hills.tiff",
                  "gdal__nan64.tif", "geotiffdata__nt_20201024_f18_nrt_s.tif"] {
            try check(f, kernel: "1,2,1;2,4,2;1,2,1", kernelMatrix: k)
        }
        try check("gdalraster__storml_elev.tif", kernel: "box:3", kernelMatrix: try KernelPreset.kernel("box:3"), policy: .ignore)
    }

    @Test func masksAlphaAndExternalMsk() throws {
        let k = try KernelPreset.kernel("box:3")
        for f in ["rasterio__RGB2.byte.tif", "rasterio__RGBA.uint16.tif", "gdal__test_with_mask_1bit.tif", "rasterio__cogeo.tif"] {
            try check(f, kernel: "box:3", kernelMatrix: k)
        }
    }

    @Test func bandSubsetAndOutputType() throws {
        let k = try KernelPreset.kernel("laplacian")
        try check("rasterio__rgb_lzw.tif", kernel: "laplacian", kernelMatrix: k, extra: ["--bands", "1,3"], filtered: [1, 3])
        try check("rasterio__rgb_lzw.tif", kernel: "laplacian", kernelMatrix: k, outputType: .float32)
        try check("gdal__uint16.tif", kernel: "laplacian", kernelMatrix: k, outputType: .int16, edge: .wrap)
    }

    @Test func clampingIsReported() throws {
        let out = dir.appendingPathComponent("clamped.tif").path
        let r = try CLI.run(["apply", Corpus.path("gdal__byte.tif"), out, "--kernel", "0,-4,0;-4,17,-4;0,-4,0", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let clamped = json["pixels_clamped"] as! [Int]
        #expect(clamped[0] > 0)
        let v = try Fixture.read(out)[0]
        #expect(v.contains(0) && v.contains(255))
        try check("gdal__byte.tif", kernel: "0,-4,0;-4,17,-4;0,-4,0", kernelMatrix: try Kernel(parsingInline: "0,-4,0;-4,17,-4;0,-4,0"))
    }

    @Test func gcpsEvenKernelsAndOddLayouts() throws {
        try check("georust__gcp.tif", kernel: "1,2;3,4", kernelMatrix: try Kernel(parsingInline: "1,2;3,4"))
        for f in ["gdal__f2r23.tif", "gdal__separate_tiled.tif", "gdal__one_strip_nobytecount.tif", "nodegdal__sample_bigtiff.tif",
                  "gdal__int12.tif", "gdal__contig_strip.tif", "rasterio__rotated.tif"] {
            try check(f, kernel: "1,0,2,1;0,1,1,0", kernelMatrix: try Kernel(parsingInline: "1,0,2,1;0,1,1,0"), edge: .mirror)
        }
    }

    @Test func outputTakesInputBlocksAndLosslessCompression() throws {
        func structure(_ file: String) throws -> (String?, String?, Int) {
            let out = dir.appendingPathComponent("s-\(UUID().uuidString).tif").path
            let r = try CLI.run(["apply", Corpus.path(file), out, "--kernel", "identity", "-q"])
            #expect(r.status == 0, "\(r.stderr)")
            let ds = try Dataset.open(out)
            return (ds.metadataItem("COMPRESSION", domain: "IMAGE_STRUCTURE"), ds.metadataItem("PREDICTOR", domain: "IMAGE_STRUCTURE"),
                    try ds.withBand(1) { $0.blockSize.width })
        }
        let lzw = try structure("rasterio__rgb_lzw.tif")
        #expect(lzw.0 == "LZW" && lzw.2 == 256)
        let deflate = try structure("riotiler__web.tif")
        #expect(deflate.0 == "DEFLATE" && deflate.1 == "2")
        let jpeg = try structure("gdal__ycbcr_with_mask.tif")
        #expect(jpeg.0 == "DEFLATE")
        let strips = try structure("rasterio__RGB.byte.tif")
        #expect(strips.0 == nil && strips.2 == 256)
        let small = try structure("riocolor__rgb16.tif")
        #expect(small.2 == 32)
    }
}
