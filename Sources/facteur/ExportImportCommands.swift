import ArgumentParser
import FacteurServer
import Foundation

extension MailboxFormat: ExpressibleByArgument {}

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write an account's messages byte for byte as mbox (one mailbox, default INBOX) or Maildir (with no --mailbox: every mailbox, Maildir++).")
    @OptionGroup var options: ConfigOptions
    @Argument var address: String
    @Option(name: .long) var mailbox: String?
    @Option(name: .long) var format: MailboxFormat = .mbox
    @Option(name: .long, help: "A file (mbox) or directory (maildir); mbox goes to standard output without it.") var output: String?

    func run() async throws {
        let (_, store) = try await openAdministration(options)
        let stdout = FileHandle.standardOutput
        let count = try await MailboxExporter(store: store.store).export(
            address: address, mailbox: mailbox, format: format, output: output.map { URL(fileURLWithPath: $0) },
            write: { stdout.write(Data($0)) })
        FileHandle.standardError.write(Data("exported \(count) messages\n".utf8))
    }
}

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Bring an mbox file or a Maildir (with its Maildir++ sub-folders) into an account, keeping flags and dates.")
    @OptionGroup var options: ConfigOptions
    @Argument var address: String
    @Option(name: .long) var format: MailboxFormat
    @Argument var path: String
    @Option(name: .long, help: "Target mailbox (created if missing); default INBOX, or the Maildir++ folders.") var mailbox: String?

    func run() async throws {
        let (configuration, store) = try await openAdministration(options)
        let count = try await MailboxImporter(store: store.store, maxMessageSize: configuration.limits.maxMessageSize)
            .importMessages(address: address, format: format, path: URL(fileURLWithPath: path), mailbox: mailbox)
        print("imported \(count) messages")
    }
}
