import ArgumentParser
import FacteurServer
import Foundation

/// `facteur user app-password add|list|revoke`: per-device passwords, revocable one by one.
struct AppPasswordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "app-password",
        abstract: "Manage an account's app passwords (one per device, revocable one by one).",
        subcommands: [Add.self, List.self, Revoke.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make an app password and print it; it is shown only this once.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The account's address.") var address: String
        @Argument(help: "A name for the device, e.g. phone (1-64 characters, no spaces).") var name: String
        func run() async throws {
            let (_, store) = try await openAdministration(options)
            let password = try await store.administration.addAppPassword(address: address, name: name)
            print(password)
            FileHandle.standardError.write(Data("app password '\(name)' added for \(address); it will not be shown again\n".utf8))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List an account's app passwords (names and dates, never the passwords).")
        @OptionGroup var options: ConfigOptions
        @Argument var address: String
        func run() async throws {
            let (_, store) = try await openAdministration(options)
            for appPassword in try await store.administration.appPasswords(address: address) {
                let scram = appPassword.scramCredentials == nil ? "PLAIN/LOGIN" : "PLAIN/LOGIN/SCRAM-SHA-256"
                print("\(appPassword.name)\tcreated \(appPassword.createdAt.ISO8601Format())\t\(scram)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke one app password; the others keep working.")
        @OptionGroup var options: ConfigOptions
        @Argument var address: String
        @Argument var name: String
        func run() async throws {
            let (_, store) = try await openAdministration(options)
            try await store.administration.revokeAppPassword(address: address, name: name)
            print("revoked app password '\(name)' of \(address)")
        }
    }
}
