// Runs the real hashing tools (openssl, mkpasswd, argon2) so tests check interoperability with
// hashes made outside Facteur, not only with our own output.
import Foundation
import NetworkTestSupport

enum CommandLineTool {
    /// The tool's full path when it is on PATH.
    static func path(_ name: String) -> String? {
        let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in searchPath.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    static func exists(_ name: String) -> Bool { path(name) != nil }

    /// Runs `name arguments…` with `input` on stdin; returns trimmed stdout, or nil on failure.
    static func run(_ name: String, _ arguments: [String], input: String? = nil) throws -> String? {
        guard let executable = path(name) else { return nil }
        let result = try ChildProcess.run(executable, arguments, input: Array((input ?? "").utf8))
        guard result.succeeded else { return nil }
        return result.text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
