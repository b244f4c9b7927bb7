import Foundation
import Testing
@testable import FacteurServer
import Auth

@Suite struct ConfigurationTests {
    static let fullFile = """
        hostname = "mx.example.test"        # used in greetings
        data_dir = "/var/lib/facteur"

        [storage]
        backend = "postgres"
        url = "postgres://facteur@127.0.0.1:5432/facteur"

        [tls]
        cert = "/etc/facteur/fullchain.pem"
        key  = "/etc/facteur/privkey.pem"

        [listeners]
        smtp        = "0.0.0.0:25"
        submission  = "0.0.0.0:587"
        submissions = "0.0.0.0:465"
        lmtp        = "127.0.0.1:24"
        imap        = "[::1]:143"
        imaps       = "[::]:993"
        pop3        = "0.0.0.0:110"
        pop3s       = "0.0.0.0:995"
        managesieve = "0.0.0.0:4190"
        http        = "localhost:0"

        [limits]
        max_message_size = 10485760
        """

    @Test func developmentDefaultsMatchDesign() {
        let defaults = FacteurConfiguration.developmentDefaults()
        #expect(defaults.hostname == "localhost")
        #expect(defaults.dataDirectory == "./facteur-data")
        #expect(defaults.storage == .init(backend: .sqlite, url: nil))
        #expect(defaults.tls == nil)
        #expect(defaults.limits.maxMessageSize == 52_428_800)
        #expect(defaults.sourceFile == nil)
        let expected: [ListenerName: Int] = [
            .smtp: 2525, .submission: 2587, .submissions: 2465, .lmtp: 2424, .imap: 1143,
            .imaps: 1993, .pop3: 1110, .pop3s: 1995, .managesieve: 4190, .http: 8080,
        ]
        #expect(defaults.listeners.count == ListenerName.allCases.count)
        for (name, port) in expected {
            #expect(defaults.listeners[name] == ListenerAddress(host: "127.0.0.1", port: port), "\(name)")
        }
    }

