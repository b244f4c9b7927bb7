import ArgumentParser
import FacteurServer

struct AliasCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alias",
        abstract: "Manage aliases and distribution lists (an alias with several targets). '@domain' is the domain's catch-all.",
        subcommands: [Add.self, Remove.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an alias (or replace its targets).")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The alias address, or @domain for a catch-all.") var address: String
        @Argument(help: "One or more target addresses.") var targets: [String]
        func validate() throws {
            if targets.isEmpty { throw ValidationError("an alias needs at least one target") }
        }
        func run() async throws {
            let (_, store) = try await openAdministration(options)
            try await store.administration.addAlias(address: address, targets: targets)
            print("added alias \(address) -> \(targets.joined(separator: ", "))")
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an alias (or @domain's catch-all).")
        @OptionGroup var options: ConfigOptions
        @Argument var address: String
        func run() async throws {
            let (_, store) = try await openAdministration(options)
            try await store.administration.removeAlias(address: address)
            print("removed alias \(address)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List aliases and catch-alls.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "Only this domain.") var domain: String?
        func run() async throws {
            let (_, store) = try await openAdministration(options)
            for alias in try await store.administration.aliases(domain: domain) {
                print("\(alias.address)\t\(alias.targets.joined(separator: ", "))")
            }
        }
    }
}
