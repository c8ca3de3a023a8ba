import Foundation

/// What `--resume` keeps beside a partial output: which chunks are safely on disk, and a
/// fingerprint of the command that wrote them, so a different command cannot continue it.
///
/// It is written only after the partial GeoTIFF was flushed (GDAL rewrote its tile index)
/// and fsynced, and it is replaced atomically (write, fsync, rename), so whatever a crash
/// leaves, every chunk it lists is in the file. Thread safety: used under the writer's lock.
struct Checkpoint: Codable, Equatable {
    static let version = 1
    var version = Checkpoint.version
    /// Everything that determines the output's pixels and layout.
    var fingerprint: [String: String]
    var chunkCount: Int
    /// Done chunk indices as half-open ranges `[start, end)`.
    var done: [[Int]]

    /// The chunks listed as done.
    var doneSet: Set<Int> { Set(done.flatMap { $0[0] ..< $0[1] }) }

    init(fingerprint: [String: String], chunkCount: Int, done: Set<Int>) {
        self.fingerprint = fingerprint
        self.chunkCount = chunkCount
        var ranges: [[Int]] = []
        for i in done.sorted() {
            if let last = ranges.last, last[1] == i { ranges[ranges.count - 1][1] = i + 1 } else { ranges.append([i, i + 1]) }
        }
        self.done = ranges
    }

    /// Reads a checkpoint; `nil` when there is none or it cannot be parsed.
    static func load(_ path: String) -> Checkpoint? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(Checkpoint.self, from: data)
    }

    /// Writes the checkpoint durably and atomically.
    func save(_ path: String) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        let tmp = path + ".new"
        try enc.encode(self).write(to: URL(fileURLWithPath: tmp))
        OutputFile.fsync(path: tmp)
        guard rename(tmp, path) == 0 else {
            throw EngineError.outputFolder(path: path, reason: "cannot write the checkpoint: \(String(cString: strerror(errno)))")
        }
    }

    /// The fields of the command that must match for a resume, with the inputs' identity
    /// (size and modification time) so a changed input is noticed.
    static func fingerprint(_ o: ApplyOptions, creationOptions: [String], plan: String) -> [String: String] {
        func identity(_ path: String) -> String {
            var st = stat()
            guard stat(path, &st) == 0 else { return "missing" }
            return "\(st.st_size) bytes, modified \(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)"
        }
        var f: [String: String] = [
            "input": URL(fileURLWithPath: o.input).standardizedFileURL.path,
            "input file": identity(o.input),
            "kernel": o.kernel.map { k in
                "\(k.width)x\(k.height): \(k.values.map { String($0.bitPattern, radix: 16) }.joined(separator: ","))"
            } ?? "none",
            "method": "\(o.method)",
            "footprint": o.footprint.map { "\($0): \($0.mask.map { $0 ? "1" : "0" }.joined())" } ?? "none",
            "selection morphology": "\(o.selectionMorphology)",
            "edge": o.edge.rawValue,
            "cval": String(o.cval.bitPattern, radix: 16),
            "bands": o.bands.map { $0.map(String.init).joined(separator: ",") } ?? "all",
            "nodata policy": o.nodataPolicy.rawValue,
            "output type": o.outputType?.name ?? "input's",
            "creation options": creationOptions.joined(separator: " "),
            "tiling": plan,
        ]
        if let m = o.mask {
            f["mask"] = URL(fileURLWithPath: m).standardizedFileURL.path
            f["mask file"] = identity(m)
        }
        return f
    }

    /// The first field that differs from `other`, for the refusal message.
    func firstDifference(from other: [String: String]) -> String? {
        for key in Set(fingerprint.keys).union(other.keys).sorted() where fingerprint[key] != other[key] {
            return key
        }
        return nil
    }
}
