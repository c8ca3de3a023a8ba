// swift-tools-version:6.0
// GeoKernel: masked convolution of huge georeferenced rasters, streamed through GDAL.
import Foundation
import PackageDescription

// MARK: - Shared settings

/// Every Swift target builds in Swift 6 language mode with complete strict concurrency.
let settings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
]

/// Start-up: libgdal's ~120 libraries (Debian 12's libgdal32) are all built with BIND_NOW, and ld.so resolves each
/// of their symbols by walking the loaded libraries in breadth-first order from the executable; those lookups were
/// 40 % of a process's start-up (the C++ runtime is found 60th, OpenBLAS, behind libblas.so.3, 120th). Naming the
/// libraries that most lookups end in first (counted with `LD_DEBUG=bindings`) cuts `geokernel info` on the sample
/// from ~65 to ~50 CPU-ms. Only libraries present are named; on another system the list is empty and the link is
/// as before. OpenBLAS (13,500 of the 77,000 lookups) is named only when libblas.so.3 is OpenBLAS when building:
/// the binary then needs libopenblas.so.0, and must be rebuilt if OpenBLAS is removed.
/// See Docs/scale-out.md, "What a partition costs".
let startupOrder: [String] = {
    let names = [
        "libc.so.6", "libblas.so.3", "libxerces-c-3.2.so", "libgeos.so.3.11.1", "libcrypto.so.3", "libstdc++.so.6",
        "libproj.so.25", "libpoppler.so.126", "libkmldom.so.1", "libsqlite3.so.0", "libnetcdf.so.19",
        "libhdf5_serial.so.103", "libspatialite.so.7", "libgeos_c.so.1", "libgnutls.so.30", "libnettle.so.8",
        "libdfalt.so.0", "librttopo.so.1", "libnss3.so", "libunistring.so.2", "libqhull_r.so.8.0", "libLerc.so.4",
        "libnssutil3.so", "libldap-2.5.so.0", "libnspr4.so", "libssl.so.3", "liblcms2.so.2", "libhogweed.so.6",
        "libkmlengine.so.1", "libxml2.so.2", "libfyba.so.0", "libpng16.so.16", "libmariadb.so.3", "libtiff.so.6",
    ]
    let folders = ["/usr/lib/x86_64-linux-gnu/", "/usr/lib/aarch64-linux-gnu/", "/usr/lib/"]
    let found = names.compactMap { name in
        folders.map { $0 + name }.first { FileManager.default.fileExists(atPath: $0) }
    }
    let openBLAS = found.first { $0.hasSuffix("/libblas.so.3") }.map { blas in
        URL(fileURLWithPath: blas).resolvingSymlinksInPath().path.contains("openblas")
    } ?? false
    return found.flatMap { path -> [String] in
        guard openBLAS, path.hasSuffix("/libblas.so.3") else { return [path] }
        let direct = path.replacingOccurrences(of: "libblas.so.3", with: "libopenblas.so.0")
        return FileManager.default.fileExists(atPath: direct) ? [path, direct] : [path]
    }
}()
let startupLinkFlags: [LinkerSetting] = startupOrder.isEmpty ? [] : [
    .unsafeFlags(["-Xlinker", "--push-state", "-Xlinker", "--no-as-needed"]
                 + startupOrder.flatMap { ["-Xlinker", $0] } + ["-Xlinker", "--pop-state"],
                 .when(platforms: [.linux])),
]

let package = Package(
    name: "GeoKernel",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "geokernel", targets: ["geokernel"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // MARK: - GDAL (the only place C is imported)
        .systemLibrary(
            name: "CGDAL",
            pkgConfig: "gdal",
            providers: [.apt(["libgdal-dev"])]
        ),
        .target(name: "GDALKit", dependencies: ["CGDAL", "RasterTiling"], swiftSettings: settings),

        // MARK: - Pure Swift: geometry of tiles, and the kernels
        .target(name: "RasterTiling", swiftSettings: settings),
        .target(name: "RasterKernels", dependencies: ["RasterTiling", "CKernels"], swiftSettings: settings),
        // The quick look's picture: stretch, panels, tint (no GDAL, no files).
        .target(name: "QuickLook", dependencies: ["RasterTiling"], swiftSettings: settings),
        // Hot loops (the convolution's, the integer encoding), built for AVX-512, AVX2 and baseline
        // x86-64, picked at run time.
        .target(name: "CKernels"),

        // MARK: - The Linux file calls (FICLONE, copy_file_range, sync_file_range)
        .target(name: "CFileSystem"),
        // MARK: - Raw TIFF blocks written in place, their write threads and page-aligned memory
        .target(name: "BlockOutput", dependencies: ["CFileSystem", "RasterTiling"], swiftSettings: settings),

        // MARK: - Where threads and handles meet
        .target(
            name: "RasterEngine",
            dependencies: [
                "GDALKit", "RasterTiling", "RasterKernels", "BlockOutput", "QuickLook", "CFileSystem", "CKernels",
            ],
            swiftSettings: settings
        ),

        // MARK: - Command line
        .executableTarget(
            name: "geokernel",
            dependencies: [
                "BlockOutput", "RasterEngine", "RasterKernels", "RasterTiling",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: settings,
            linkerSettings: startupLinkFlags
        ),

        // MARK: - Tests
        .target(
            name: "TestSupport",
            dependencies: ["GDALKit", "RasterKernels", "RasterTiling"],
            // Swift Testing's #expect is used by the shared end-to-end checks.
            path: "Tests/TestSupport",
            swiftSettings: settings
        ),
        .testTarget(name: "RasterTilingTests", dependencies: ["RasterTiling"], swiftSettings: settings),
        .testTarget(
            name: "RasterKernelsTests",
            dependencies: ["RasterKernels"],
            resources: [.copy("Fixtures")],
            swiftSettings: settings
        ),
        .testTarget(
            name: "GDALKitTests", dependencies: ["GDALKit", "RasterTiling", "TestSupport"], swiftSettings: settings
        ),
        .testTarget(
            name: "BlockOutputTests",
            dependencies: ["BlockOutput", "GDALKit", "RasterTiling", "TestSupport"],
            swiftSettings: settings
        ),
        .testTarget(
            name: "RasterEngineTests",
            dependencies: ["RasterEngine", "GDALKit", "RasterKernels", "RasterTiling", "TestSupport"],
            swiftSettings: settings
        ),
        .testTarget(
            name: "GeokernelCLITests",
            dependencies: ["geokernel", "GDALKit", "QuickLook", "RasterKernels", "RasterTiling", "TestSupport"],
            swiftSettings: settings
        ),
    ]
)
