import Foundation

/// Runs test files in the format of Dovecot Pigeonhole's Sieve test suite (`.svtest`, extension
/// `vnd.dovecot.testsuite`), so the engine's behaviour is pinned by scripts anyone can read and
/// suites written for other Sieve implementations run unchanged. The extension exists only here.
public enum SieveTestsuite {
    /// The message a test sees before any test_set "message".
    static let defaultMessage = """
        From: sender@example.com
        To: recipient@example.org
        Subject: Frop!

        Friep!

        """

    /// Reads and runs one .svtest file; paths in it are relative to its folder.
    public static func run(fileAt path: String) -> SieveTestsuiteReport {
        switch SieveTestsuiteState.readText(path, limit: SieveLimits.default.maximumScriptSize) {
        case .failure(let problem):
            return SieveTestsuiteReport(file: path, outcomes: [.init(name: path, status: .failed(problem.message))])
        case .success(let source):
            // Absolute, so "${tst.path}/x.sieve" names the same file from any working directory.
            let directory = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().path
            return run(source: source, file: path, directory: directory)
        }
    }

    /// Runs test source text; `directory` anchors relative paths and `${tst.path}`.
    public static func run(source: String, file: String, directory: String) -> SieveTestsuiteReport {
        let options = SieveCompiler.Options(extensions: Set(SieveExtension.allCases + [.vndDovecotTestsuite]))
        let script: SieveScript
        switch SieveCompiler.compile(source, options: options) {
        case .success(let compiled): script = compiled
        case .failure(let errors):
            // A suite written for a server with more extensions is skipped, visibly, not failed.
            if let missing = errors.errors.first(where: { $0.message.hasPrefix("unsupported extension") }) {
                return SieveTestsuiteReport(file: file, outcomes: [.init(name: file, status: .skipped(missing.description))])
            }
            let text = errors.errors.map(\.description).joined(separator: "; ")
            return SieveTestsuiteReport(file: file, outcomes: [.init(name: file, status: .failed("does not compile: " + text))])
        }
        let state = SieveTestsuiteState(directory: directory)
        let message = SieveMessage(bytes: SieveExecution.crlf(defaultMessage))
        var execution = SieveExecution(script: script, message: message,
                                       envelope: SieveEnvelope(from: "sender@example.com", to: "recipient@example.org"),
                                       options: state.settings.options, context: state.context)
        execution.testsuite = state
        var outcomes: [SieveTestsuiteReport.Outcome] = []
        do {
            _ = try execution.runScript(script)
            outcomes = state.outcomes
        } catch {
            // A runtime error outside any test (a bad test_set, say) fails the file.
            state.endTest()
            outcomes = state.outcomes + [.init(name: file, status: .failed(error.error.description))]
        }
        return SieveTestsuiteReport(file: file, outcomes: outcomes)
    }
}
