import ArgumentParser

/// The outbound queue arrives with the sending issue (submission, retries, DSN). Until then nothing
/// is ever queued: mail for remote alias targets is logged and not forwarded (README, "Limits").
struct QueueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue", abstract: "Inspect the outbound queue (not built yet: nothing is queued).",
        subcommands: [List.self, Flush.self, Remove.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List queued messages.")
        @OptionGroup var options: ConfigOptions
        func run() {
            print("the outbound queue is empty (this version does not send mail yet)")
        }
    }

    struct Flush: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Retry every queued message now.")
        @OptionGroup var options: ConfigOptions
        func run() {
            print("the outbound queue is empty (this version does not send mail yet)")
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a queued message.")
        @OptionGroup var options: ConfigOptions
        @Argument var id: String
        func run() throws {
            throw ValidationError("no queued message '\(id)' (this version does not send mail yet)")
        }
    }
}
