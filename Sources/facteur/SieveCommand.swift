import ArgumentParser
import FacteurServer
import Foundation
import MailStore
import Sieve

struct SieveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sieve", abstract: "Work with Sieve filter scripts (RFC 5228) that sort mail at delivery.",
        subcommands: [Check.self, Test.self, Testsuite.self, Put.self, List.self, Activate.self, Remove.self])

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

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a script on a message file and print the actions it would cause, without delivering anything.")
        @Argument(help: "The script file.") var file: String
        @Argument(help: "The message file (RFC 5322; LF or CRLF line ends).") var message: String
        @Option(name: .long, help: "MAIL FROM of the test delivery.") var envelopeFrom = "sender@example.invalid"
        @Option(name: .long, help: "RCPT TO of the test delivery (a +detail is seen by subaddress).") var envelopeTo = "user@example.invalid"
        @Option(name: .long, help: "Mailboxes that exist (for fileinto without :create and mailboxexists); default: any.")
        var mailbox: [String] = []

        func run() throws {
            let source = try readScript(file)
            let script: SieveScript
            switch SieveCompiler.compile(source) {
            case .success(let compiled): script = compiled
            case .failure(let errors):
                for error in errors.errors { print("\(file):\(error)") }
                throw ExitCode(1)
            }
            guard let data = FileManager.default.contents(atPath: message) else { throw ValidationError("cannot read '\(message)'") }
            let context = CommandLineSieveContext(mailboxes: mailbox.isEmpty ? nil : Set(mailbox))
            let result = SieveInterpreter.run(
                script, message: SieveMessage(bytes: Self.crlf(Array(data))),
                envelope: SieveEnvelope(from: envelopeFrom, to: envelopeTo), context: context)
            for error in result.errors { print("error \(file):\(error)") }
            for action in result.actions {
                // Delivery files into INBOX instead when the mailbox is missing and :create was not given.
                if case .fileinto(let name, _, false, _) = action, !context.mailboxExists(name) {
                    print(Self.describe(action) + " -> INBOX (no such mailbox)")
                } else {
                    print(Self.describe(action))
                }
            }
            if result.errors.isEmpty == false { throw ExitCode(2) }
        }

        static func describe(_ action: SieveAction) -> String {
            func flags(_ list: [String]) -> String { list.isEmpty ? "" : " flags \(list.joined(separator: " "))" }
            switch action {
            case .keep(let list, let implicit): return (implicit ? "keep (implicit)" : "keep") + flags(list)
            case .fileinto(let mailbox, let list, let create, let copy):
                return "fileinto \"\(mailbox)\"" + flags(list) + (create ? " :create" : "") + (copy ? " :copy" : "")
            case .redirect(let address, let copy): return "redirect <\(address)>" + (copy ? " :copy" : "")
            case .discard: return "discard"
            case .reject(let reason, let extended): return (extended ? "ereject: " : "reject: ") + reason
            case .vacation(let vacation):
                return "vacation every \(vacation.period)s" + (vacation.subject.map { " subject \"\($0)\"" } ?? "")
                    + ": " + vacation.reason.prefix(60)
            case .addHeader(let name, let value, let last): return "addheader \(last ? ":last " : "")\(name): \(value)"
            case .deleteHeader(let name, let occurrence): return "deleteheader \(name) #\(occurrence)"
            }
        }

        /// Message files written by editors use LF; stored messages use CRLF (RFC 5322 §2.1).
        static func crlf(_ bytes: [UInt8]) -> [UInt8] {
            var output: [UInt8] = []
            output.reserveCapacity(bytes.count + bytes.count / 32)
            var previous: UInt8 = 0
            for byte in bytes {
                if byte == 10, previous != 13 { output.append(13) }
                output.append(byte)
                previous = byte
            }
            return output
        }
    }

    /// Pigeonhole-format test files (vnd.dovecot.testsuite): how the engine's own tests are written.
    struct Testsuite: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run Sieve test files in Dovecot Pigeonhole's .svtest format; one line per test, exit 1 on a failure.")
        @Argument(help: "The .svtest files (paths inside them are relative to each file's folder).") var files: [String]

        func run() throws {
            var passed = 0, failed = 0, skipped = 0
            for file in files {
                let report = SieveTestsuite.run(fileAt: file)
                if files.count > 1 { print("# \(file)") }
                for outcome in report.outcomes { print(outcome.line) }
                passed += report.passed
                failed += report.failed
                skipped += report.skipped
            }
            print("\(passed) passed, \(failed) failed, \(skipped) skipped")
            if failed > 0 { throw ExitCode(1) }
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

/// What `sieve test` answers the interpreter: the given mailboxes exist (or any), nothing is a
/// duplicate, includes find nothing.
private struct CommandLineSieveContext: SieveRuntimeContext {
    let mailboxes: Set<String>?
    func mailboxExists(_ name: String) -> Bool {
        guard let mailboxes else { return true }
        return mailboxes.contains(name) || (name.uppercased() == "INBOX")
    }
}
