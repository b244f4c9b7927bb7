// `facteur queue list|flush|remove ID`: the outbound queue. Sieve redirects, vacation replies and
// rejection notices are queued at delivery; the sender (SMTP client, retries, DSN) comes with the
// outbound issue, so until then they wait here and `flush` attempts nothing.
import ArgumentParser
import FacteurServer
import Foundation
import MailStore

struct QueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue", abstract: "Inspect the outbound queue (Sieve redirects, vacation replies, rejection notices).",
        subcommands: [List.self, Flush.self, Remove.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List queued messages: id, age, from, to, size, reason, status.")
        @OptionGroup var options: ConfigOptions
        func run() async throws {
            let (_, handle) = try await openAdministration(options)
            let entries = try await handle.store.outboundQueue()
            if entries.isEmpty {
                print("the outbound queue is empty")
                return
            }
            print(["ID", "AGE", "FROM", "TO", "SIZE", "REASON", "STATUS"].joined(separator: "\t"))
            let now = Date()
            for entry in entries {
                print(QueueCommand.line(entry, now: now))
            }
            print("\(entries.count) queued; not sent: this version has no outbound sender yet")
        }
    }

    struct Flush: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Retry every queued message now (no sender is built yet: nothing is attempted; exit 0).")
        @OptionGroup var options: ConfigOptions
        func run() async throws {
            let (_, handle) = try await openAdministration(options)
            let count = try await handle.store.outboundQueue().count
            print("\(count) queued message(s); nothing was attempted: this version has no outbound sender yet")
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a queued message (it is never sent).")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The ID shown by `facteur queue list`.") var id: String
        func run() async throws {
            guard let queueID = OutboundQueueID(id), queueID > 0 else {
                throw ValidationError("'\(id)' is not a queue id (a number from `facteur queue list`)")
            }
            let (_, handle) = try await openAdministration(options)
            do {
                try await handle.store.removeOutbound(id: queueID)
            } catch StoreError.notFound {
                throw ValidationError("no queued message \(queueID)")
            }
            print("removed queued message \(queueID)")
        }
    }

    /// One tab-separated row; addresses are shown as given ("<>" for the null reverse-path).
    static func line(_ entry: OutboundQueueEntry, now: Date) -> String {
        let from = entry.envelopeFrom.isEmpty ? "<>" : entry.envelopeFrom
        let status = entry.lastError.map { "deferred (\(entry.attempts) attempts): \($0)" }
            ?? (entry.attempts == 0 ? "waiting (no sender yet)" : "deferred (\(entry.attempts) attempts)")
        return [String(entry.id), age(now.timeIntervalSince(entry.created)), from,
                entry.recipients.joined(separator: ","), String(entry.size), entry.origin.rawValue, status]
            .joined(separator: "\t")
    }

    static func age(_ seconds: TimeInterval) -> String {
        let whole = max(0, Int(seconds))
        if whole < 60 { return "\(whole)s" }
        if whole < 3600 { return "\(whole / 60)m" }
        if whole < 86_400 { return "\(whole / 3600)h\((whole % 3600) / 60)m" }
        return "\(whole / 86_400)d\((whole % 86_400) / 3600)h"
    }
}
