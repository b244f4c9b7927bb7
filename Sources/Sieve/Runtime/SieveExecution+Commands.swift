import Foundation

/// Commands: control (RFC 5228 §3), actions (§4 and extensions), variables and flags.
extension SieveExecution {
    mutating func execute(_ block: [SieveInvocation]) throws(SieveRuntimeFailure) -> Flow {
        var branchTaken = false
        for command in block {
            currentPosition = command.position
            try charge()
            var flow = Flow.next
            switch command.name {
            case "if", "elsif":
                // RFC 5228 §3.1: an elsif runs only when no earlier branch of its chain did.
                if command.name == "elsif" && branchTaken { continue }
                guard let test = command.tests.first else { throw failure("'\(command.name)' without a test") }
                branchTaken = try evaluate(test)
                if branchTaken { flow = try execute(command.block ?? []) }
            case "else":
                if !branchTaken { flow = try execute(command.block ?? []) }
                branchTaken = true
            default:
                branchTaken = false
                flow = try perform(command)
            }
            if flow != .next { return flow }
        }
        return .next
    }

    private mutating func perform(_ command: SieveInvocation) throws(SieveRuntimeFailure) -> Flow {
        switch command.name {
        case "stop":
            return .stop
        case "return":
            return .returnFromScript    // RFC 6609 §3.5
        case "keep":
            let flags = command.tagStrings("flags").map { normalizeFlags(expand($0)) } ?? internalFlags
            try add(.keep(flags: flags, implicit: false))
        case "discard":
            try add(.discard)
        case "fileinto":
            let flags = command.tagStrings("flags").map { normalizeFlags(expand($0)) } ?? internalFlags
            let mailbox = expand(command.string(at: 0))
            guard !mailbox.isEmpty else { throw failure("fileinto: empty mailbox name") }
            try add(.fileinto(mailbox: mailbox, flags: flags, create: command.has("create"), copy: command.has("copy")))
        case "redirect":
            let address = expand(command.string(at: 0))
            guard let mailbox = SieveAddress.mailbox(address) else {
                throw failure("redirect: '\(address)' is not a valid address")
            }
            try add(.redirect(address: mailbox.localPart + "@" + mailbox.domain, copy: command.has("copy")))
        case "reject", "ereject":
            try add(.reject(reason: expand(command.string(at: 0)), extended: command.name == "ereject"))
        case "vacation":
            try add(.vacation(vacation(command)))
        case "setflag", "addflag", "removeflag":
            applyFlags(command)
        case "set":
            // RFC 5229 §4
            let value = expand(command.string(at: 1))
            let modifiers = Set(command.tags.keys)
            setVariable(command.string(at: 0), SieveVariables.applyModifiers(value, tags: modifiers))
        case "global":
            for name in command.strings(at: 0) { frame.globalNames.insert(name.lowercased()) }
        case "include":
            return try include(command)
        case "addheader":
            try addHeader(command)
        case "deleteheader":
            try deleteHeader(command)
        case "error":
            // RFC 5463 §5
            throw failure("script error: \(expand(command.string(at: 0)))")
        default:
            if testsuite != nil { return try performTestsuiteCommand(command) }
            throw failure("command '\(command.name)' is not supported at run time")
        }
        return .next
    }

    // MARK: - Actions and their conflicts

    /// Adds an action, applying RFC 5228 §2.10.3 (duplicates collapse), RFC 5429 §2.4 (reject is
    /// exclusive with delivering actions and vacation), RFC 5230 §4.7 (one vacation) and the limits.
    mutating func add(_ action: SieveAction) throws(SieveRuntimeFailure) {
        let hasReject = actions.contains { if case .reject = $0 { true } else { false } }
        switch action {
        case .keep:
            if hasReject { throw failure("keep cannot be used after reject") }
            if actions.contains(where: { if case .keep = $0 { true } else { false } }) { return markCancel(action) }
        case .fileinto(let mailbox, _, _, _):
            if hasReject { throw failure("fileinto cannot be used after reject") }
            if actions.contains(where: { if case .fileinto(mailbox, _, _, _) = $0 { true } else { false } }) {
                return markCancel(action)
            }
        case .redirect(let address, _):
            if hasReject { throw failure("redirect cannot be used after reject") }
            if actions.contains(where: { if case .redirect(address, _) = $0 { true } else { false } }) {
                return markCancel(action)
            }
            redirectCount += 1
            if redirectCount > limits.maximumRedirects {
                throw failure("more than \(limits.maximumRedirects) redirects")
            }
        case .reject:
            if hasReject { throw failure("only one reject is allowed") }
            if actions.contains(where: { action in
                switch action {
                case .keep, .fileinto, .redirect, .vacation: true
                default: false
                }
            }) {
                throw failure("reject cannot be combined with keep, fileinto, redirect or vacation")
            }
        case .vacation:
            if hasReject { throw failure("vacation cannot be combined with reject") }
            if actions.contains(where: { if case .vacation = $0 { true } else { false } }) {
                throw failure("vacation can only be executed once")
            }
        case .discard:
            if actions.contains(.discard) { return markCancel(action) }
        case .addHeader, .deleteHeader:
            break
        }
        if actions.count >= limits.maximumActions {
            throw failure("more than \(limits.maximumActions) actions")
        }
        actions.append(action)
        markCancel(action)
    }

    private mutating func markCancel(_ action: SieveAction) {
        if action.cancelsImplicitKeep { implicitKeepCancelled = true }
    }

    // MARK: - imap4flags (RFC 5232)

    /// RFC 5232 §3: flags are space-separated; duplicates (case-insensitive) are removed.
    func normalizeFlags(_ strings: [String]) -> [String] {
        var seen: Set<String> = []
        var flags: [String] = []
        for string in strings {
            for flag in string.split(separator: " ") where seen.insert(flag.lowercased()).inserted {
                flags.append(String(flag))
            }
        }
        return flags
    }

