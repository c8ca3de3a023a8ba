#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import RasterEngine

/// Writing to stderr, and leaving with the right code after a one-line error.
enum Diagnostics {
    /// Writes a line to stderr.
    static func printError(_ line: String) {
        writeStderr(line + "\n")
    }

    /// Prints `geokernel: error: MESSAGE` and exits with the error's code: stdout flushed, then
    /// `_exit`, without the libraries' exit handlers. After a failed allocation those can hang:
    /// OpenBLAS (loaded with GDAL's dependencies where Debian's `libblas.so.3` is OpenBLAS) joins
    /// its worker threads at exit, and one retries a failing `mmap` forever. The engine has
    /// already removed its partial files by then; nothing else is left to tidy.
    static func fail(_ error: EngineError) -> Never {
        let line = error.description.split(whereSeparator: \.isNewline).joined(separator: " ")
        printError("geokernel: error: \(line)")
        fflush(nil)   // every output stream (the --json failure object on stdout)
        _exit(error.exitCode)
    }

    /// Prints a value as one JSON object with sorted keys on stdout.
    static func printJSON<T: Encodable>(_ value: T) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        print(String(decoding: try enc.encode(value), as: UTF8.self))
    }

    /// Whether stderr is a terminal (progress is shown only then).
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) != 0 }
}
