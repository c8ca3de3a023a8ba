import Foundation
import GDALKit
import TestSupport
import Testing
import RasterTiling

/// GDALKit against fixtures it builds itself under /vsimem/: runs everywhere.
@Suite(.serialized) struct GDALKitCoreTests {
    func tmp(_ name: String = "t") -> String { "/vsimem/core-\(name)-\(UUID().uuidString).tif" }

    @Test func versionIsRealGDAL() {
        #expect(GDALRuntime.version.hasPrefix("3."))
        #expect(GDALRuntime.versionNumber >= 3_000_000)
    }

    @Test(arguments: RasterDataType.allCases.filter { $0.gdal != nil })
    func everyTypeRoundTripsWithSpacing(_ type: RasterDataType) throws {
        let path = tmp(type.name)
        defer { GDALRuntime.unlink(path) }
        let w = 37, h = 23
        let ds = try Dataset.create(path, width: w, height: h, bandCount: 2, dataType: type,
                                    options: ["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16", "COMPRESS=LZW"])
        #expect(try ds.withBand(1) { $0.dataType } == type)
        #expect(try ds.withBand(1) { $0.blockSize.width } == 16)
        // Write bytes that differ everywhere, band by band.
        let n = w * h * type.byteSize
        let bytes = (0..<2).map { b in (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ b &* 7 &+ $0 / 5) } }
        let layout = BufferLayout(dataType: type, width: w, height: h)
        let rect = Window(x: 0, y: 0, width: w, height: h)
        for b in 1...2 {
            try ds.withBand(b) { band in
                try bytes[b - 1].withUnsafeBytes { try band.write(rect, from: $0, layout: layout) }
            }
        }
        try ds.close()
        let back = try Dataset.open(path)
        // Read both bands at once, pixel-interleaved, through explicit spacings.
        let s = type.byteSize
        var interleaved = [UInt8](repeating: 0, count: 2 * n)
        try interleaved.withUnsafeMutableBytes { buf in
            try back.read(bands: [1, 2], rect, into: buf,
                          layout: BufferLayout(dataType: type, width: w, height: h, pixelSpacing: 2 * s,
                                               lineSpacing: 2 * s * w, bandSpacing: s))
        }
        for b in 0..<2 {
            for p in 0..<(w * h) {
                let stored = Array(interleaved[(2 * p + b) * s ..< (2 * p + b + 1) * s])
                #expect(stored == Array(bytes[b][p * s ..< (p + 1) * s]))
            }
        }
        #expect(type.isComplex == [.cint16, .cint32, .cfloat32, .cfloat64].contains(type))
    }

    @Test func blocksReadAndWriteWhole() throws {
        let path = tmp("blocks")
        defer { GDALRuntime.unlink(path) }
        let ds = try Dataset.create(path, width: 40, height: 20, bandCount: 1, dataType: .uint16,
                                    options: ["TILED=YES", "BLOCKXSIZE=32", "BLOCKYSIZE=16"])
        let block = (0..<(32 * 16)).map { UInt16($0) }
        try ds.withBand(1) { band in
            for by in 0..<2 {
                for bx in 0..<2 { try block.withUnsafeBytes { try band.writeBlock(x: bx, y: by, from: $0) } }
            }
        }
        try ds.close()
        let back = try Dataset.open(path)
        let v: [UInt16] = try back.withBand(1) { try $0.read(Window(x: 30, y: 14, width: 4, height: 4)) }
        // (30,14) is block (0,0) pixel (30,14); (32,16) is block (1,1) pixel (0,0).
        #expect(v[0] == UInt16(14 * 32 + 30))
        #expect(v[2 * 4 + 2] == 0)
        var out = [UInt16](repeating: 9, count: 32 * 16)
        try back.withBand(1) { band in try out.withUnsafeMutableBytes { try band.readBlock(x: 1, y: 0, into: $0) } }
        #expect(Array(out[0..<8]) == Array(block[0..<8]))
    }

    @Test func georeferencingMetadataAndBandFacts() throws {
        let path = tmp("georef")
        defer { GDALRuntime.unlink(path) }
        let ds = try Dataset.create(path, width: 8, height: 8, bandCount: 2, dataType: .float32)
        try ds.setGeoTransform([500000, 10, 0, 4600000, 0, -10])
        let wkt = Fixture.utm33N
        try ds.setProjection(wkt)
        try ds.setMetadata([("SENSOR", "test"), ("AREA_OR_POINT", "Area")])
        try ds.withBand(1) { b in
            try b.setNoDataValue(-9999)
            try b.setColorInterpretation("Gray")
            try b.setScaleOffset(scale: 0.5, offset: 1)
            try b.setUnitType("m")
        }
        try ds.withBand(2) { try $0.setNoDataValue(-9999) }   // GeoTIFF keeps one nodata for all bands
        try ds.close()
        let back = try Dataset.open(path)
        #expect(back.geoTransform == [500000, 10, 0, 4600000, 0, -10])
        #expect(back.epsg == 32633)
        #expect(back.metadataItem("SENSOR") == "test")
        #expect(back.metadataDomains.contains("IMAGE_STRUCTURE"))
        #expect(back.driverName == "GTiff")
        try back.withBand(1) { b in
            #expect(b.noDataValue == -9999)
            #expect(b.colorInterpretation == "Gray")
            #expect(b.scaleOffset?.scale == 0.5 && b.scaleOffset?.offset == 1)
            #expect(b.unitType == "m")
            #expect(b.maskFlags == .nodata)
            #expect(!b.hasColorTable && b.overviewCount == 0)
        }
        try back.withBand(2) { b in #expect(b.noDataValue == -9999) }
    }

    @Test func maskBandFromNodataNaNAndInternalMask() throws {
        let path = tmp("mask")
        defer { GDALRuntime.unlink(path); GDALRuntime.unlink(path + ".msk") }
        let ds = try Dataset.create(path, width: 4, height: 1, bandCount: 1, dataType: .float32)
        try ds.withBand(1) { b in
            try b.setNoDataValue(.nan)
            try b.write(Window(x: 0, y: 0, width: 4, height: 1), values: [1, .nan, 3, 4] as [Float])
        }
        try ds.close()
        let back = try Dataset.open(path)
        let first4 = Window(x: 0, y: 0, width: 4, height: 1)
        let m: [UInt8] = try back.withBand(1) { b in try b.withMaskBand { try $0.read(first4) } }
        #expect(m == [255, 0, 255, 255])

        let p2 = tmp("internal")
        defer { GDALRuntime.unlink(p2) }
        GDALRuntime.setConfigOption("GDAL_TIFF_INTERNAL_MASK", "YES")
        let d2 = try Dataset.create(p2, width: 4, height: 1, bandCount: 2, dataType: .byte)
        try d2.withBand(1) { try $0.createMaskBand(.perDataset) }
        try d2.withBand(1) { b in try b.withMaskBand { try $0.write(first4, values: [0, 255, 255, 0] as [UInt8]) } }
        try d2.close()
        let b2 = try Dataset.open(p2)
        #expect(try b2.withBand(2) { $0.maskFlags } == .perDataset)
        let m2: [UInt8] = try b2.withBand(2) { b in try b.withMaskBand { try $0.read(first4) } }
        #expect(m2 == [0, 255, 255, 0])
    }

    @Test func errorsCarryGDALsMessageAndFunction() {
        let missing = "/nonexistent/folder/x.tif"
        let e = #expect(throws: GDALError.self) { _ = try Dataset.open(missing) }
        #expect(e?.function == "GDALOpenEx")
        #expect(e?.message.contains(missing) == true)
        #expect(e?.description.contains("[GDALOpenEx]") == true)
        let c = #expect(throws: GDALError.self) {
            _ = try Dataset.create("/nonexistent/folder/y.tif", width: 2, height: 2, bandCount: 1, dataType: .byte)
        }
        #expect(c?.function == "GDALCreate")
        #expect(c?.message.isEmpty == false)
        let d = #expect(throws: GDALError.self) {
            _ = try Dataset.create(tmp(), driver: "NoSuchDriver", width: 2, height: 2, bandCount: 1, dataType: .byte)
        }
        #expect(d?.function == "GDALGetDriverByName")
        let path = tmp("range")
        defer { GDALRuntime.unlink(path) }
        let r = #expect(throws: GDALError.self) {
            let ds = try Dataset.create(path, width: 2, height: 2, bandCount: 1, dataType: .byte)
            _ = try ds.withBand(1) { try $0.read(Window(x: 1, y: 1, width: 5, height: 5), as: UInt8.self) }
        }
        #expect(r?.message.contains("Access window out of range") == true)
        #expect(throws: GDALError.self) {
            let ds = try Dataset.create(tmp("b"), width: 2, height: 2, bandCount: 1, dataType: .byte)
            try ds.withBand(3) { _ in }
        }
    }

    @Test func createCopyReportsProgressAndCanBeCancelled() throws {
        let src = tmp("src"), dst = tmp("dst"), dst2 = tmp("dst2")
        defer { [src, dst, dst2].forEach { GDALRuntime.unlink($0) } }
        let ds = try Dataset.create(src, width: 64, height: 64, bandCount: 1, dataType: .byte)
        try ds.withBand(1) {
            try $0.write(Window(x: 0, y: 0, width: 64, height: 64), values: [UInt8](repeating: 7, count: 4096))
        }
        nonisolated(unsafe) var seen: [Double] = []
        let copy = try ds.createCopy(to: dst, options: ["COMPRESS=DEFLATE"]) { seen.append($0); return true }
        #expect(seen.last == 1.0)
        #expect(try copy.withBand(1) { try $0.read(Window(x: 5, y: 5, width: 1, height: 1), as: UInt8.self) } == [7])
        try copy.close()
        let e = #expect(throws: GDALError.self) { _ = try ds.createCopy(to: dst2) { _ in false } }
        #expect(e?.message.lowercased().contains("user terminated") == true)
    }
}
