import ArgumentParser
import FacteurServer

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version.")
    func run() {
        print("facteur \(FacteurVersion.current)")
    }
}
