import ArgumentParser
import FacteurServer

struct DomainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "domain", abstract: "Manage the local domains (mail for them is accepted on port 25).",
        subcommands: [Add.self, Remove.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a local domain.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The domain name, e.g. example.com.") var name: String
        func run() async throws {
            let (_, store) = try await openAdministration(options)
            try await store.administration.addDomain(name)
            print("added domain \(name.lowercased())")
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a domain that has no users or aliases left.")
        @OptionGroup var options: ConfigOptions
        @Argument var name: String
        func run() async throws {
            let (_, store) = try await openAdministration(options)
            try await store.administration.removeDomain(name)
            print("removed domain \(name.lowercased())")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the local domains.")
        @OptionGroup var options: ConfigOptions
        func run() async throws {
            let (_, store) = try await openAdministration(options)
            for domain in try await store.administration.domains() {
                print(domain.catchAll.map { "\(domain.name)\tcatch-all \($0)" } ?? domain.name)
            }
        }
    }
}
