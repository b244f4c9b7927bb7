import ArgumentParser
import FacteurServer

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage accounts.",
        subcommands: [Add.self, Remove.self, List.self, Passwd.self, Quota.self, AppPasswordCommand.self])

    struct PasswordOptions: ParsableArguments {
        @Flag(name: .long, help: "Read the password from the first line of standard input.")
        var passwordStdin = false
        @Option(name: .long, help: "An existing hash to keep (Argon2, or crypt(3) $6$, $5$, $2y$, $2b$, $y$ from Dovecot or /etc/shadow).")
        var passwordHash: String?

        func password() throws -> String? {
            if passwordStdin && passwordHash != nil { throw ValidationError("give --password-stdin or --password-hash, not both") }
            return passwordStdin ? try readPasswordFromStdin() : nil
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an account; it gets INBOX, Drafts, Sent, Trash, Junk and Archive.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The address, e.g. alice@example.com (its domain must be local).") var address: String
        @OptionGroup var password: PasswordOptions
        @Option(name: .long, help: "Quota in bytes (suffixes K, M, G accepted); default unlimited.") var quota: String?
        func run() async throws {
            let quotaBytes = try quota.map(parseQuotaArgument)
            let clear = try password.password()
            let (_, store) = try await openAdministration(options)
            let account = try await store.administration.addUser(address: address, password: clear,
                                                                 passwordHash: password.passwordHash, quotaBytes: quotaBytes ?? nil)
            print("added user \(account.address)")
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an account and all its mail.")
        @OptionGroup var options: ConfigOptions
        @Argument var address: String
        func run() async throws {
            let (_, store) = try await openAdministration(options)
            try await store.administration.removeUser(address: address)
            print("removed user \(address)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts with their usage and quota.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "Only this domain.") var domain: String?
        func run() async throws {
            let (_, store) = try await openAdministration(options)
            for account in try await store.administration.users(domain: domain) {
                let quota = account.quotaBytes.map(String.init) ?? "unlimited"
                let messageQuota = account.quotaMessages.map(String.init) ?? "unlimited"
                print("\(account.address)\t\(account.messageCount) messages\t\(account.usedBytes) bytes\tquota \(quota)\tmessage quota \(messageQuota)")
            }
        }
    }

    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change an account's password.")
        @OptionGroup var options: ConfigOptions
        @Argument var address: String
        @OptionGroup var password: PasswordOptions
        func run() async throws {
            let clear = try password.password()
            let (_, store) = try await openAdministration(options)
            try await store.administration.setPassword(address: address, password: clear, passwordHash: password.passwordHash)
            print("password changed for \(address)")
        }
    }

    struct Quota: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set an account's quotas: storage in bytes (K, M, G suffixes) and message count, or 'none'.",
            discussion: "'facteur user quota ADDRESS 10M' (the older form) sets the storage quota alone.")
        @OptionGroup var options: ConfigOptions
        @Argument var address: String
        @Argument(help: "Storage quota (same as --storage).") var bytes: String?
        @Option(name: .long, help: "Storage quota in bytes (K, M, G suffixes) or 'none'.") var storage: String?
        @Option(name: .long, help: "Most messages the account may hold, or 'none'.") var messages: String?

        func validate() throws {
            if bytes != nil && storage != nil { throw ValidationError("give the storage quota once: BYTES or --storage") }
            if bytes == nil && storage == nil && messages == nil {
                throw ValidationError("nothing to set: give --storage and/or --messages")
            }
        }

        func run() async throws {
            let storageQuota = try (bytes ?? storage).map(parseQuotaArgument)
            let messageQuota = try messages.map(parseMessageQuotaArgument)
            let (_, store) = try await openAdministration(options)
            if let storageQuota {
                try await store.administration.setQuota(address: address, bytes: storageQuota)
                print("quota of \(address): \(storageQuota.map(String.init) ?? "unlimited")")
            }
            if let messageQuota {
                try await store.administration.setMessageQuota(address: address, messages: messageQuota)
                print("message quota of \(address): \(messageQuota.map(String.init) ?? "unlimited")")
            }
        }
    }
}

/// A message count, or 'none'/'unlimited': no K/M suffixes, a count is not a size.
func parseMessageQuotaArgument(_ text: String) throws -> Int64? {
    let lower = text.lowercased()
    if lower == "none" || lower == "unlimited" { return nil }
    guard let value = Int64(lower), value >= 0 else {
        throw ValidationError("message quota '\(text)' is not a number of messages or 'none'")
    }
    return value
}

/// The CLI face of `Administration.parseQuota`: a usage error rather than a thrown description.
func parseQuotaArgument(_ text: String) throws -> Int64? {
    guard let quota = Administration.parseQuota(text) else {
        throw ValidationError("quota '\(text)' is not a number of bytes (K, M, G, T suffixes) or 'none'")
    }
    return quota
}
