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

/// The output path's safety rules: never an input, never replaced without `--overwrite`,
/// written to a temporary file beside it and renamed into place only after a successful
/// close and fsync. Thread safety: used from the main thread only.
struct OutputFile {
    let finalPath: String
    let temporaryPath: String
    /// With `--resume`, where the checkpoint lives (beside the partial output).
    let checkpointPath: String?
    /// With `-of COG`, where the final copy is made before it is renamed over OUTPUT.
    var cogPath: String { temporaryPath + ".cog.tif" }

    /// Checks the output path and picks the temporary name
    /// (`NAME.geokernel-tmp-PID.tif` in the output's folder).
    init(_ path: String, inputs: [String], overwrite: Bool, resumable: Bool = false) throws(EngineError) {
        finalPath = path
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var isDir: Bool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDir), isDir else {
            throw .outputFolder(path: folder, reason: "no such folder")
        }
        guard access(folder, W_OK) == 0 else {
            throw .outputFolder(path: folder, reason: String(cString: strerror(errno)))
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir {
            throw .outputFolder(path: path, reason: "the output is a folder")
        }
        for input in inputs where OutputFile.sameFile(path, input) {
            throw .outputIsInput(output: path, input: input)
        }
        if !overwrite && FileManager.default.fileExists(atPath: path) { throw .outputExists(path) }
        let folderURL = url.deletingLastPathComponent()
        if resumable {
            // A stable name, so a later `--resume` finds it.
            temporaryPath = folderURL.appendingPathComponent("\(url.lastPathComponent).geokernel-partial.tif").path
            checkpointPath = temporaryPath + ".json"
        } else {
            let name = "\(url.lastPathComponent).geokernel-tmp-\(getpid()).tif"
            temporaryPath = folderURL.appendingPathComponent(name).path
            checkpointPath = nil
        }
    }

    /// Whether two paths name the same file: same device and inode (through symlinks,
    /// hard links and `..`), or the same resolved path when one does not exist.
    static func sameFile(_ a: String, _ b: String) -> Bool {
        var sa = stat(), sb = stat()
        if stat(a, &sa) == 0 && stat(b, &sb) == 0 { return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino }
        let ra = URL(fileURLWithPath: a).resolvingSymlinksInPath().standardizedFileURL.path
        let rb = URL(fileURLWithPath: b).resolvingSymlinksInPath().standardizedFileURL.path
        return ra == rb
    }

    /// Makes the finished file (the temporary, or `cogPath`) durable and renames it over the
    /// output, with its sidecars.
    func commit(from finished: String? = nil) throws(EngineError) {
        let source = finished ?? temporaryPath
        try OutputFile.fsync(path: source)
        for suffix in ["", ".aux.xml", ".msk", ".ovr"] {
            let from = source + suffix
            guard FileManager.default.fileExists(atPath: from) else {
                // A stale sidecar of an older OUTPUT would now describe the wrong file.
                if !suffix.isEmpty { unlink(finalPath + suffix) }
                continue
            }
            if rename(from, finalPath + suffix) != 0 {
                throw .fileSystem(path: finalPath + suffix, context: "renaming \(from) into place",
                                  reason: String(cString: strerror(errno)))
            }
        }
        // A finished OUTPUT makes any partial output of an earlier resumable run stale.
        for stale in [".geokernel-partial.tif", ".geokernel-partial.tif.json", ".geokernel-partial.tif.json.new"] {
            unlink(finalPath + stale)
        }
        try OutputFile.fsync(path: URL(fileURLWithPath: finalPath).deletingLastPathComponent().path, folder: true)
    }

    /// Removes the temporary file and its sidecars.
    func discard() {
        for suffix in ["", ".aux.xml", ".msk", ".ovr"] { unlink(temporaryPath + suffix); unlink(cogPath + suffix) }
        if let checkpointPath { unlink(checkpointPath); unlink(checkpointPath + ".new") }
    }

    /// Makes `path` durable (`fsync`, then `close`, both checked).
    /// - Parameter folder: `path` is a folder (after a rename in it); a file system that
    ///   cannot sync folders (`EINVAL`) is not an error.
    /// - Throws: `EngineError.fileSystem` naming the file and the system's reason
    ///   (`No space left on device`, `Input/output error`).
    static func fsync(path: String, folder: Bool = false) throws(EngineError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw .fileSystem(path: path, context: "opening to sync", reason: String(cString: strerror(errno)))
        }
        #if canImport(Glibc)
        let synced = Glibc.fsync(fd)
        #else
        let synced = Darwin.fsync(fd)
        #endif
        if synced != 0 {
            let e = errno
            close(fd)
            if folder && (e == EINVAL || e == ENOTSUP) { return }
            throw .fileSystem(path: path, context: "syncing to disk", reason: String(cString: strerror(e)))
        }
        if close(fd) != 0 {
            throw .fileSystem(path: path, context: "closing after sync", reason: String(cString: strerror(errno)))
        }
    }
}
