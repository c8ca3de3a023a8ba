import Foundation
import GDALKit
import TestSupport
import Testing
import RasterTiling

extension Corpus.Entry: CustomTestStringConvertible {
    public var testDescription: String { file }
}

/// Every corpus file GDAL reads: read every block, write a copy through GDALKit, reopen and
/// compare; every file it cannot read: a GDALError with GDAL's message and nothing left behind.
@Suite(.serialized) struct CorpusRoundTripTests {
    @Test func corpusIsThereOrSaysItWasSkipped() {
        if !Corpus.isAvailable {
            print("corpus suite skipped: ../shared/corpus not found (set GEOKERNEL_CORPUS)")
            return
        }
        #expect(Corpus.readable.count >= 60, "the MANIFEST lists the readable files")
        #expect(Corpus.unreadable.count >= 2)
    }

    @Test(.enabled(if: Corpus.isAvailable), arguments: Corpus.readable)
    func roundTrip(_ entry: Corpus.Entry) throws {
        let src = try Dataset.open(Corpus.path(entry.file))
        #expect(src.width > 0 && src.height > 0 && src.bandCount > 0)
        let out = "/vsimem/corpus-\(UUID().uuidString).tif"
        defer { GDALRuntime.unlink(out) }
        var types: [RasterDataType] = []
        for b in 1...src.bandCount {
            types.append(try #require(try src.withBand(b) { $0.dataType }))
            // Every block decodes (GDALReadBlock).
            try src.withBand(b) { band in
                let bs = band.blockSize
                let t = band.dataType!
                var buf = [UInt8](repeating: 0, count: bs.width * bs.height * t.byteSize)
                for by in 0..<((src.height + bs.height - 1) / bs.height) {
                    for bx in 0..<((src.width + bs.width - 1) / bs.width) {
                        try buf.withUnsafeMutableBytes { try band.readBlock(x: bx, y: by, into: $0) }
                    }
                }
            }
        }
        let common = types[0]
        let dst = try Dataset.create(out, width: src.width, height: src.height, bandCount: src.bandCount,
                                     dataType: common, options: ["TILED=YES", "COMPRESS=DEFLATE"])
        if let gt = src.geoTransform { try dst.setGeoTransform(gt) }
        if !src.projectionWKT.isEmpty { try dst.setProjection(src.projectionWKT) }
        if src.gcpCount > 0 { try dst.copyGCPs(from: src) }
        let rect = Window(x: 0, y: 0, width: src.width, height: src.height)
        let layout = BufferLayout(dataType: common, width: src.width, height: src.height)
        var pixels: [[UInt8]] = []
        for b in 1...src.bandCount {
            var buf = [UInt8](repeating: 0, count: layout.requiredBytes())
            try src.withBand(b) { band in
                try buf.withUnsafeMutableBytes { try band.read(rect, into: $0, layout: layout) }
            }
            try dst.withBand(b) { band in
                if let nd = try src.withBand(b, { $0.noDataValue }) { try band.setNoDataValue(nd) }
                try buf.withUnsafeBytes { try band.write(rect, from: $0, layout: layout) }
            }
            pixels.append(buf)
        }
        try dst.close()

        let back = try Dataset.open(out)
        #expect(back.width == src.width && back.height == src.height && back.bandCount == src.bandCount)
        #expect(back.geoTransform == src.geoTransform)
        #expect(SpatialReference.isSame(back.projectionWKT, src.projectionWKT))
        #expect(back.epsg == src.epsg)
        #expect(back.gcpCount == src.gcpCount)
        for b in 1...src.bandCount {
            let nd0 = try src.withBand(b) { $0.noDataValue }, nd1 = try back.withBand(b) { $0.noDataValue }
            #expect(nd0 == nd1 || (nd0?.isNaN == true && nd1?.isNaN == true), "nodata of band \(b)")
            var buf = [UInt8](repeating: 0, count: layout.requiredBytes())
            try back.withBand(b) { band in
                try buf.withUnsafeMutableBytes { try band.read(rect, into: $0, layout: layout) }
            }
            #expect(buf == pixels[b - 1], "pixels of band \(b)")
        }
    }

    @Test(.enabled(if: Corpus.isAvailable), arguments: Corpus.unreadable)
    func unreadableFilesGiveGDALsMessage(_ entry: Corpus.Entry) throws {
        let out = "/vsimem/unreadable-\(UUID().uuidString).tif"
        let error = #expect(throws: GDALError.self) {
            let ds = try Dataset.open(Corpus.path(entry.file))
            for b in 1...ds.bandCount {
                _ = try ds.withBand(b) { band in
                    try band.read(Window(x: 0, y: 0, width: ds.width, height: ds.height), as: Double.self)
                }
            }
            _ = try Dataset.create(out, width: ds.width, height: ds.height, bandCount: 1, dataType: .byte)
        }
        #expect(error?.message.isEmpty == false)
        #expect(["GDALOpenEx", "GDALRasterIOEx"].contains(error?.function ?? ""))
        #expect(!GDALRuntime.exists(out), "nothing is written for an unreadable input")
    }
}
