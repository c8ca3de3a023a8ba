import Foundation

/// A `geokernel` run started in the background, to be watched and stopped while it works
/// (signals, kills, files changed under it). Thread safety: one test's own.
public final class BackgroundRun {
    private let process = Process()
    private let errors: Pipe?

    /// Starts `geokernel ARGS…`, with `environment` added to the test's own; its stderr is
    /// kept for `stop`/`finish` when `keepingErrors`, else discarded.
    public init(_ arguments: [String], environment: [String: String] = [:], keepingErrors: Bool = false) throws {
        process.executableURL = CLI.executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        errors = keepingErrors ? Pipe() : nil
        process.standardError = errors ?? FileHandle.nullDevice
        try process.run()
    }

    /// Polls `condition` every `interval` seconds until it holds, the run ends, or `seconds`
    /// pass; then waits `settle` seconds more. Returns whether the condition held.
    @discardableResult
    public func wait(upTo seconds: Double, every interval: Double = 0.02, settle: Double = 0,
                     until condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        var held = false
        while Date() < deadline && process.isRunning {
            if try condition() { held = true; break }
            usleep(UInt32(interval * 1e6))
        }
        if settle > 0 { usleep(UInt32(settle * 1e6)) }
        return held
    }

    /// Sends `signal` to the run, then waits for it to end: its exit status (or the signal
    /// that ended it) and what it printed on stderr.
    public func stop(_ signal: Int32) -> (status: Int32, stderr: String) {
        kill(process.processIdentifier, signal)
        return finish()
    }

    /// Waits for the run to end on its own: its exit status and what it printed on stderr.
    public func finish() -> (status: Int32, stderr: String) {
        let text = errors.map { String(decoding: $0.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) } ?? ""
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }
}

extension CLI.Result {
    /// stdout read as the JSON object `--json` prints.
    /// - Throws: when stdout is not JSON; a JSON value that is not an object gives `[:]`.
    public func report() throws -> [String: Any] { try CLI.jsonObject(stdout) }
}

extension CLI {
    /// A run that failed where a test needed it to succeed: its status and stderr.
    public struct Failure: Error, CustomStringConvertible {
        public let status: Int32, stderr: String
        public var description: String { "geokernel exited with \(status): \(stderr)" }
    }

    /// `text` (what `--json` printed) read as a JSON object.
    /// - Throws: when it is not JSON; a JSON value that is not an object gives `[:]`.
    public static func jsonObject(_ text: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
    }

    /// Runs `geokernel ARGS…`, which must succeed, and returns the report it printed with `--json`.
    /// - Throws: `Failure` with its stderr when it exits non-zero; an error when stdout is not JSON.
    public static func report(_ arguments: [String]) throws -> [String: Any] {
        let r = try run(arguments)
        guard r.status == 0 else { throw Failure(status: r.status, stderr: r.stderr) }
        return try r.report()
    }
}
