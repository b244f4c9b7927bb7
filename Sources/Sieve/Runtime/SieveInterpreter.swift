import Foundation
import MailMessage

/// Runs a compiled script on one message and returns the actions to carry out. Performs no I/O:
/// everything outside the message goes through `SieveRuntimeContext`. Never traps: a runtime error
/// (step budget, too many redirects, action conflicts, `error`) gives "implicit keep + error"
/// (RFC 5228 §2.10.6).
public enum SieveInterpreter {
    /// Extra inputs of one run.
    public struct Options: Sendable {
        /// RFC 5183 environment items ("domain", "host", "name", "version", "remote-ip", …).
        public var environment: [String: String]
        /// Period used by `duplicate` without :seconds (RFC 7352 §3.2 leaves it to the server).
        public var defaultDuplicatePeriod: Int
        /// Bounds on vacation :days / :seconds (RFC 5230 §4.1, RFC 6131 §2).
        public var minimumVacationPeriod: Int
        public var maximumVacationPeriod: Int
        /// Characters that separate user and detail (RFC 5233 §4); Postfix's recipient_delimiter.
        public var recipientDelimiters: String

        public init(environment: [String: String] = [:], defaultDuplicatePeriod: Int = 7 * 86_400,
                    minimumVacationPeriod: Int = 86_400, maximumVacationPeriod: Int = 90 * 86_400,
                    recipientDelimiters: String = "+") {
            self.environment = environment
            self.defaultDuplicatePeriod = defaultDuplicatePeriod
            self.minimumVacationPeriod = minimumVacationPeriod
            self.maximumVacationPeriod = maximumVacationPeriod
            self.recipientDelimiters = recipientDelimiters
        }
    }

    public static func run(_ script: SieveScript, message: SieveMessage, envelope: SieveEnvelope,
                           options: Options = Options(), context: any SieveRuntimeContext) -> SieveResult {
        var execution = SieveExecution(script: script, message: message, envelope: envelope, options: options,
                                       context: context)
        return execution.run()
    }
}

/// Raised inside the interpreter to abandon the run with a positioned message.
struct SieveRuntimeFailure: Error {
    var error: SieveError
}

/// The state of one run. A struct driven by mutating methods; include recursion is bounded by
/// `SieveLimits.maximumIncludeDepth` and block nesting by the compile-time limit.
struct SieveExecution {
    /// `testEnded` unwinds a testsuite `test` block after test_fail or an unsupported setting.
    enum Flow { case next, stop, returnFromScript, testEnded }

    /// Per-script variables (RFC 6609 §3.4: variables are local unless declared global).
    // todo(rfc): RFC 6609 §3.4 reject a global name that clashes with a local one already set
    struct Frame {
        var variables: SieveVariables
        var globalNames: Set<String> = []
        var usesVariables: Bool
    }

    // Variable only for the testsuite, whose test_set and test_message switch the message mid-run.
    var message: SieveMessage
    var envelope: SieveEnvelope
    var options: SieveInterpreter.Options
    var context: any SieveRuntimeContext
    /// Set only when `SieveTestsuite` runs a .svtest file: the state its commands act on.
    var testsuite: SieveTestsuiteState?
    let limits: SieveLimits
    let rootScript: SieveScript

    var header: SieveHeaderEditor
    var steps = 0
    var actions: [SieveAction] = []
    var implicitKeepCancelled = false
    /// RFC 5232 §3 internal variable, kept as an ordered, de-duplicated list.
    var internalFlags: [String] = []
    var globals: SieveVariables
    var frames: [Frame] = []
    var includeStack: [String] = []
    var includedOnce: Set<String> = []
    var duplicateRecords: [SieveDuplicateKey] = []
    var bodyCache: [SieveBodyExtractor.Transform: [String]] = [:]
    var redirectCount = 0
    var currentPosition = SourcePosition(line: 1, column: 1)

    init(script: SieveScript, message: SieveMessage, envelope: SieveEnvelope, options: SieveInterpreter.Options,
         context: any SieveRuntimeContext) {
        self.message = message
        self.envelope = envelope
        self.options = options
        self.context = context
        self.limits = script.limits
        self.rootScript = script
        self.header = SieveHeaderEditor(header: message.parsed.header)
        self.globals = SieveVariables(maximumLength: script.limits.maximumVariableLength)
    }

    mutating func run() -> SieveResult {
        let flow: Flow
        do {
            flow = try runScript(rootScript)
        } catch {
            // RFC 5228 §2.10.6: on a runtime error, the implicit keep is taken and nothing else.
            return SieveResult(actions: [.keep(flags: [], implicit: true)], errors: [error.error], implicitKeep: true)
        }
        var final = actions
        if !implicitKeepCancelled {
            // RFC 5228 §2.10.2; RFC 5232 §3: the implicit keep uses the internal flags variable.
            final.append(.keep(flags: internalFlags, implicit: true))
        }
        return SieveResult(actions: final, errors: [], implicitKeep: !implicitKeepCancelled,
                           duplicateRecords: duplicateRecords, stopped: flow == .stop)
    }

    mutating func runScript(_ script: SieveScript) throws(SieveRuntimeFailure) -> Flow {
        frames.append(Frame(variables: SieveVariables(maximumLength: limits.maximumVariableLength),
                            usesVariables: script.requiredExtensions.contains(.variables)))
        defer { frames.removeLast() }
        return try execute(script.commands)
    }

    // MARK: - Budget and failures

    func failure(_ message: String) -> SieveRuntimeFailure {
        SieveRuntimeFailure(error: SieveError(currentPosition, message))
    }

    mutating func charge(_ amount: Int = 1) throws(SieveRuntimeFailure) {
        steps += amount
        if steps > limits.maximumSteps {
            throw failure("script used more than \(limits.maximumSteps) evaluation steps")
        }
    }

    // MARK: - Variables

    var frame: Frame {
        get { frames[frames.count - 1] }
        set { frames[frames.count - 1] = newValue }
    }

    /// `${…}` expansion where the running script required "variables" (RFC 5229 §3).
    func expand(_ text: String) -> String {
        guard let current = frames.last, current.usesVariables, SieveVariables.containsReference(text) else {
            return text
        }
        var merged = current.variables
        for name in current.globalNames { merged[name] = globals[name] }
        return merged.expand(text) { name in
            // RFC 6609 §3.4: the "global" namespace reaches global variables from any script.
            if name.hasPrefix("global.") { return globals[String(name.dropFirst(7))] }
            // The testsuite's "tst" namespace (tst.path: the folder of the .svtest file).
            if let testsuite, name.hasPrefix("tst.") { return testsuite.namespaceValue(String(name.dropFirst(4))) }
            return nil
        }
    }

    func expand(_ list: [String]) -> [String] { list.map { expand($0) } }

    func variable(_ name: String) -> String {
        let lowered = name.lowercased()
        if lowered.hasPrefix("global.") { return globals[String(lowered.dropFirst(7))] ?? "" }
        if frame.globalNames.contains(lowered) { return globals[lowered] ?? "" }
        return frame.variables[lowered] ?? ""
    }

    mutating func setVariable(_ name: String, _ value: String) {
        let lowered = name.lowercased()
        if lowered.hasPrefix("global.") {
            globals[String(lowered.dropFirst(7))] = value
        } else if frame.globalNames.contains(lowered) {
            globals[lowered] = value
        } else {
            frame.variables[lowered] = value
        }
    }

    mutating func setMatchValues(_ values: [String]) {
        guard frame.usesVariables else { return }
        frame.variables.matchValues = values.prefix(10).map { frame.variables.bounded($0) }
    }
}
