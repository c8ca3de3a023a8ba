import Foundation

/// Runs the real `geokernel` executable the package built, as a separate process.
public enum CLI {
    /// What a run printed and returned.
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// The built binary: next to the test bundle, or in `.build/debug`.
    public static let executable: URL = {
        let fm = FileManager.default
        var candidates: [URL] = []
        if let exe = Bundle.main.executableURL { candidates.append(exe.deletingLastPathComponent()) }
        let arg0 = URL(fileURLWithPath: CommandLine.arguments[0])
        candidates.append(arg0.deletingLastPathComponent())
        candidates.append(arg0.deletingLastPathComponent().deletingLastPathComponent())
        let root = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug"))
        for dir in candidates {
            let url = dir.appendingPathComponent("geokernel")
            if fm.isExecutableFile(atPath: url.path) { return url }
        }
        return root.appendingPathComponent(".build/debug/geokernel")
    }()

    /// Runs `geokernel ARGS…` and waits for it. `fileSizeLimitKiB` runs it under
    /// `ulimit -f`, which stands in for a full disk (writes past the limit fail with EFBIG).
    @discardableResult
    public static func run(_ arguments: [String], environment: [String: String]? = nil,
                           fileSizeLimitKiB: Int? = nil) throws -> Result {
        let p = Process()
        if let limit = fileSizeLimitKiB {
            p.executableURL = URL(fileURLWithPath: "/bin/bash")
            p.arguments = ["-c", "ulimit -f \(limit); exec \"$0\" \"$@\"", executable.path] + arguments
        } else {
            p.executableURL = executable
            p.arguments = arguments
        }
        if let environment { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                      stderr: String(decoding: e, as: UTF8.self))
    }
}
