@testable import Sieve
import Testing

/// test_config_set values in Dovecot's syntax, and which keys the engine has.
struct SieveTestsuiteSettingsTests {
    @Test(arguments: [("30", 30), ("30s", 30), ("5m", 300), ("2h", 7_200), ("1d", 86_400), ("1w", 604_800),
                      ("0", 0)] as [(String, Int)])
    func durations(_ text: String, _ seconds: Int) {
        #expect(SieveTestsuiteSettings.duration(text) == seconds)
    }

    @Test(arguments: ["", "x", "-1", "1y", "99999999999d"])
    func badDurations(_ text: String) {
        #expect(SieveTestsuiteSettings.duration(text) == nil)
    }

    @Test(arguments: [("4096", 4_096), ("4k", 4_096), ("1M", 1 << 20), ("2G", 2 << 30)] as [(String, Int)])
    func sizes(_ text: String, _ bytes: Int) {
        #expect(SieveTestsuiteSettings.size(text) == bytes)
    }

    @Test func knownKeysChangeTheEngineAndUnsetRestoresThem() {
        var settings = SieveTestsuiteSettings()
        let redirects = settings.set("sieve_max_redirects", "1")
        #expect(redirects)
        let delimiter = settings.set("recipient_delimiter", "-+")
        #expect(delimiter)
        let vacation = settings.set("sieve_vacation_min_period", "1h")
        #expect(vacation)
        #expect(settings.limits.maximumRedirects == 1)
        #expect(settings.options.recipientDelimiters == "-+")
        #expect(settings.options.minimumVacationPeriod == 3_600)
        let restored = settings.unset("sieve_max_redirects")
        #expect(restored)
        #expect(settings.limits.maximumRedirects == SieveLimits.default.maximumRedirects)
    }

    @Test(arguments: ["sieve_max_cpu_time", "sieve_editheader_protected", "sieve_variables_max_scope_size", "frop"])
    func unknownKeysAreUnsupported(_ key: String) {
        var settings = SieveTestsuiteSettings()
        let accepted = settings.set(key, "1")
        #expect(!accepted)
        let unsetAccepted = settings.unset(key)
        #expect(!unsetAccepted)
    }

    @Test func recipientDelimitersAreAnInterpreterOption() throws {
        let script = try SieveCompiler.compile("""
            require ["subaddress", "envelope", "fileinto"];
            if envelope :detail "to" "news" { fileinto "News"; }
            """).get()
        let message = SieveMessage(bytes: Array("From: a@example.org\r\n\r\nx\r\n".utf8))
        let envelope = SieveEnvelope(from: "a@example.org", to: "bob-news@example.com")
        struct Context: SieveRuntimeContext {}
        let plus = SieveInterpreter.run(script, message: message, envelope: envelope, context: Context())
        #expect(plus.implicitKeep)
        let dash = SieveInterpreter.run(script, message: message, envelope: envelope,
                                        options: .init(recipientDelimiters: "+-"), context: Context())
        #expect(dash.actions.first == .fileinto(mailbox: "News", flags: [], create: false, copy: false))
    }
}