    @Test func fullFileRoundTrip() throws {
        let configuration = try FacteurConfiguration.parse(Self.fullFile, file: "facteur.toml")
        #expect(configuration == FacteurConfiguration(
            hostname: "mx.example.test",
            dataDirectory: "/var/lib/facteur",
            storage: .init(backend: .postgres, url: "postgres://facteur@127.0.0.1:5432/facteur"),
            tls: .init(certificatePath: "/etc/facteur/fullchain.pem", keyPath: "/etc/facteur/privkey.pem"),
            listeners: [
                .smtp: .init(host: "0.0.0.0", port: 25),
                .submission: .init(host: "0.0.0.0", port: 587),
                .submissions: .init(host: "0.0.0.0", port: 465),
                .lmtp: .init(host: "127.0.0.1", port: 24),
                .imap: .init(host: "::1", port: 143),
                .imaps: .init(host: "::", port: 993),
                .pop3: .init(host: "0.0.0.0", port: 110),
                .pop3s: .init(host: "0.0.0.0", port: 995),
                .managesieve: .init(host: "0.0.0.0", port: 4190),
                .http: .init(host: "localhost", port: 0),
            ],
            limits: .init(maxMessageSize: 10_485_760),
            sourceFile: "facteur.toml"))
        #expect(configuration.listeners[.imap]?.description == "[::1]:143")
    }

    @Test func omittedListenersAreOffAndOmittedKeysKeepDefaults() throws {
        let configuration = try FacteurConfiguration.parse("""
            hostname = "mail.example.test"
            [listeners]
            imap = "127.0.0.1:1143"
            """, file: "f.toml")
        #expect(configuration.listeners == [.imap: ListenerAddress(host: "127.0.0.1", port: 1143)])
        #expect(configuration.dataDirectory == "./facteur-data")
        #expect(configuration.storage.backend == .sqlite)
        #expect(configuration.tls == nil)
        #expect(configuration.limits.maxMessageSize == 52_428_800)
    }

    @Test func equivalentTOMLSpellingsAreAccepted() throws {
        let configuration = try FacteurConfiguration.parse("""
            "hostname" = 'mx.example.test'
            limits.max_message_size = 1000
            listeners = { smtp = "0.0.0.0:25", 'imap' = "[::1]:143" }
            """, file: "f.toml")
        #expect(configuration.hostname == "mx.example.test")
        #expect(configuration.limits.maxMessageSize == 1000)
        #expect(configuration.listeners[.smtp]?.port == 25)
        #expect(configuration.listeners[.imap]?.host == "::1")
    }

    // Each error names the file, the exact line and the key.
    @Test(arguments: [
        // The DESIGN.md examples.
        ("hostname = \"a\"\n\n\n\n\n\n[listners]\nsmtp = \"0.0.0.0:25\"\n",
         "facteur.toml:7: unknown key 'listners'"),
        ("hostname = \"a\"\n" + String(repeating: "\n", count: 9) + "[listeners]\nsmtp = \"0.0.0.0:99999\"\n",
         "facteur.toml:12: listeners.smtp: expected \"host:port\" with a port 0-65535, got \"0.0.0.0:99999\""),
        ("hostname = \"a\"\n[limits]\nmax_message_size = -5\n",
         "facteur.toml:3: limits.max_message_size: expected a positive integer"),
        // Unknown keys everywhere, however spelled.
        ("hostnam = \"a\"\n", "facteur.toml:1: unknown key 'hostnam'"),
        ("[limits]\n\nmax_message_sise = 5\n", "facteur.toml:3: unknown key 'limits.max_message_sise'"),
        ("[storage]\nbackend = \"sqlite\"\n[storage.extra]\nx = 1\n", "facteur.toml:3: unknown key 'storage.extra'"),
        ("[listeners]\n\"smtpx\" = \"0.0.0.0:25\"\n", "facteur.toml:2: unknown key 'listeners.smtpx'"),
        ("# comment\nlisteners.smpt = \"0.0.0.0:25\"\n", "facteur.toml:2: unknown key 'listeners.smpt'"),
        ("hostname = \"a\"\nlisteners = { smtp = \"0.0.0.0:25\",\n  imap4 = \"0.0.0.0:143\" }\n".replacingOccurrences(of: ",\n  ", with: ", "),
         "facteur.toml:2: unknown key 'listeners.imap4'"),
        ("[[tls]]\ncert = \"a\"\n", "facteur.toml:1: tls: expected a table"),
        // Wrong types and values.
        ("hostname = 5\n",
         "facteur.toml:1: hostname: expected a host name such as \"mx.example.test\", got a value of type integer"),
        ("\nhostname = \"mx.example.test\\r\\nX-Injected: 1\"\n",
         "facteur.toml:2: hostname: expected a host name such as \"mx.example.test\", got \"mx.example.test\\r\\nX-Injected: 1\""),
        ("hostname = \"-bad.example\"\n",
         "facteur.toml:1: hostname: expected a host name such as \"mx.example.test\", got \"-bad.example\""),
        ("data_dir = 7\n", "facteur.toml:1: data_dir: expected a string"),
        ("data_dir = \"\"\n", "facteur.toml:1: data_dir: must not be empty"),
        ("[limits]\nmax_message_size = \"50M\"\n", "facteur.toml:2: limits.max_message_size: expected a positive integer"),
        ("[limits]\nmax_message_size = 1.5\n", "facteur.toml:2: limits.max_message_size: expected a positive integer"),
        ("[storage]\nbackend = \"mysql\"\n",
         "facteur.toml:2: storage.backend: expected \"sqlite\" or \"postgres\", got \"mysql\""),
        ("[storage]\nbackend = \"postgres\"\n", "facteur.toml:1: storage.url: required when backend is \"postgres\""),
        ("\n[tls]\ncert = \"/a.pem\"\n", "facteur.toml:2: tls.key: required in [tls]"),
        ("[listeners]\nimap = 143\n",
         "facteur.toml:2: listeners.imap: expected \"host:port\" with a port 0-65535, got a value of type integer"),
        ("[listeners]\n\n\nimap = \"::1:143\"\n",
         "facteur.toml:4: listeners.imap: expected \"host:port\" with a port 0-65535, got \"::1:143\""),
        ("[listeners]\nimap = \"[::1]143\"\n",
         "facteur.toml:2: listeners.imap: expected \"host:port\" with a port 0-65535, got \"[::1]143\""),
        ("[listeners]\nimap = \"0.0.0.0:\"\n",
         "facteur.toml:2: listeners.imap: expected \"host:port\" with a port 0-65535, got \"0.0.0.0:\""),
        ("[listeners]\nimap = \"[not:an:address]:143\"\n",
         "facteur.toml:2: listeners.imap: expected \"host:port\" with a port 0-65535, got \"[not:an:address]:143\""),
        ("listeners = 3\n", "facteur.toml:1: listeners: expected a table"),
        // The earliest of several problems is the one reported.
        ("zzz = 1\n[limits]\nmax_message_size = 0\n", "facteur.toml:1: unknown key 'zzz'"),
        ("[limits]\nmax_message_size = 0\n[aaa]\n", "facteur.toml:2: limits.max_message_size: expected a positive integer"),
        // A multi-line string must not confuse the line scanner.
        ("data_dir = \"\"\"\nx\n[bogus]\n\"\"\"\n[limits]\nmax_message_size = 0\n",
         "facteur.toml:6: limits.max_message_size: expected a positive integer"),
    ])
    func errorsNameFileLineAndKey(text: String, expected: String) {
        do {
            _ = try FacteurConfiguration.parse(text, file: "facteur.toml")
            Issue.record("accepted, expected: \(expected)")
        } catch {
            #expect(error.description == expected)
        }
    }

    @Test(arguments: [
        ("hostname = \"a\"\nhostname = \"b\"\n", 2),
        ("hostname = \"a\"\n\n[limits\n", 3),
        ("[listeners]\nsmtp = \"0.0.0.0:25\n", 2),
        ("a = = 1\n", 1),
    ])
    func tomlSyntaxErrorsNameTheLine(text: String, line: Int) {
        do {
            _ = try FacteurConfiguration.parse(text, file: "conf/facteur.toml")
            Issue.record("expected a syntax error")
        } catch {
            #expect(error.line == line)
            #expect(error.description.hasPrefix("conf/facteur.toml:\(line): "))
        }
    }

    // The scanner that finds lines for TOMLKit's position-less values.
    @Test(arguments: [
        ("\u{FEFF}hostname = \"a\"\n", ["hostname"], 1),
        ("# [limits] in a comment\n[ limits ]\nmax_message_size = 1\n", ["limits", "max_message_size"], 3),
        ("[\"limits\"]\n'max_message_size' = 1\n", ["limits", "max_message_size"], 2),
        ("a = '''\n[limits]\n'''\nlimits.max_message_size = 1\n", ["limits", "max_message_size"], 4),
        ("a = \"x # = [limits]\" # c\n[limits]\n", ["limits"], 2),
        ("a = [\n  { b = 1 },\n  \"]\",\n]\nc = 2\n", ["c"], 5),
        ("t = { \"quoted key\" = { inner = 1 } }\n", ["t", "quoted key", "inner"], 1),
        ("[x]\r\ny = 1\r\n[[z]]\r\nw = 2\r\n", ["z", "w"], 4),
        ("a.\"b.c\" . d = 1\n", ["a", "b.c", "d"], 1),
        ("a = \"\"\"one\n\\\"\"\" two\nthree\"\"\"\nb = 1\n", ["b"], 4),
        ("\"k\\u00e9y\" = 1\n", ["kéy"], 1),
    ])
    func keyLocatorFindsLines(text: String, path: [String], line: Int) {
        #expect(TOMLKeyLocator(text).line(of: path) == line)
    }

    @Test func keyLocatorSurvivesTruncatedInput() {
        for text in ["a = \"unterminated", "[unterminated", "a = [1, 2", "a = { b = ", "a = '''x", "\u{FEFF}", "=", "\"\\u12"] {
            _ = TOMLKeyLocator(text).line(of: ["a"])
        }
        #expect(TOMLKeyLocator("a = { b = ").line(of: ["a", "b"]) == 1)
    }

    // MARK: Resolution order: --config, then $FACTEUR_CONFIG, then ./facteur.toml, then defaults.

    @Test func resolutionOrder() throws {
        let directory = try ConfigurationScratchDirectory()
        let explicit = directory.write("explicit.toml", "hostname = \"explicit.test\"\n")
        let fromEnvironment = directory.write("env.toml", "hostname = \"environment.test\"\n")
        let environment = [FacteurConfiguration.environmentVariable: fromEnvironment]

        // No file anywhere: development defaults.
        #expect(try FacteurConfiguration.load(path: nil, environment: [:], currentDirectory: directory.path)
                == .developmentDefaults())

        // ./facteur.toml is used when present.
        directory.write("facteur.toml", "hostname = \"local.test\"\n")
        let local = try FacteurConfiguration.load(path: nil, environment: [:], currentDirectory: directory.path)
        #expect(local.hostname == "local.test")
        #expect(local.sourceFile == directory.path + "/facteur.toml")

        // $FACTEUR_CONFIG beats ./facteur.toml; an empty variable counts as unset.
        #expect(try FacteurConfiguration.load(path: nil, environment: environment,
                                              currentDirectory: directory.path).hostname == "environment.test")
        #expect(try FacteurConfiguration.load(path: nil, environment: [FacteurConfiguration.environmentVariable: ""],
                                              currentDirectory: directory.path).hostname == "local.test")

        // --config beats everything.
        #expect(try FacteurConfiguration.load(path: explicit, environment: environment,
                                              currentDirectory: directory.path).hostname == "explicit.test")
    }

    @Test func namedFileThatIsMissingIsAnErrorNotAFallback() throws {
        let directory = try ConfigurationScratchDirectory()
        let missing = directory.path + "/nope.toml"
        #expect(throws: ConfigurationError(file: missing, line: nil, message: "cannot read the configuration file")) {
            try FacteurConfiguration.load(path: missing, environment: [:], currentDirectory: directory.path)
        }
        #expect(throws: ConfigurationError.self) {
            try FacteurConfiguration.load(path: nil, environment: [FacteurConfiguration.environmentVariable: missing],
                                          currentDirectory: directory.path)
        }
    }

    @Test func errorFromAFileNamesThatFile() throws {
        let directory = try ConfigurationScratchDirectory()
        let path = directory.write("bad.toml", "hostname = \"ok\"\n[limits]\nmax_message_size = 0\n")
        #expect(throws: ConfigurationError(file: path, line: 3,
                                           message: "limits.max_message_size: expected a positive integer")) {
            try FacteurConfiguration.load(path: path, environment: [:])
        }
    }

    @Test(arguments: [
        ("0.0.0.0:25", "0.0.0.0", 25),
        ("localhost:0", "localhost", 0),
        ("mail-1.example.test:65535", "mail-1.example.test", 65535),
        ("[::1]:143", "::1", 143),
        ("[2001:db8::25]:25", "2001:db8::25", 25),
        ("[::ffff:127.0.0.1]:993", "::ffff:127.0.0.1", 993),
    ])
    func listenerAddressesParse(text: String, host: String, port: Int) throws {
        let address = try #require(ListenerAddress(parsing: text))
        #expect(address == ListenerAddress(host: host, port: port))
        #expect(address.description == text)
    }

    @Test(arguments: ["", ":25", "0.0.0.0", "0.0.0.0:65536", "0.0.0.0:-1", "0.0.0.0:+25", "host:25x", "[::1]",
                      "[]:25", "::1:25", "a b:25", "0.0.0.0:000025", "[::1]:99999", "[zz::1]:25"])
    func badListenerAddressesAreRefused(text: String) {
        #expect(ListenerAddress(parsing: text) == nil)
    }
}

