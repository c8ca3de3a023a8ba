import Foundation
import RasterKernels
import Testing

/// The pure parts of ground-unit sizes: parsing lengths, the metres per pixel of a geotransform,
/// and what `gaussian:L` / `box:L` become on a grid (GDAL-free; the CLI suite checks real files).
@Suite struct GroundUnitTests {
    @Test(arguments: [
        ("30m", 30.0, GroundLength.Unit.metres), ("0.5km", 0.5, .kilometres), ("12.5px", 12.5, .pixels),
        ("7", 7, .pixels), ("1e2m", 100, .metres), ("-3m", -3, .metres), (".5m", 0.5, .metres),
    ])
    func parsesLengths(_ text: String, _ value: Double, _ unit: GroundLength.Unit) throws {
        let l = try #require(GroundLength(parsing: text))
        #expect(l.value == value && l.unit == unit)
        #expect(l.isGround == (unit != .pixels))
    }

    @Test(arguments: ["30mm", "30 m", "m", "", "nanm", "infm", "30M", "0x10m", "3..0m", "30m2"])
    func refusesWhatIsNotALength(_ text: String) {
        #expect(GroundLength(parsing: text) == nil, "\(text)")
    }

    @Test func metresAndPixels() throws {
        #expect(GroundLength(parsing: "0.5km")?.metres == 500)
        #expect(GroundLength(parsing: "4px")?.metres == nil)
        let scale = try #require(GroundScale(metresPerPixelX: 10, metresPerPixelY: 20))
        let p = try #require(GroundLength(parsing: "0.1km")?.pixels(on: scale))
        #expect(p.x == 10 && p.y == 5)
        #expect(GroundLength(parsing: "30m")?.pixels(on: nil) == nil, "a ground length needs a scale")
        #expect(GroundLength(parsing: "3px")?.pixels(on: nil).map { [$0.x, $0.y] } == [3, 3])
        #expect(GroundScale(metresPerPixelX: 0, metresPerPixelY: 1) == nil)
    }

