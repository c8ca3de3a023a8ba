import Foundation
import TestSupport
import Testing

@testable import geokernel

/// Collects what a progress display writes.
final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var parts: [String] = []
    func append(_ s: String) {
        lock.lock()
        parts.append(s)
        lock.unlock()
    }
    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return parts
    }
}

/// Progress: GDAL's own text off a terminal with `--progress`, a bar on a real terminal (tmux).
@Suite(.serialized) struct ProgressTests {
    let folder = TemporaryFolder()
    var dir: URL { folder.url }
    static let done = "0...10...20...30...40...50...60...70...80...90...100 - done.\n"

    /// What GDAL 3.6's GDALTermProgress printed for these fractions, call by call (python's
    /// `gdal.TermProgress_nocb`, with `|` written after each call).
    @Test func textFollowsGDALTermProgressCallByCall() {
        let fractions = [0.0, 0.07, 0.07, 0.26, 0.5, 0.5001, 0.74, 0.99, 1.0]
        let gdal = "0|..||.10...20..|.30...40...50||...60...70.|..80...90...|100 - done.\n|"
        let out = Collected()
        let p = GDALStyleProgress(write: { out.append($0) })
        var text = ""
        for f in fractions {
            let before = out.all.count
            p.update(f)
            text += out.all[before...].joined() + "|"
        }
        #expect(text == gdal)
        p.finish(completed: true)
        #expect(out.all.joined() == Self.done, "finish adds nothing after 100")
    }

    @Test func textOfAStoppedRunEndsItsLine() {
        let out = Collected()
        let p = GDALStyleProgress(write: { out.append($0) })
        p.update(0.33)
        p.finish(completed: false)
        #expect(out.all.joined() == "0...10...20...30.\n", "GDAL prints 0...10...20...30. at 33 %")
        let silent = Collected()
        GDALStyleProgress(write: { silent.append($0) }).finish(completed: false)
        #expect(silent.all.isEmpty, "nothing printed, nothing to end")
        let resumed = Collected()
        let r = GDALStyleProgress(write: { resumed.append($0) })
        r.finish(completed: true)
        #expect(resumed.all.joined() == Self.done, "a run whose chunks were all done still ends at 100")
    }

