// Every key the configuration file accepts, one line each: adding a key is adding a line here
// (and a property on FacteurConfiguration). Keys missing from this table are errors.
import TOMLKit

/// How one key's TOML value is checked and stored.
struct ConfigurationKey {
    /// Stores the value, or returns the complaint that follows "<key>: " in the error.
    let apply: (any TOMLValueConvertible, inout FacteurConfiguration) -> String?

    static func string(_ keyPath: WritableKeyPath<FacteurConfiguration, String>) -> ConfigurationKey {
        ConfigurationKey { value, configuration in
            guard let text = value.string else { return "expected a string" }
            guard !text.isEmpty else { return "must not be empty" }
            configuration[keyPath: keyPath] = text
            return nil
        }
    }

    /// A DNS name (letters, digits, hyphens, dots): it goes into SMTP greetings and Received:
    /// fields, so a stray space or line break would corrupt the protocol.
    static func hostname(_ keyPath: WritableKeyPath<FacteurConfiguration, String>) -> ConfigurationKey {
        ConfigurationKey { value, configuration in
            let complaint = "expected a host name such as \"mx.example.test\", got \(ConfigurationKey.show(value))"
            guard let text = value.string, !text.isEmpty, text.utf8.count <= 253 else { return complaint }
            let labels = text.split(separator: ".", omittingEmptySubsequences: false)
            let valid = labels.allSatisfy { label in
                !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                    && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            }
            guard valid else { return complaint }
            configuration[keyPath: keyPath] = text
            return nil
        }
    }

    static func optionalString(_ keyPath: WritableKeyPath<FacteurConfiguration, String?>) -> ConfigurationKey {
        ConfigurationKey { value, configuration in
            guard let text = value.string else { return "expected a string" }
            guard !text.isEmpty else { return "must not be empty" }
            configuration[keyPath: keyPath] = text
            return nil
        }
    }

    static func positiveInteger(_ keyPath: WritableKeyPath<FacteurConfiguration, Int>) -> ConfigurationKey {
        ConfigurationKey { value, configuration in
            guard let number = value.int, number > 0 else { return "expected a positive integer" }
            configuration[keyPath: keyPath] = number
            return nil
        }
    }

    /// An integer within `range`: bounds keep a typo (an extra zero or two) from becoming a
    /// lockout of days or a memory-hungry setting.
    static func integer(_ keyPath: WritableKeyPath<FacteurConfiguration, Int>, in range: ClosedRange<Int>) -> ConfigurationKey {
        ConfigurationKey { value, configuration in
            let expected = "expected an integer from \(range.lowerBound) to \(range.upperBound)"
            guard let number = value.int else { return "\(expected), got \(ConfigurationKey.show(value))" }
            guard range.contains(number) else { return "\(expected), got \(number)" }
            configuration[keyPath: keyPath] = number
            return nil
        }
    }

    /// Like `integer(_:in:)` for a key whose absence means "each listener's own default".
    static func optionalInteger(_ keyPath: WritableKeyPath<FacteurConfiguration, Int?>, in range: ClosedRange<Int>) -> ConfigurationKey {
        ConfigurationKey { value, configuration in
            let expected = "expected an integer from \(range.lowerBound) to \(range.upperBound)"
            guard let number = value.int else { return "\(expected), got \(ConfigurationKey.show(value))" }
            guard range.contains(number) else { return "\(expected), got \(number)" }
            configuration[keyPath: keyPath] = number
            return nil
        }
    }

    static func boolean(_ keyPath: WritableKeyPath<FacteurConfiguration, Bool>) -> ConfigurationKey {
        ConfigurationKey { value, configuration in
            guard let flag = value.bool else { return "expected true or false, got \(ConfigurationKey.show(value))" }
            configuration[keyPath: keyPath] = flag
            return nil
        }
    }

    static func choice<Choice: RawRepresentable & CaseIterable>(
        _ keyPath: WritableKeyPath<FacteurConfiguration, Choice>
    ) -> ConfigurationKey where Choice.RawValue == String {
        ConfigurationKey { value, configuration in
            let allowed = Choice.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " or ")
            guard let text = value.string, let choice = Choice(rawValue: text) else {
                return "expected \(allowed), got \(ConfigurationKey.show(value))"
            }
            configuration[keyPath: keyPath] = choice
            return nil
        }
    }

    static func listener(_ name: ListenerName) -> ConfigurationKey {
        ConfigurationKey { value, configuration in
            guard let text = value.string, let address = ListenerAddress(parsing: text) else {
                return "expected \"host:port\" with a port 0-65535, got \(ConfigurationKey.show(value))"
            }
            configuration.listeners[name] = address
            return nil
        }
    }

    /// The value found, quoted and cut short, for error messages.
    static func show(_ value: any TOMLValueConvertible) -> String {
        guard let text = value.string else { return "a value of type \(value.type)" }
        let shown = text.count > 80 ? String(text.prefix(80)) + "…" : text
        // Quoted with escapes, so a control character cannot break the log line it lands in.
        // (Not `debugDescription`: TOMLKit redefines it on String to return the text unquoted.)
        var quoted = "\""
        for scalar in shown.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\r": quoted += "\\r"
            case "\t": quoted += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                quoted += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16).uppercased()
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }
}

