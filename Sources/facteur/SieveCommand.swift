import ArgumentParser
import FacteurServer
import Foundation
import MailStore
import Sieve

struct SieveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sieve", abstract: "Work with Sieve filter scripts (RFC 5228) that sort mail at delivery.",
        subcommands: [Check.self, Put.self, List.self, Activate.self, Remove.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compile a script and print its errors as FILE:LINE:COLUMN: message (exit 1 when there are any).")
        @Argument(help: "The script file.") var file: String

        func run() throws {
            let source = try readScript(file)
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

    struct Put: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store a user's script (checked first; refused with its errors when it does not compile).")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The account, e.g. alice@example.com.") var address: String
        @Argument(help: "The script file.") var file: String
        @Option(name: .long, help: "The script's name (default: the file name without extension).") var name: String?
        @Flag(name: .long, help: "Make it the active script (the one that runs at delivery).") var activate = false

        func run() async throws {
            let source = try readScript(file)
            if case .failure(let errors) = SieveCompiler.compile(source) {
                for error in errors.errors { print("\(file):\(error)") }
                throw ExitCode(1)
            }
            let scriptName = name ?? URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
            let (_, handle) = try await openAdministration(options)
            let account = try await requireAccount(handle.store, address)
            try await handle.store.putSieveScript(accountID: account.id, name: scriptName, content: source)
            if activate { try await handle.store.activateSieveScript(accountID: account.id, name: scriptName) }
            print("stored script '\(scriptName)' for \(account.address)" + (activate ? " (active)" : ""))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a user's scripts; the active one is marked.")
        @OptionGroup var options: ConfigOptions
        @Argument var address: String
        func run() async throws {
            let (_, handle) = try await openAdministration(options)
            let account = try await requireAccount(handle.store, address)
            for script in try await handle.store.sieveScripts(accountID: account.id) {
                print(script.isActive ? "\(script.name)\tactive" : script.name)
            }
        }
    }

    struct Activate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a script the active one, or --none to run no script.")
        @OptionGroup var options: ConfigOptions
        @Argument var address: String
        @Argument var name: String?
        @Flag(name: .long, help: "Deactivate the active script.") var none = false
        func validate() throws {
            if (name == nil) == !none { throw ValidationError("give a script name or --none") }
        }
        func run() async throws {
            let (_, handle) = try await openAdministration(options)
            let account = try await requireAccount(handle.store, address)
            try await handle.store.activateSieveScript(accountID: account.id, name: none ? nil : name)
            print(none ? "no active script for \(account.address)" : "'\(name ?? "")' is active for \(account.address)")
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a script (the active one must be deactivated first).")
        @OptionGroup var options: ConfigOptions
        @Argument var address: String
        @Argument var name: String
        func run() async throws {
            let (_, handle) = try await openAdministration(options)
            let account = try await requireAccount(handle.store, address)
            try await handle.store.deleteSieveScript(accountID: account.id, name: name)
            print("removed script '\(name)' of \(account.address)")
        }
    }
}

private func readScript(_ file: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read '\(file)'") }
    guard let source = String(data: data, encoding: .utf8) else {
        print("\(file):1:1: the script is not UTF-8 (RFC 5228 §2.2)")
        throw ExitCode(1)
    }
    return source
}

private func requireAccount(_ store: any MailStore, _ address: String) async throws -> Account {
    guard let account = try await store.account(address: address) else { throw ValidationError("no account '\(address)'") }
    return account
}
