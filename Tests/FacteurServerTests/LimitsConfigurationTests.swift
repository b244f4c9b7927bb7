// `[limits]`: every key parsed, the RFC defaults, and bad values refused with key and line.

import Testing
@testable import FacteurServer

@Suite struct LimitsConfigurationTests {
    @Test func defaultsFollowTheRFCs() {
        let limits = FacteurConfiguration.Limits()
        #expect(limits.maxMessageSize == 52_428_800)
        #expect(limits.maxRecipients == 100)                  // RFC 5321 §4.5.3.1.8
        #expect(limits.imapAutologoutSeconds == 1_800)        // RFC 9051 §5.4
        #expect(limits.smtpCommandTimeoutSeconds == 300)      // RFC 5321 §4.5.3.2.7
        #expect(limits.smtpDataTimeoutSeconds == 180)         // RFC 5321 §4.5.3.2.5
        #expect(limits.maxLineLength == nil)
        #expect(limits.maxMailboxDepth == 32)
        #expect(limits.maxMailboxNameLength == 1_024)
    }

    @Test func everyKeyIsRead() throws {
        let configuration = try FacteurConfiguration.parse("""
            [limits]
            max_message_size = 100000
            max_connections = 3
            max_connections_per_address = 2
            max_line_length = 1000
            max_literal_size = 2048
            max_recipients = 150
            max_mailboxes_per_account = 12
            max_mailbox_name_length = 40
            max_mailbox_depth = 3
            prelogin_timeout_seconds = 2
            imap_autologout_seconds = 3600
            smtp_command_timeout_seconds = 4
            smtp_data_timeout_seconds = 5
            """, file: "facteur.toml")
        #expect(configuration.limits == FacteurConfiguration.Limits(
            maxMessageSize: 100_000, maxConnections: 3, maxConnectionsPerAddress: 2, maxLineLength: 1000,
            maxLiteralSize: 2048, maxRecipients: 150, maxMailboxesPerAccount: 12, maxMailboxNameLength: 40,
            maxMailboxDepth: 3, preloginTimeoutSeconds: 2, imapAutologoutSeconds: 3600,
            smtpCommandTimeoutSeconds: 4, smtpDataTimeoutSeconds: 5))
    }

    @Test(arguments: [
        // (unset line length, protocol default, protocol floor, expected)
        (nil, 2048, 512, 2048),
        (600, 2048, 512, 600),
        (600, 65_536, 8192, 8192),     // IMAP never goes below RFC 7162 §4's 8192
        (20_000, 512, 512, 20_000),
    ] as [(Int?, Int, Int, Int)])
    func lineLengthPerProtocol(configured: Int?, defaultLength: Int, floor: Int, expected: Int) {
        let limits = FacteurConfiguration.Limits(maxLineLength: configured)
        #expect(limits.lineLength(default: defaultLength, floor: floor) == expected)
    }

    @Test(arguments: [
        ("[limits]\nmax_recipients = 99\n",
         "facteur.toml:2: limits.max_recipients: expected an integer from 100 to 100000, got 99"),
        ("[limits]\n\nimap_autologout_seconds = 600\n",
         "facteur.toml:3: limits.imap_autologout_seconds: expected an integer from 1800 to 86400, got 600"),
        ("[limits]\nmax_connections = 0\n",
         "facteur.toml:2: limits.max_connections: expected an integer from 1 to 1000000, got 0"),
        ("[limits]\nmax_connections_per_address = \"ten\"\n",
         "facteur.toml:2: limits.max_connections_per_address: expected an integer from 1 to 1000000, got \"ten\""),
        ("[limits]\nmax_line_length = 100\n",
         "facteur.toml:2: limits.max_line_length: expected an integer from 512 to 1048576, got 100"),
        ("[limits]\nmax_mailbox_depth = 33\n",
         "facteur.toml:2: limits.max_mailbox_depth: expected an integer from 1 to 32, got 33"),
        ("[limits]\nmax_mailbox_name_length = 2000\n",
         "facteur.toml:2: limits.max_mailbox_name_length: expected an integer from 16 to 1024, got 2000"),
        ("[limits]\nmax_literal_size = 10\n",
         "facteur.toml:2: limits.max_literal_size: expected an integer from 1024 to 1073741824, got 10"),
        ("[limits]\nprelogin_timeout_seconds = 0\n",
         "facteur.toml:2: limits.prelogin_timeout_seconds: expected an integer from 1 to 3600, got 0"),
        ("[limits]\nsmtp_command_timeout_seconds = 1.5\n",
         "facteur.toml:2: limits.smtp_command_timeout_seconds: expected an integer from 1 to 3600, got a value of type floating-point number"),
        ("[limits]\nmax_mailboxes_per_account = 5\n",
         "facteur.toml:2: limits.max_mailboxes_per_account: expected an integer from 10 to 1000000, got 5"),
        ("[limits]\nmax_recipent = 200\n", "facteur.toml:2: unknown key 'limits.max_recipent'"),
    ])
    func badValuesNameKeyAndLine(text: String, expected: String) {
        do {
            _ = try FacteurConfiguration.parse(text, file: "facteur.toml")
            Issue.record("accepted, expected: \(expected)")
        } catch {
            #expect(error.description == expected)
        }
    }
}
