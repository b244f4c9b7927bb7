import Foundation

/// What a testsuite run carries from one command to the next: settings, the script under test and
/// its errors, the in-memory mailstore and outbox that `test_result_execute` fills, and each test's
/// outcome. A class because the interpreter's execution value holds it while commands change it.
final class SieveTestsuiteState {
    /// A message stored in a folder of the in-memory mailstore.
    struct StoredMessage {
        var bytes: [UInt8]
        var flags: [String]
    }

    /// A message handed to the (pretend) outbound path: redirect, vacation reply, rejection.
    struct SentMessage {
        var envelopeFrom: String
        var envelopeTo: String
        var bytes: [UInt8]
    }

    /// Bounds on what one test file may accumulate, so a looping suite cannot exhaust memory.
    static let maximumStoredMessages = 10_000
    static let maximumSentMessages = 1_000

    /// The folder of the .svtest file: relative paths and `${tst.path}` start here.
    let directory: String
    var settings = SieveTestsuiteSettings()
    var compiled: SieveScript?
    /// The folder of the last compiled script, where its includes are looked up first.
    var scriptDirectory: String?
    /// Errors of the last compile or run, for test_error.
    var errors: [SieveError] = []
    var mailboxes: [String: [StoredMessage]] = ["INBOX": []]
    var storedCount = 0
    var outbox: [SentMessage] = []
    /// sender + handle → when the last vacation reply went out (RFC 5230 §4.2).
    var vacationReplies: [String: Date] = [:]
    var duplicates: Set<String> = []
    /// Duplicate keys of scripts run by test_script_run, recorded once their result is executed.
    var pendingDuplicates: [SieveDuplicateKey] = []

    var currentTest: String?
    /// Why the current test stopped early (test_fail or an unsupported setting).
    var currentStatus: SieveTestsuiteReport.Status = .passed
    /// An unsupported setting made at the top level skips the next test.
    var pendingSkip: String?
    var outcomes: [SieveTestsuiteReport.Outcome] = []

    init(directory: String) {
        self.directory = directory
    }

    /// Values of the testsuite's `tst` variable namespace.
    func namespaceValue(_ name: String) -> String? {
        switch name.lowercased() {
        case "path": directory
        case "name": currentTest
        default: nil
        }
    }

    var compileOptions: SieveCompiler.Options {
        SieveCompiler.Options(extensions: Set(SieveExtension.allCases), limits: settings.limits)
    }

    var context: SieveTestsuiteContext {
        SieveTestsuiteContext(mailboxes: Set(mailboxes.keys), duplicates: duplicates,
                              directories: [scriptDirectory, directory].compactMap { $0 },
                              compileOptions: compileOptions)
    }

    /// A path as written in the test, relative to the test file's folder unless absolute.
    func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : directory + "/" + path
    }

    /// Compiles the script at `path` for the following test_script_run and test_error.
    func compile(_ path: String) -> Bool {
        compiled = nil
        let file = resolve(path)
        scriptDirectory = (file as NSString).deletingLastPathComponent
        switch Self.readText(file, limit: settings.limits.maximumScriptSize) {
        case .failure(let problem):
            errors = [SieveError(line: 0, column: 0, message: problem.message)]
            return false
        case .success(let source):
            switch SieveCompiler.compile(source, options: compileOptions) {
            case .success(let script):
                compiled = script
                errors = []
                return true
            case .failure(let failure):
                errors = failure.errors
                return false
            }
        }
    }

    struct ReadProblem: Error { var message: String }

    /// Reads a UTF-8 file of at most `limit` bytes.
    static func readText(_ path: String, limit: Int) -> Result<String, ReadProblem> {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = attributes[.size] as? NSNumber else {
            return .failure(ReadProblem(message: "cannot open '\(path)'"))
        }
        guard size.intValue <= limit else {
            return .failure(ReadProblem(message: "'\(path)' is larger than \(limit) bytes"))
        }
        guard let data = FileManager.default.contents(atPath: path),
              let text = String(data: data, encoding: .utf8) else {
            return .failure(ReadProblem(message: "cannot read '\(path)' as UTF-8"))
        }
        return .success(text)
    }

    /// RFC 3501 §5.1: INBOX is case-insensitive; other names are compared as written.
    static func canonical(_ mailbox: String) -> String {
        mailbox.lowercased() == "inbox" ? "INBOX" : mailbox
    }

    func messages(in mailbox: String) -> [StoredMessage]? { mailboxes[Self.canonical(mailbox)] }

    func createMailbox(_ mailbox: String) {
        if mailboxes[Self.canonical(mailbox)] == nil { mailboxes[Self.canonical(mailbox)] = [] }
    }

    func store(_ bytes: [UInt8], flags: [String], in mailbox: String) -> Bool {
        guard storedCount < Self.maximumStoredMessages else { return false }
        storedCount += 1
        mailboxes[Self.canonical(mailbox), default: []].append(StoredMessage(bytes: bytes, flags: flags))
        return true
    }

    func send(_ message: SentMessage) -> Bool {
        guard outbox.count < Self.maximumSentMessages else { return false }
        outbox.append(message)
        return true
    }

    // MARK: - Tests

    func beginTest(_ name: String) {
        currentTest = name
        currentStatus = .passed
    }

    func endTest() {
        guard let name = currentTest else { return }
        outcomes.append(SieveTestsuiteReport.Outcome(name: name, status: currentStatus))
        currentTest = nil
    }

    /// The first reason a test gives for failing is the one reported.
    func fail(_ reason: String) {
        if currentStatus == .passed { currentStatus = .failed(reason) }
    }
}
