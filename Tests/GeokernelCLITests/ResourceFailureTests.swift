import Foundation
import GDALKit
import TestSupport
import Testing

/// A real full file system and a real shortage of memory: each stops the run with one line
/// that says so, exit 1, nothing left behind, an existing OUTPUT untouched. The full disk is
/// a 3 MiB tmpfs, mounted when the tests may (root with mount rights; skipped otherwise:
/// `RunFailureTests` covers the same paths with `ulimit -f`).
@Suite(.serialized) struct ResourceFailureTests {
    /// Mounts a tmpfs of `mebibytes` at a new folder; `nil` when mounting is not allowed here.
    static func tmpfs(mebibytes: Int) -> URL? {
        let dir = Fixture.folder()
        let r = shell("mount -t tmpfs -o size=\(mebibytes)m tmpfs '\(dir.path)'")
        if r != 0 { try? FileManager.default.removeItem(at: dir); return nil }
        return dir
    }

    static func unmount(_ dir: URL) {
        _ = shell("umount '\(dir.path)'")
        try? FileManager.default.removeItem(at: dir)
    }

    @discardableResult
    static func shell(_ command: String) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        p.standardError = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }

    static let canMount: Bool = {
        guard let dir = tmpfs(mebibytes: 1) else { return false }
        unmount(dir)
        return true
    }()

    /// Compressed output fails at the block that does not fit; uncompressed output when its
    /// blocks' space is reserved. Both say the disk is full.
    @Test(.enabled(if: ResourceFailureTests.canMount, "mounting a tmpfs needs root with mount rights"),
          arguments: [["-co", "COMPRESS=DEFLATE"], [], ["-of", "COG"], ["-co", "COMPRESS=DEFLATE", "--resume"]])
    func aFullFileSystemIsNamed(_ extra: [String]) throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = try InterruptTests.slowInput(dir)   // 16 MiB of noisy Float32: DEFLATE cannot fit it in 3 MiB
        let disk = try #require(Self.tmpfs(mebibytes: 3))
        defer { Self.unmount(disk) }
        let out = disk.appendingPathComponent("out.tif").path
        try Data("the old output".utf8).write(to: URL(fileURLWithPath: out))
        let r = try CLI.run(["apply", input, out, "--kernel", "sharpen", "--overwrite", "-q"] + extra)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(r.stderr.contains(out) && r.stderr.contains("No space left on device"), "\(r.stderr)")
        #expect(FileManager.default.contents(atPath: out) == Data("the old output".utf8), "OUTPUT untouched")
        let left = try FileManager.default.contentsOfDirectory(atPath: disk.path).filter { $0 != "out.tif" }
        if extra.contains("--resume") {
            #expect(left.allSatisfy { $0.contains("geokernel-partial") },
                    "only the partial output and its checkpoint: \(left)")
        } else {
            #expect(left.isEmpty, "left behind: \(left)")
        }
    }

    /// With the address space limited (`ulimit -v`), mapping working memory fails: one line
    /// saying so, never a trap. Several limits, since what the process needs first varies.
    @Test func anAllocationFailureIsAnError() throws {
        let dir = Fixture.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("wide.tif").path
        let ds = try Dataset.create(input, width: 8192, height: 2048, bandCount: 1, dataType: .float32,
                                    options: ["TILED=YES", "BLOCKXSIZE=512", "BLOCKYSIZE=512", "SPARSE_OK=TRUE"])
        try ds.close()
        var saidSo = 0
        for limit in [300_000, 400_000, 500_000, 600_000] {
            let out = dir.appendingPathComponent("out-\(limit).tif").path
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/bash")
            p.arguments = ["-c", "ulimit -v \(limit); exec \"$0\" \"$@\"", CLI.executable.path,
                           "apply", input, out, "--kernel", "box:3", "--tile-size", "8192", "--threads", "1", "-q"]
            let err = Pipe()
            p.standardError = err
            try p.run()
            let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            let ending = "\(p.terminationReason == .exit ? "exit" : "signal") \(p.terminationStatus)"
            #expect(p.terminationReason == .exit && (p.terminationStatus == 0 || p.terminationStatus == 1),
                    "ulimit -v \(limit): ended by \(ending): \(text)")
            if p.terminationStatus == 1 {
                #expect(text.split(separator: "\n").count == 1, "\(text)")
                if text.contains("out of memory: cannot map") { saidSo += 1 }
                #expect(!FileManager.default.fileExists(atPath: out))
            }
        }
        #expect(saidSo > 0, "some limit made a mapping fail")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(names.allSatisfy { !$0.contains("geokernel-tmp") })
    }
}
