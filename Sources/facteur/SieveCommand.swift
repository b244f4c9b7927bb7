import ArgumentParser
import Foundation
import Sieve

struct SieveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sieve", abstract: "Work with Sieve filter scripts (RFC 5228).",
        subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compile a script and print its errors as FILE:LINE:COLUMN: message (exit 1 when there are any).")
        @Argument(help: "The script file.") var file: String

        func run() throws {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ValidationError("cannot read '\(file)'")
            }
            guard let source = String(data: data, encoding: .utf8) else {
                print("\(file):1:1: the script is not UTF-8 (RFC 5228 §2.2)")
                throw ExitCode(1)
            }
            switch SieveCompiler.compile(source) {
            case .success(let script):
                let extensions = script.requiredExtensions.map(\.rawValue).sorted()
                print("\(file): ok" + (extensions.isEmpty ? "" : " (requires \(extensions.joined(separator: ", ")))"))
            case .failure(let errors):
                for error in errors.errors { print("\(file):\(error)") }
                throw ExitCode(1)
            }
        }
    }
}
