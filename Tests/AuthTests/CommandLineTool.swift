// Runs the real hashing tools (openssl, mkpasswd, argon2) so tests check interoperability with
// hashes made outside Facteur, not only with our own output.
import Foundation

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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let inputPipe = Pipe()
        process.standardInput = inputPipe
        try process.run()
        if let input {
            inputPipe.fileHandleForWriting.write(Data(input.utf8))
        }
        try inputPipe.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
