// swift-tools-version:6.0
// Micro-benchmark of the footprint filters on one padded tile, release build only; never built by `swift test`
// of the main package. The module sources are symlinks to the main package's. Run: bash Benchmarks/kernels.sh
import PackageDescription

let settings: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "KernelBench",
    targets: [
        .target(name: "RasterTiling", swiftSettings: settings),
        .target(name: "CKernels"),
        .target(name: "RasterKernels", dependencies: ["RasterTiling", "CKernels"], swiftSettings: settings),
        .executableTarget(name: "KernelBench", dependencies: ["RasterKernels", "RasterTiling"],
                          swiftSettings: settings),
    ]
)
