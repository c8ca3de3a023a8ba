import Foundation
import GDALKit
import RasterKernels
import RasterTiling
import TestSupport
import Testing

/// End-to-end: the real binary on real corpus files, checked against the reference.
@Suite(.serialized, .enabled(if: Corpus.isAvailable)) struct ApplyCLITests {
    let folder = TemporaryFolder()
    var dir: URL { folder.url }

    func check(_ file: String, kernel: String, kernelMatrix: Kernel, extra: [String] = [], filtered: Set<Int>? = nil,
               selected: [Bool]? = nil, maskPath: String? = nil, outputType: RasterDataType? = nil,
               policy: NodataPolicy = .renormalize, edge: EdgeMode = .reflect) throws {
        try EndToEnd.check(Corpus.path(file), in: dir, kernel: kernel, kernelMatrix: kernelMatrix, extra: extra,
                           filtered: filtered,
                           selected: selected, maskPath: maskPath, outputType: outputType, policy: policy, edge: edge)
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
                          options: ["TILED=YES"], geoTransform: src.geoTransform!, wkt: src.projectionWKT)
        try check("riotiler__web.tif", kernel: "0,-1,0;-1,5,-1;0,-1,0",
                  kernelMatrix: try KernelPreset.kernel("sharpen"),
                  selected: selected, maskPath: mask)
    }

    @Test func nodataAndNaNFiles() throws {
        let k = try Kernel(parsingInline: "1,2,1;2,4,2;1,2,1")
        for f in ["gdalraster__storml_elev.tif", "gdal__nan32_nodata.tif", "rasterio__float_nan.tif",
                  "georust__dem-hills.tiff",
                  "gdal__nan64.tif", "geotiffdata__nt_20201024_f18_nrt_s.tif"] {
            try check(f, kernel: "1,2,1;2,4,2;1,2,1", kernelMatrix: k)
        }
        try check("gdalraster__storml_elev.tif", kernel: "box:3", kernelMatrix: try KernelPreset.kernel("box:3"),
                  policy: .ignore)
    }

    @Test func masksAlphaAndExternalMsk() throws {
        let k = try KernelPreset.kernel("box:3")
        for f in ["rasterio__RGB2.byte.tif", "rasterio__RGBA.uint16.tif", "gdal__test_with_mask_1bit.tif",
                  "rasterio__cogeo.tif"] {
            try check(f, kernel: "box:3", kernelMatrix: k)
        }
    }

    @Test func bandSubsetAndOutputType() throws {
        let k = try KernelPreset.kernel("laplacian")
        try check("rasterio__rgb_lzw.tif", kernel: "laplacian", kernelMatrix: k, extra: ["--bands", "1,3"],
                  filtered: [1, 3])
        try check("rasterio__rgb_lzw.tif", kernel: "laplacian", kernelMatrix: k, outputType: .float32)
        try check("gdal__uint16.tif", kernel: "laplacian", kernelMatrix: k, outputType: .int16, edge: .wrap)
    }

    @Test func clampingIsReported() throws {
        let out = dir.appendingPathComponent("clamped.tif").path
        let r = try CLI.run(["apply", Corpus.path("gdal__byte.tif"), out, "--kernel", "0,-4,0;-4,17,-4;0,-4,0",
                             "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try r.report()
        let clamped = json["pixels_clamped"] as! [Int]
        #expect(clamped[0] > 0)
        let v = try Fixture.read(out)[0]
        #expect(v.contains(0) && v.contains(255))
        try check("gdal__byte.tif", kernel: "0,-4,0;-4,17,-4;0,-4,0",
                  kernelMatrix: try Kernel(parsingInline: "0,-4,0;-4,17,-4;0,-4,0"))
    }

    @Test func gcpsEvenKernelsAndOddLayouts() throws {
        try check("georust__gcp.tif", kernel: "1,2;3,4", kernelMatrix: try Kernel(parsingInline: "1,2;3,4"))
        for f in ["gdal__f2r23.tif", "gdal__separate_tiled.tif", "gdal__one_strip_nobytecount.tif",
                  "nodegdal__sample_bigtiff.tif",
                  "gdal__int12.tif", "gdal__contig_strip.tif", "rasterio__rotated.tif"] {
            try check(f, kernel: "1,0,2,1;0,1,1,0", kernelMatrix: try Kernel(parsingInline: "1,0,2,1;0,1,1,0"),
                      edge: .mirror)
        }
    }

    @Test func outputTakesInputBlocksAndLosslessCompression() throws {
        func structure(_ file: String) throws -> (String?, String?, Int) {
            let out = dir.appendingPathComponent("s-\(UUID().uuidString).tif").path
            let r = try CLI.run(["apply", Corpus.path(file), out, "--kernel", "identity", "-q"])
            #expect(r.status == 0, "\(r.stderr)")
            let ds = try Dataset.open(out)
            return (ds.metadataItem("COMPRESSION", domain: "IMAGE_STRUCTURE"),
                    ds.metadataItem("PREDICTOR", domain: "IMAGE_STRUCTURE"),
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