/// One `[table]` of the file.
struct ConfigurationSection {
    var keys: [String: ConfigurationKey]
    /// Runs when the table is present, before its keys are read.
    var whenPresent: (inout FacteurConfiguration) -> Void = { _ in }
    /// Checks that need several keys, after the table is read: the key to blame and the complaint.
    var validate: (FacteurConfiguration) -> (key: String?, message: String)? = { _ in nil }
}

enum ConfigurationSchema {
    static var rootKeys: [String: ConfigurationKey] {
        [
            "hostname": .hostname(\.hostname),
            "data_dir": .string(\.dataDirectory),
        ]
    }

    static var sections: [String: ConfigurationSection] {
        [
            "storage": ConfigurationSection(
                keys: [
                    "backend": .choice(\.storage.backend),
                    "url": .optionalString(\.storage.url),
                ],
                validate: { configuration in
                    configuration.storage.backend == .postgres && configuration.storage.url == nil
                        ? (key: "url", message: "required when backend is \"postgres\"") : nil
                }),
            "tls": ConfigurationSection(
                keys: [
                    "cert": .string(\.tlsFilesBeingRead.certificatePath),
                    "key": .string(\.tlsFilesBeingRead.keyPath),
                ],
                whenPresent: { $0.tls = FacteurConfiguration.TLSFiles(certificatePath: "", keyPath: "") },
                validate: { configuration in
                    guard let files = configuration.tls else { return nil }
                    if files.certificatePath.isEmpty { return (key: "cert", message: "required in [tls]") }
                    if files.keyPath.isEmpty { return (key: "key", message: "required in [tls]") }
                    return nil
                }),
            "listeners": ConfigurationSection(
                keys: Dictionary(uniqueKeysWithValues: ListenerName.allCases.map { ($0.rawValue, ConfigurationKey.listener($0)) })),
            "limits": ConfigurationSection(
                keys: [
                    "max_message_size": .positiveInteger(\.limits.maxMessageSize),
                    "max_connections": .integer(\.limits.maxConnections, in: 1...1_000_000),
                    "max_connections_per_address": .integer(\.limits.maxConnectionsPerAddress, in: 1...1_000_000),
                    "max_line_length": .optionalInteger(\.limits.maxLineLength, in: 512...1_048_576),
                    "max_literal_size": .integer(\.limits.maxLiteralSize, in: 1_024...1_073_741_824),
                    // RFC 5321 §4.5.3.1.8: at least 100 recipients MUST be accepted.
                    "max_recipients": .integer(\.limits.maxRecipients, in: 100...100_000),
                    "max_mailboxes_per_account": .integer(\.limits.maxMailboxesPerAccount, in: 10...1_000_000),
                    "max_mailbox_name_length": .integer(\.limits.maxMailboxNameLength, in: 16...1_024),
                    "max_mailbox_depth": .integer(\.limits.maxMailboxDepth, in: 1...32),
                    "prelogin_timeout_seconds": .integer(\.limits.preloginTimeoutSeconds, in: 1...3_600),
                    // RFC 9051 §5.4: the autologout timer MUST be at least 30 minutes.
                    "imap_autologout_seconds": .integer(\.limits.imapAutologoutSeconds, in: 1_800...86_400),
                    // RFC 5321 §4.5.3.2 gives 5 and 3 minutes; shorter values are for tests and floods.
                    "smtp_command_timeout_seconds": .integer(\.limits.smtpCommandTimeoutSeconds, in: 1...3_600),
                    "smtp_data_timeout_seconds": .integer(\.limits.smtpDataTimeoutSeconds, in: 1...3_600),
                ]),
            "sieve": ConfigurationSection(
                keys: [
                    "before": .optionalString(\.sieve.beforeScript),
                    "global_dir": .optionalString(\.sieve.globalDirectory),
                ]),
            "security": ConfigurationSection(
                keys: [
                    "plaintext_auth": .choice(\.security.plaintextAuth),
                    "login_failure_delay_ms": .integer(\.security.loginFailureDelayMilliseconds, in: 0...60_000),
                    "login_max_delay_ms": .integer(\.security.loginMaxDelayMilliseconds, in: 0...60_000),
                    "login_lockout_failures": .integer(\.security.loginLockoutFailures, in: 1...10_000),
                    "login_lockout_seconds": .integer(\.security.loginLockoutSeconds, in: 0...604_800),
                    "login_failure_window_seconds": .integer(\.security.loginFailureWindowSeconds, in: 1...604_800),
                    "login_exempt_loopback": .boolean(\.security.loginExemptLoopback),
                ],
                validate: { configuration in
                    let security = configuration.security
                    return security.loginMaxDelayMilliseconds < security.loginFailureDelayMilliseconds
                        ? (key: "login_max_delay_ms", message: "must not be less than login_failure_delay_ms") : nil
                }),
        ]
    }
}

extension FacteurConfiguration {
    /// `[tls]` while its keys are read; `whenPresent` has made `tls` non-nil by then, and the
    /// setter keeps it non-nil, so no key path ever force-unwraps.
    var tlsFilesBeingRead: TLSFiles {
        get { tls ?? TLSFiles(certificatePath: "", keyPath: "") }
        set { tls = newValue }
    }
}
