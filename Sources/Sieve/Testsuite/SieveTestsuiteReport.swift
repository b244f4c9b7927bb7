/// What a testsuite file produced: one outcome per `test` block, in order, printed one line each and
/// closed by the `N passed, N failed, N skipped` line that scripts and CI read.
public struct SieveTestsuiteReport: Sendable, Hashable {
    /// How one test ended.
    public enum Status: Sendable, Hashable {
        case passed
        case failed(String)
        /// A setting or feature the engine lacks (for example an unknown test_config_set key).
        case skipped(String)
    }

    /// One `test "name" { … }` block, or a pseudo-test named after the file for a failure outside any.
    public struct Outcome: Sendable, Hashable {
        public var name: String
        public var status: Status

        public init(name: String, status: Status) {
            self.name = name
            self.status = status
        }

        /// `pass: name`, `fail: name: reason` or `skip: name: reason`.
        public var line: String {
            switch status {
            case .passed: "pass: \(name)"
            case .failed(let reason): "fail: \(name): \(reason)"
            case .skipped(let reason): "skip: \(name): \(reason)"
            }
        }
    }

    public var file: String
    public var outcomes: [Outcome]

    public init(file: String, outcomes: [Outcome]) {
        self.file = file
        self.outcomes = outcomes
    }

    public var passed: Int { outcomes.count { $0.status == .passed } }
    public var failed: Int { outcomes.count { if case .failed = $0.status { true } else { false } } }
    public var skipped: Int { outcomes.count { if case .skipped = $0.status { true } else { false } } }

    /// The closing line.
    public var summary: String { "\(passed) passed, \(failed) failed, \(skipped) skipped" }
}