/// A directory removed when the test's value goes away.
final class ConfigurationScratchDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("facteur-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        let file = path + "/" + name
        _ = FileManager.default.createFile(atPath: file, contents: Data(text.utf8))
        return file
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}

// MARK: - [security]

extension ConfigurationTests {
    @Test func securityDefaultsAreSafe() throws {
        let security = try FacteurConfiguration.parse("hostname = \"a\"\n", file: "facteur.toml").security
        #expect(security == FacteurConfiguration.Security())
        #expect(security.plaintextAuth == .loopback)
        #expect(security.loginThrottleConfiguration() == LoginThrottle.Configuration(
            initialDelay: .milliseconds(500), maxDelay: .seconds(8), lockoutFailures: 10,
            failureWindow: .seconds(900), lockoutDuration: .seconds(900), exemptLoopback: false))
        #expect(FacteurConfiguration.developmentDefaults().security == FacteurConfiguration.Security())
    }

    @Test func securityTableIsRead() throws {
        let text = """
            [security]
            plaintext_auth = "never"
            login_failure_delay_ms = 250
            login_max_delay_ms = 4000
            login_lockout_failures = 5
            login_lockout_seconds = 600
            login_failure_window_seconds = 300
            login_exempt_loopback = true
            """
        let security = try FacteurConfiguration.parse(text, file: "facteur.toml").security
        #expect(security == FacteurConfiguration.Security(
            plaintextAuth: .never, loginFailureDelayMilliseconds: 250, loginMaxDelayMilliseconds: 4000,
            loginLockoutFailures: 5, loginLockoutSeconds: 600, loginFailureWindowSeconds: 300,
            loginExemptLoopback: true))
        #expect(security.loginThrottleConfiguration() == LoginThrottle.Configuration(
            initialDelay: .milliseconds(250), maxDelay: .seconds(4), lockoutFailures: 5,
            failureWindow: .seconds(300), lockoutDuration: .seconds(600), exemptLoopback: true))
    }

    @Test func zeroDelaysSwitchDelayingOff() throws {
        let text = "[security]\nlogin_failure_delay_ms = 0\nlogin_max_delay_ms = 0\n"
        let throttle = try FacteurConfiguration.parse(text, file: "facteur.toml").security.loginThrottleConfiguration()
        #expect(throttle.initialDelay == .zero && throttle.maxDelay == .zero)
    }

    @Test(arguments: [
        ("[security]\nplaintext_auth = \"sometimes\"\n",
         "facteur.toml:2: security.plaintext_auth: expected \"loopback\" or \"never\" or \"always\", got \"sometimes\""),
        ("[security]\n\nplaintext_auth = true\n",
         "facteur.toml:3: security.plaintext_auth: expected \"loopback\" or \"never\" or \"always\", got a value of type bool"),
        ("[security]\nlogin_failure_delay_ms = -1\n",
         "facteur.toml:2: security.login_failure_delay_ms: expected an integer from 0 to 60000, got -1"),
        ("[security]\nlogin_failure_delay_ms = \"500\"\n",
         "facteur.toml:2: security.login_failure_delay_ms: expected an integer from 0 to 60000, got \"500\""),
        ("[security]\nlogin_max_delay_ms = 60001\n",
         "facteur.toml:2: security.login_max_delay_ms: expected an integer from 0 to 60000, got 60001"),
        ("[security]\nlogin_lockout_failures = 0\n",
         "facteur.toml:2: security.login_lockout_failures: expected an integer from 1 to 10000, got 0"),
        ("[security]\nlogin_lockout_seconds = 1.5\n",
         "facteur.toml:2: security.login_lockout_seconds: expected an integer from 0 to 604800, got a value of type floating-point number"),
        ("[security]\nlogin_failure_window_seconds = 0\n",
         "facteur.toml:2: security.login_failure_window_seconds: expected an integer from 1 to 604800, got 0"),
        ("[security]\nlogin_exempt_loopback = \"yes\"\n",
         "facteur.toml:2: security.login_exempt_loopback: expected true or false, got \"yes\""),
        ("[security]\nlogin_failure_delay_ms = 2000\n\nlogin_max_delay_ms = 1000\n",
         "facteur.toml:4: security.login_max_delay_ms: must not be less than login_failure_delay_ms"),
        ("[security]\nlogin_failure_delay_ms = 9000\n",
         "facteur.toml:1: security.login_max_delay_ms: must not be less than login_failure_delay_ms"),
        ("[security]\nlogin_lockout = 5\n", "facteur.toml:2: unknown key 'security.login_lockout'"),
        ("security = 1\n", "facteur.toml:1: security: expected a table"),
    ])
    func securityErrorsNameLineAndKey(text: String, expected: String) {
        do {
            _ = try FacteurConfiguration.parse(text, file: "facteur.toml")
            Issue.record("accepted, expected: \(expected)")
        } catch {
            #expect(error.description == expected)
        }
    }

    @Test(arguments: [
        (FacteurConfiguration.Security.PlaintextAuth.loopback, "127.0.0.1", false, true),
        (.loopback, "::1", false, true),
        (.loopback, "192.0.2.1", false, false),
        (.loopback, "192.0.2.1", true, true),
        (.loopback, "", false, false),
        (.never, "127.0.0.1", false, false),
        (.never, "127.0.0.1", true, true),
        (.always, "192.0.2.1", false, true),
    ])
    func plaintextAuthPolicy(policy: FacteurConfiguration.Security.PlaintextAuth, remote: String, tls: Bool, allowed: Bool) {
        let security = FacteurConfiguration.Security(plaintextAuth: policy)
        #expect(security.allowPlaintextAuth(remoteAddress: remote, tls: tls) == allowed)
        #expect(security.plaintextAuthPolicy(remote, tls) == allowed)
    }
}
