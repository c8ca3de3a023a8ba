// swift-tools-version:6.0
// GeoKernel: masked convolution of huge georeferenced rasters, streamed through GDAL.
import PackageDescription

// MARK: - Shared settings

/// Every Swift target builds in Swift 6 language mode with complete strict concurrency.
let settings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
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
                "RasterEngine", "RasterKernels", "RasterTiling",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: settings
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
