// The command line of DESIGN.md "Command line and configuration": scripts and users rely on it.
import ArgumentParser
import FacteurServer
import Foundation
import Logging

@main
struct FacteurCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "facteur",
        abstract: "A mail server for organisations: SMTP, LMTP, IMAP, POP3 and Sieve in one binary.",
        subcommands: [ServeCommand.self, DomainCommand.self, UserCommand.self, AliasCommand.self,
                      QueueCommand.self, ExportCommand.self, ImportCommand.self, SieveCommand.self,
                      VersionCommand.self])
}

/// `--config FILE`, shared by every command that touches the store.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration file (default: $FACTEUR_CONFIG, then ./facteur.toml, then development defaults).")
    var config: String?

    func load() throws -> FacteurConfiguration {
        try FacteurConfiguration.load(path: config, environment: ProcessInfo.processInfo.environment)
    }
}

/// Admin commands log warnings and errors only, to stderr; `serve` logs at info.
func bootstrapLogging(defaultLevel: Logger.Level) {
    let level = ProcessInfo.processInfo.environment["FACTEUR_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? defaultLevel
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
}

/// Opens the configured store for an admin command.
func openAdministration(_ options: ConfigOptions) async throws -> (FacteurConfiguration, StoreHandle) {
    bootstrapLogging(defaultLevel: .warning)
    let configuration = try options.load()
    let store = try StoreHandle.open(configuration: configuration, logger: Logger(label: "facteur.admin"))
    return (configuration, store)
}

/// Reads a password from standard input: the first line, without its line ending.
func readPasswordFromStdin() throws -> String {
    guard let line = readLine(strippingNewline: true), !line.isEmpty else {
        throw ValidationError("no password on standard input")
    }
    return line
}