    @Test func barLine() {
        let line = ProgressBar.line(
            fraction: 0.42, elapsed: 12.4, rate: 0.42 / 12, totalPixels: 100_000_000, columns: 100)
        #expect(
            line.contains(" 42%") && line.contains("3.5 Mpixel/s") && line.contains("elapsed 0:12")
                && line.contains("ETA 0:16"), "\(line)")
        #expect(line.hasPrefix("[") && line.count <= 99)
        let bar = line.prefix { $0 != "]" }
        #expect(bar.filter { $0 == "=" }.count == Int(0.42 * Double(bar.count - 1)), "\(bar)")
        let early = ProgressBar.line(fraction: 0, elapsed: 0.3, rate: nil, totalPixels: nil, columns: 40)
        #expect(
            early.contains("0%") && early.contains("ETA --:--") && !early.contains("Mpixel") && early.count <= 39,
            "\(early)")
        #expect(
            ProgressBar.clock(3725) == "1:02:05" && ProgressBar.clock(65) == "1:05"
                && ProgressBar.clock(.infinity) == "--:--")
    }

    func raster(_ size: Int) throws -> (input: String, kernel: String) {
        let input = dir.appendingPathComponent("in\(size).tif").path
        var v = Fixture.values(width: size, height: size, seed: 7, type: .float32)
        for i in stride(from: 0, to: v.count, by: 37) { v[i] = -9999 }
        try Fixture.write(
            input, width: size, height: size, type: .float32, bands: [v], noData: -9999,
            options: ["TILED=YES", "BLOCKXSIZE=32", "BLOCKYSIZE=32"])
        // A 25x25 kernel that is not separable, and nodata everywhere (the masked loop), so the
        // run lasts seconds in a debug build.
        let kernel = dir.appendingPathComponent("k25.txt").path
        var rows: [String] = []
        for r in 0..<25 {
            let values: [String] = (0..<25).map { (c: Int) -> String in String(Double((r * 7 + c * 13) % 17) / 300) }
            rows.append(values.joined(separator: " "))
        }
        try rows.joined(separator: "\n").write(toFile: kernel, atomically: true, encoding: String.Encoding.utf8)
        return (input, kernel)
    }

    @Test func progressOffATerminalIsGDALsText() throws {
        let (input, _) = try raster(64)
        let out = dir.appendingPathComponent("o.tif").path
        let r = try CLI.run(["apply", input, out, "--kernel", "box:3", "--tile-size", "32", "--progress"])
        #expect(r.status == 0 && r.stderr == Self.done, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("wrote "))
        let plain = try CLI.run(["apply", input, out, "--kernel", "box:3", "--overwrite"])
        #expect(plain.status == 0 && plain.stderr.isEmpty, "no progress off a terminal without --progress")
        let quiet = try CLI.run(["apply", input, out, "--kernel", "box:3", "--overwrite", "-q", "--progress", "--json"])
        #expect(quiet.status == 0 && quiet.stderr == Self.done)
        #expect(
            (try? JSONSerialization.jsonObject(with: Data(quiet.stdout.utf8))) != nil, "stdout keeps only the report")
        let refused = try CLI.run(["apply", input, out, "--kernel", "box:3", "--progress"])
        #expect(
            refused.status == 1 && refused.stderr.hasPrefix("geokernel: error: ")
                && refused.stderr.split(separator: "\n").count == 1,
            "\(refused.stderr)")
    }

    /// The bar in a real terminal: tmux runs the command in a 120x30 window; the pane is read
    /// while it runs (a bar with percent, throughput, elapsed and ETA) and after (the bar erased).
    @Test func barInATerminal() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else {
            print("skipped: tmux is not installed (Scripts/setup.sh installs it)")
            return
        }
        let (input, kernel) = try raster(300)
        let out = dir.appendingPathComponent("bar.tif").path
        let session = "geokernel-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let command = "'\(CLI.executable.path)' apply '\(input)' '\(out)' --kernel '\(kernel)'"
            + " --threads 1 --tile-size 32; "
            + "echo \"exit=$?\"; sleep 600"
        // tmux's output goes to a file (the server new-session starts would hold a pipe open), and it
        // starts with no signal blocked: a test runner's threads block most, and a tmux server
        // inheriting that mask never hears of its pane's command.
        let capture = dir.appendingPathComponent("pane.txt").path
        func tmux(_ args: [String]) throws -> String {
            var attr = posix_spawnattr_t()
            posix_spawnattr_init(&attr)
            defer { posix_spawnattr_destroy(&attr) }
            var none = sigset_t()
            var reset = sigset_t()
            sigemptyset(&none)
            sigemptyset(&reset)
            for sig in [SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT, SIGWINCH, SIGTSTP, SIGTTIN, SIGTTOU] {
                sigaddset(&reset, sig)
            }
            posix_spawnattr_setsigmask(&attr, &none)
            posix_spawnattr_setsigdefault(&attr, &reset)
            posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
            var files = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&files)
            defer { posix_spawn_file_actions_destroy(&files) }
            posix_spawn_file_actions_addopen(&files, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&files, 1, capture, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            posix_spawn_file_actions_addopen(&files, 2, "/dev/null", O_WRONLY, 0)
            let argv: [UnsafeMutablePointer<CChar>?] = (["/usr/bin/tmux"] + args).map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            var pid: pid_t = 0
            let rc = posix_spawn(&pid, "/usr/bin/tmux", &files, &attr, argv, environ)
            guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO) }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            return (try? String(contentsOfFile: capture, encoding: .utf8)) ?? ""
        }
        _ = try tmux(["new-session", "-d", "-s", session, "-x", "120", "-y", "30", command])
        defer { _ = try? tmux(["kill-session", "-t", session]) }
        let bar = /^\[[= >]+\] +(\d+)%  [0-9.e+-]+ Mpixel\/s  elapsed \d+:\d\d  ETA (\d+:\d\d|--:--) *$/
        var seen: [String] = []
        var finalPane = ""
        for _ in 0..<6000 {  // up to ten minutes: the run ends long before on any machine
            let pane = try tmux(["capture-pane", "-p", "-t", session])
            if pane.contains("exit=") {
                finalPane = pane
                break
            }
            for line in pane.split(separator: "\n") {
                if let m = try? bar.wholeMatch(in: String(line)), let p = Int(m.1), p > 0, p < 100 {
                    seen.append(String(line))
                }
            }
            usleep(100_000)
        }
        #expect(!seen.isEmpty, "a bar between 1 % and 99 % was on screen while it ran")
        #expect(seen.allSatisfy { $0.count < 120 }, "the bar fits the window")
        #expect(finalPane.contains("exit=0"), "\(finalPane)")
        let lines = finalPane.split(separator: "\n")
        #expect(
            lines.first?.hasPrefix("wrote \(out)") == true, "the summary replaced the bar on its line: \(finalPane)")
        #expect(
            !finalPane.contains("ETA") && !finalPane.contains("Mpixel") && !finalPane.contains("%"),
            "bar erased: \(finalPane)")
    }
}
