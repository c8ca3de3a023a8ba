import Foundation

/// The shared corpus of real GeoTIFFs (`../shared/corpus`, beside the project; or
/// `GEOKERNEL_CORPUS`), with what its MANIFEST says GDAL 3.6.2 does with each file.
public enum Corpus {
    public struct Entry: Sendable {
        public let file: String          // path relative to the corpus folder
        public let gdal: String          // "reads all blocks", "block read fails", "open fails"
        public let engine: String        // PROCESS, REJECT, REJECT*, ERROR-open, ERROR-read
    }

    public static let directory: URL? = {
        if let env = ProcessInfo.processInfo.environment["GEOKERNEL_CORPUS"] {
            return URL(fileURLWithPath: env)
        }
        let root = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dir = root.deletingLastPathComponent().appendingPathComponent("shared/corpus")
        return FileManager.default.fileExists(atPath: dir.appendingPathComponent("MANIFEST.md").path) ? dir : nil
    }()

    public static var isAvailable: Bool { directory != nil }

    public static func path(_ file: String) -> String { directory!.appendingPathComponent(file).path }

    /// Every row of the MANIFEST's file tables.
    public static let entries: [Entry] = {
        guard let dir = directory, let text = try? String(contentsOf: dir.appendingPathComponent("MANIFEST.md"),
                                                          encoding: .utf8) else {
            return []
        }
        var out: [Entry] = []
        var gdalColumn = -1, engineColumn = -1
        var inLarge = false
        for line in text.split(separator: "\n") {
            if line.hasPrefix("## Larger") { inLarge = true }
            guard line.hasPrefix("|") else { continue }
            let cells = line.split(separator: "|",
                                   omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            if cells.count > 2 && cells[1] == "file" {
                gdalColumn = cells.firstIndex(where: { $0.hasPrefix("GDAL ") }) ?? -1
                engineColumn = cells.firstIndex(of: "engine") ?? -1
                continue
            }
            guard gdalColumn > 0, engineColumn > 0, cells.count > max(gdalColumn, engineColumn),
                  cells[1].hasPrefix("`") else { continue }
            let name = cells[1].split(separator: "`")[0]
            out.append(Entry(file: (inLarge ? "large/" : "") + name, gdal: cells[gdalColumn],
                             engine: cells[engineColumn]))
        }
        return out
    }()

    public static var readable: [Entry] { entries.filter { $0.gdal == "reads all blocks" } }
    public static var unreadable: [Entry] { entries.filter { $0.gdal != "reads all blocks" } }
}
