import BlockOutput
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

/// What `--resume` keeps beside a partial output: which chunks are safely on disk, the
/// fingerprint of the run that wrote them (so a different run cannot continue it), and the
/// partial file's size then (so a file cut short since is noticed).
///
/// It is written only after the partial GeoTIFF was closed (GDAL rewrote its tile index) or,
/// for blocks written in place, synced, and it is replaced atomically (write, fsync, rename,
/// fsync of the folder), so whatever a crash leaves, every chunk it lists is in the file.
/// `read` and `check` (Checkpoint+Validation.swift) refuse anything else before it is used.
/// Thread safety: used under the writer's lock.
struct Checkpoint: Codable, Equatable {
    /// The format written and the only one read (1 had a fingerprint of a few fields only).
    static let version = 2
    var version = Checkpoint.version
    /// Everything that determines the output's pixels and layout (see `RunFingerprint`).
    var fingerprint: RunFingerprint
    /// `fingerprint.digest`, for people reading the file.
    var digest: String
    var chunkCount: Int
    /// Done chunk indices as half-open ranges `[start, end)`, sorted, not overlapping.
    var done: [[Int]]
    /// The partial output's size in bytes when the checkpoint was saved.
    var partialBytes: Int

    /// The chunks listed as done (ranges already checked by `read`).
    var doneSet: Set<Int> { Set(done.flatMap { $0[0] ..< $0[1] }) }

    init(fingerprint: RunFingerprint, chunkCount: Int, done: Set<Int>, partialBytes: Int) {
        self.fingerprint = fingerprint
        digest = fingerprint.digest
        self.chunkCount = chunkCount
        self.partialBytes = partialBytes
        var ranges: [[Int]] = []
        for i in done.sorted() {
            if let last = ranges.last,
               last[1] == i { ranges[ranges.count - 1][1] = i + 1 } else { ranges.append([i, i + 1]) }
        }
        self.done = ranges
    }

    /// Writes the checkpoint durably and atomically.
    /// - Throws: `EngineError.fileSystem` naming the file and the system's reason.
    func save(_ path: String) throws(EngineError) {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        let tmp = path + ".new"
        let bytes: Data
        do { bytes = try enc.encode(self) } catch {
            throw .fileSystem(path: tmp, context: "encoding the checkpoint", reason: "\(error)")
        }
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw .fileSystem(path: tmp, context: "writing the checkpoint", reason: String(cString: strerror(errno)))
        }
        let failure = bytes.withUnsafeBytes { FileWriting.writeAll(fd, $0).error }
        close(fd)
        guard failure == 0 else {
            unlink(tmp)
            throw .fileSystem(path: tmp, context: "writing the checkpoint", reason: String(cString: strerror(failure)))
        }
        try OutputFile.fsync(path: tmp)
        guard rename(tmp, path) == 0 else {
            throw .fileSystem(path: path, context: "renaming the new checkpoint into place",
                              reason: String(cString: strerror(errno)))
        }
        try OutputFile.fsync(path: URL(fileURLWithPath: path).deletingLastPathComponent().path, folder: true)
    }
}