    @Test func projectedScaleIsThePixelSizeTimesTheUnit() throws {
        let s = try #require(
            GroundScale(
                geoTransform: [500000, 10, 0, 5_000_000, 0, -10], width: 10, height: 10,
                units: .linear(metresPerUnit: 1)))
        #expect(s.metresPerPixelX == 10 && s.metresPerPixelY == 10 && s.isSquare)
        // US survey feet: 1200/3937 m each.
        let ft = try #require(
            GroundScale(
                geoTransform: [0, 100, 0, 0, 0, -50], width: 10, height: 10,
                units: .linear(metresPerUnit: 1200.0 / 3937)))
        #expect(abs(ft.metresPerPixelX - 100 * 1200.0 / 3937) < 1e-12 && !ft.isSquare)
        // A rotated grid: the step along a row is (6, 8) units long, i.e. 10.
        let r = try #require(
            GroundScale(geoTransform: [0, 6, -8, 0, 8, 6], width: 4, height: 4, units: .linear(metresPerUnit: 1)))
        #expect(abs(r.metresPerPixelX - 10) < 1e-12 && abs(r.metresPerPixelY - 10) < 1e-12)
        #expect(
            GroundScale(geoTransform: [0, 0, 0, 0, 0, -1], width: 4, height: 4, units: .linear(metresPerUnit: 1)) == nil
        )
    }

    /// At the equator a degree of longitude is a·π/180 on WGS 84 (111 319.49 m) and a degree of
    /// latitude is the meridian radius there, a(1−e²)·π/180 (110 574.28 m); at 60° a degree of
    /// longitude is about half the equator's.
    @Test func geographicScaleUsesTheEllipsoidAtTheCentreLatitude() throws {
        let wgs84 = GroundScale.CRSUnits.geographic(
            radiansPerUnit: .pi / 180, semiMajorMetres: 6_378_137, inverseFlattening: 298.257223563)
        let eq = try #require(GroundScale(geoTransform: [10, 1, 0, 0.5, 0, -1], width: 1, height: 1, units: wgs84))
        #expect(abs(eq.metresPerPixelX - 111_319.490_79) < 0.01)
        #expect(abs(eq.metresPerPixelY - 110_574.275_8) < 0.01)
        // A 2x2 raster whose centre is at 60° N.
        let north = try #require(
            GroundScale(geoTransform: [10, 0.001, 0, 60.001, 0, -0.001], width: 2, height: 2, units: wgs84))
        let f = 1 / 298.257223563
        let e2 = f * (2 - f)
        let phi = 60 * Double.pi / 180
        let n = 6_378_137 / (1 - e2 * sin(phi) * sin(phi)).squareRoot()
        #expect(abs(north.metresPerPixelX - n * cos(phi) * .pi / 180 * 0.001) < 1e-9)
        #expect(north.metresPerPixelX < north.metresPerPixelY / 1.9 && !north.isSquare)
    }

    @Test func gaussianInGroundUnitsIsTheGaussianInPixels() throws {
        let spec = try #require(try GroundKernelSpec.parse("gaussian:30m"))
        let scale = try #require(GroundScale(metresPerPixelX: 10, metresPerPixelY: 10))
        let (kernel, size) = try spec.resolve(on: scale)
        #expect(kernel == (try KernelPreset.kernel("gaussian:3")), "sigma 30 m at 10 m = gaussian:3 exactly")
        #expect(size.pixelsX == 3 && size.pixelsY == 3 && size.parameter == "sigma")
        #expect(size.description == "gaussian:30m: sigma 3 x 3 px at 10 x 10 m per pixel")
    }

    /// Non-square pixels: a sigma per axis, radius ⌈3σ⌉ each, each axis normalised.
    @Test func nonSquarePixelsGiveASigmaPerAxis() throws {
        let spec = try #require(try GroundKernelSpec.parse("gaussian:0.03km"))
        let scale = try #require(GroundScale(metresPerPixelX: 10, metresPerPixelY: 20))
        let (k, size) = try spec.resolve(on: scale)
        #expect(size.pixelsX == 3 && size.pixelsY == 1.5)
        #expect(k.width == 19 && k.height == 11 && k.isSeparable)
        #expect(abs(k.sum - 1) < 1e-12)
        func g(_ d: Int, _ s: Double) -> Double { exp(-Double(d * d) / (2 * s * s)) }
        let gx = (-9...9).map { g($0, 3) }
        let gy = (-5...5).map { g($0, 1.5) }
        let sx = gx.reduce(0, +)
        let sy = gy.reduce(0, +)
        #expect(abs(k[9, 5] - 1 / (sx * sy)) < 1e-15, "centre weight")
        #expect(abs(k[0, 0] - gx[0] * gy[0] / (sx * sy)) < 1e-18, "corner weight")
    }

    @Test(arguments: [
        (90.0, 30.0, 3), (100, 30, 3), (59.9, 30, 1), (60, 30, 3), (120, 30, 5), (150, 30, 5), (10, 30, 1),
    ])
    func boxIsTheNearestOddSize(_ metres: Double, _ pixel: Double, _ expected: Int) throws {
        let spec = try #require(try GroundKernelSpec.parse("box:\(metres)m"))
        let scale = GroundScale(metresPerPixelX: pixel, metresPerPixelY: pixel)
        let (k, size) = try spec.resolve(on: scale)
        #expect(k.width == expected && k.height == expected && Int(size.pixelsX) == expected)
        #expect(k.values.allSatisfy { $0 == 1 / Double(expected * expected) })
    }

    @Test func specsAndTheirErrors() throws {
        #expect(try GroundKernelSpec.parse("gaussian:1.5") == nil, "plain pixels stay a preset")
        #expect(try GroundKernelSpec.parse("sharpen") == nil)
        #expect(try GroundKernelSpec.parse("0,1,0") == nil)
        #expect(try GroundKernelSpec.parse("GAUSSIAN:30m")?.preset == "gaussian")
        #expect(throws: KernelError.self) { try GroundKernelSpec.parse("gaussian:30mm") }
        #expect(throws: KernelError.self) { try GroundKernelSpec.parse("box:30 m") }
        let scale = try #require(GroundScale(metresPerPixelX: 10, metresPerPixelY: 10))
        #expect(throws: KernelError.badPresetArgument(preset: "box", argument: "-3m", expected: "a positive length")) {
            try GroundKernelSpec.parse("box:-3m")?.resolve(on: scale)
        }
        #expect(throws: KernelError.tooLarge(width: 1801, height: 1801, limit: 511)) {
            try GroundKernelSpec.parse("gaussian:3km")?.resolve(on: scale)
        }
        #expect(throws: KernelError.self) { try GroundKernelSpec.parse("box:2.5px")?.resolve(on: nil) }
        #expect(try GroundKernelSpec.parse("box:4px")?.resolve(on: nil).kernel.width == 4, "pixels need no scale")
    }
}
