import Foundation
import TestSupport
import Testing

/// Shell completion (swift-argument-parser's `--generate-completion-script`) and each
/// subcommand's help with a worked example.
@Suite struct CompletionTests {
    static let subcommands = ["apply", "plan", "info"]

    @Test(arguments: ["bash", "zsh", "fish"])
    func scriptNamesTheSubcommands(_ shell: String) throws {
        let r = try CLI.run(["--generate-completion-script", shell])
        #expect(r.status == 0, "\(r.stderr)")
        for name in Self.subcommands { #expect(r.stdout.contains(name), "\(shell) script names \(name)") }
        let marker = [
            "bash": "complete -o filenames -F _geokernel geokernel", "zsh": "#compdef geokernel",
            "fish": "complete -c 'geokernel'",
        ][shell]!
        #expect(r.stdout.contains(marker), "\(shell): \(marker)")
    }

    /// The bash script really completes: `geokernel ap<TAB>` offers `apply`, and
    /// `geokernel apply in out --ker<TAB>` offers `--kernel`.
    @Test func bashCompletesSubcommandsAndOptions() throws {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent(
            "geokernel-\(UUID().uuidString).bash")
        defer { try? FileManager.default.removeItem(at: script) }
        try CLI.run(["--generate-completion-script", "bash"]).stdout.write(
            to: script, atomically: true, encoding: .utf8)
        func complete(_ words: [String]) throws -> [String] {
            let line = words.joined(separator: " ")
            let program = """
                source '\(script.path)'
                COMP_WORDS=(\(words.map { "'\($0)'" }.joined(separator: " "))); COMP_CWORD=\(words.count - 1)
                COMP_LINE='\(line)'; COMP_POINT=${#COMP_LINE}
                _geokernel geokernel '\(words.last!)' '\(words[words.count - 2])'
                printf '%s\\n' "${COMPREPLY[@]}"
                """
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/bash")
            p.arguments = ["-c", program]
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            try p.run()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            return text.split(separator: "\n").map(String.init)
        }
        #expect(try complete(["geokernel", "ap"]) == ["apply"])
        #expect(try complete(["geokernel", "apply", "in.tif", "out.tif", "--ker"]) == ["--kernel"])
        #expect(try complete(["geokernel", "info", "x.tif", "--ch"]) == ["--check"])
    }

    @Test(arguments: subcommands)
    func helpHasAWorkedExample(_ name: String) throws {
        let r = try CLI.run([name, "--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("Example:") && r.stdout.contains("  geokernel \(name) "), "\(r.stdout)")
    }
}