    private mutating func applyFlags(_ command: SieveInvocation) {
        let hasVariable = command.positional.count == 2
        let given = normalizeFlags(expand(command.strings(at: hasVariable ? 1 : 0)))
        let current = hasVariable ? normalizeFlags([variable(command.string(at: 0))]) : internalFlags
        let updated: [String]
        switch command.name {
        case "setflag": updated = given
        case "addflag": updated = normalizeFlags(current + given)
        default:
            let removed = Set(given.map { $0.lowercased() })
            updated = current.filter { !removed.contains($0.lowercased()) }
        }
        if hasVariable {
            setVariable(command.string(at: 0), updated.joined(separator: " "))
        } else {
            internalFlags = updated
        }
    }

    // MARK: - vacation (RFC 5230 §4, RFC 6131)

    private func vacation(_ command: SieveInvocation) -> SieveVacation {
        let reason = expand(command.string(at: 0))
        let subject = command.tagString("subject").map { expand($0) }
        let from = command.tagString("from").map { expand($0) }
        let period: Int
        if let seconds = command.tagNumber("seconds") {
            // RFC 6131 §2: 0 means "reply every time"; the server still applies its bounds.
            period = seconds == 0 ? 0 : min(max(seconds, 1), options.maximumVacationPeriod)
        } else {
            let days = command.tagNumber("days") ?? 7       // RFC 5230 §4.1 default
            period = min(max(days.multipliedReportingOverflow(by: 86_400).partialValue, options.minimumVacationPeriod),
                         options.maximumVacationPeriod)
        }
        // RFC 5230 §4.2: without :handle, vacations with the same arguments are "the same vacation".
        let handle = command.tagString("handle").map { expand($0) }
            ?? Self.fingerprint([reason, subject ?? "", from ?? "", command.has("mime") ? "mime" : ""])
        return SieveVacation(reason: reason, subject: subject, from: from,
                             addresses: expand(command.tagStrings("addresses") ?? []),
                             isMIME: command.has("mime"), handle: handle, period: period)
    }

    /// FNV-1a over the parts: stable across runs and platforms, unlike `Hasher`.
    static func fingerprint(_ parts: [String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for part in parts {
            for byte in part.utf8 + [0] {
                hash ^= UInt64(byte)
                hash = hash &* 0x100_0000_01b3
            }
        }
        return "auto-" + String(hash, radix: 16)
    }

    // MARK: - include (RFC 6609)

    private mutating func include(_ command: SieveInvocation) throws(SieveRuntimeFailure) -> Flow {
        let name = expand(command.string(at: 0))
        let location: SieveIncludeLocation = command.has("global") ? .global : .personal
        let key = location.rawValue + ":" + name
        if command.has("once"), includedOnce.contains(key) { return .next }
        // RFC 6609 §3.2: a script that includes itself, directly or not, is an error.
        if includeStack.contains(key) { throw failure("include loop: '\(name)' is already being run") }
        if includeStack.count >= limits.maximumIncludeDepth {
            throw failure("includes are nested deeper than \(limits.maximumIncludeDepth)")
        }
        guard let script = context.includedScript(named: name, location: location) else {
            if command.has("optional") { return .next }
            throw failure("included script '\(name)' (\(location.rawValue)) does not exist")
        }
        includedOnce.insert(key)
        includeStack.append(key)
        defer { includeStack.removeLast() }
        let savedPosition = currentPosition
        let flow = try runScript(script)
        currentPosition = savedPosition
        // RFC 6609 §3.5: return ends the included script only; stop ends everything.
        return flow == .stop ? .stop : .next
    }

    // MARK: - editheader (RFC 5293)

    private mutating func addHeader(_ command: SieveInvocation) throws(SieveRuntimeFailure) {
        let name = expand(command.string(at: 0))
        // RFC 5293 §4: the value is unstructured text; line breaks would forge extra fields.
        let value = String(expand(command.string(at: 1)).unicodeScalars.filter { $0 != "\r" && $0 != "\n" }
            .prefix(998))
        guard SieveHeaderEditor.isValidFieldName(name), !SieveHeaderEditor.isProtected(name) else { return }
        let last = command.has("last")
        header.add(name, value: value, last: last)
        // RFC 5293 §4: non-ASCII text is written as RFC 2047 encoded words; tests see the decoded form.
        try add(.addHeader(name: name, value: VacationReply.encodeIfNeeded(value), last: last))
    }

    private mutating func deleteHeader(_ command: SieveInvocation) throws(SieveRuntimeFailure) {
        let name = expand(command.string(at: 0))
        guard SieveHeaderEditor.isValidFieldName(name), !SieveHeaderEditor.isProtected(name) else { return }
        let patterns = command.positional.count > 1 ? expand(command.strings(at: 1)) : nil
        let spec = command.match
        let total = header.count(named: name)
        var targetOccurrence: Int?
        if let index = spec.index {
            targetOccurrence = spec.fromLast ? total - index + 1 : index
        }
        // Decide first (matching may fail on the step budget), then edit.
        var doomed: Set<Int> = []
        for (offset, value) in header.values(named: name).enumerated() {
            let occurrence = offset + 1
            if let targetOccurrence, occurrence != targetOccurrence { continue }
            if let patterns, try !matches(values: [value], keys: patterns, spec: spec, captures: false) { continue }
            doomed.insert(occurrence)
        }
        let removed = header.delete(name) { occurrence, _ in doomed.contains(occurrence) }
        for occurrence in removed {
            try add(.deleteHeader(name: name, occurrence: occurrence))
        }
    }
}
