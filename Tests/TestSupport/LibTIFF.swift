import Foundation

/// Reads a TIFF back whole with libtiff's own tools (Debian `libtiff-tools`), independently of
/// GDAL: `tiffcp` decodes every block of every image and writes them to a scratch copy.
public enum LibTIFF {
    /// What went wrong reading `path` whole (the exit status and libtiff's error lines), or
    /// `nil` when libtiff read it without an error. Warnings about GeoTIFF tags libtiff does
    /// not know are not errors.
    public static func problems(readingWhole path: String) throws -> String? {
        let copy = FileManager.default.temporaryDirectory
            .appendingPathComponent("libtiff-\(UUID().uuidString).tif").path
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/tiffcp")
        p.arguments = [path, copy]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let errors = text.split(separator: "\n").filter { !$0.contains("Warning") }
        if p.terminationStatus == 0 && errors.isEmpty { return nil }
        return "tiffcp exit \(p.terminationStatus): \(errors.joined(separator: " | "))"
    }
}
