import Foundation
import GDALKit
import RasterKernels
import RasterTiling
import Testing

/// End-to-end checks shared by the CLI suites: run the real binary, compare with the reference.
public enum EndToEnd {
    /// Runs apply and checks every band against the reference composited by `selected`,
    /// and that the georeferencing survived and no temporary was left.
    @discardableResult
    public static func check(_ input: String, in dir: URL, kernel: String, kernelMatrix: Kernel, extra: [String] = [],
                             filtered: Set<Int>? = nil,
               selected: [Bool]? = nil, maskPath: String? = nil, outputType: RasterDataType? = nil,
               policy: NodataPolicy = .renormalize, edge: EdgeMode = .reflect,
               checkPixels: Bool = true) throws -> String {
        let out = dir.appendingPathComponent("out-\(UUID().uuidString).tif").path
        var args = ["apply", input, out, "--kernel", kernel, "-q", "--edge", edge.rawValue, "--nodata-policy",
                    policy.rawValue] + extra
        if let maskPath { args += ["--mask", maskPath] }
        if let outputType { args += ["-ot", outputType.name] }
        let r = try CLI.run(args)
        defer { try? FileManager.default.removeItem(atPath: out) }
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
            let (type, nd, flags,
                 ci) = try src.withBand(b) { ($0.dataType!, $0.noDataValue, $0.maskFlags, $0.colorInterpretation) }
            let outType = try dst.withBand(b) { $0.dataType! }
            #expect(outType == (outputType ?? type))
            #expect(try dst.withBand(b) { $0.noDataValue } == nd || nd?.isNaN == true)
            #expect(try dst.withBand(b) { $0.colorInterpretation } == ci)
            var valid: [Bool]? = nil
            if !flags.contains(.allValid) {
                let whole = Window(width: src.width, height: src.height)
                let m: [UInt8] = try src.withBand(b) { band in try band.withMaskBand { try $0.read(whole) } }
                valid = m.map { $0 != 0 }
            }
            let image = inputs[b - 1]
            var exp: [Double]
            if filtered?.contains(b) ?? true {
                exp = ReferenceConvolution.apply(image: image, width: src.width, height: src.height,
                                                 kernel: kernelMatrix, edge: edge,
                                                 policy: policy, valid: valid, selected: selected,
                                                 nanIsInvalid: type.isFloatingPoint)
            } else {
                exp = image
            }
            exp = exp.map { Fixture.stored($0, as: outputType ?? type, noData: nd) }
            guard checkPixels else { continue }
            let diff = Fixture.mismatches(outputs[b - 1], exp)
            #expect(diff.isEmpty, "\(input) band \(b): \(diff)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path)
            .allSatisfy { !$0.contains("geokernel-tmp") })
        return r.stdout
    }

}
