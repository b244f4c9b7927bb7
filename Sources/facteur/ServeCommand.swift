import ArgumentParser
import FacteurServer
import Foundation
import Logging

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run every configured listener in the foreground (SIGTERM/SIGINT stop it gracefully).")

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        bootstrapLogging(defaultLevel: .info)
        let configuration: FacteurConfiguration
        do {
            configuration = try options.load()
        } catch {
            FileHandle.standardError.write(Data("facteur: \(error)\n".utf8))
            throw ExitCode(78)   // EX_CONFIG
        }
        let metrics = FacteurMetrics.bootstrap()
        try await FacteurApplication(configuration: configuration, metrics: metrics,
                                     logger: Logger(label: "facteur")).run()
    }
}
