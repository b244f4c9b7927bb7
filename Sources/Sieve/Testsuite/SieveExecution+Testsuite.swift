import Foundation
import MailMessage

/// The `vnd.dovecot.testsuite` commands and tests, run by the interpreter when `SieveTestsuite`
/// attached its state. The testsuite's own actions (a `fileinto` inside a test) and those of a
/// script run with test_script_run share one result, as in Pigeonhole: test_result_action reads it,
/// test_result_execute carries it out into the in-memory mailstore and outbox.
extension SieveExecution {
    mutating func performTestsuiteCommand(_ command: SieveInvocation) throws(SieveRuntimeFailure) -> Flow {
        guard let suite = testsuite else { throw failure("command '\(command.name)' is not supported at run time") }
        switch command.name {
        case "test":
            return try runTest(command, suite: suite)
        case "test_fail":
            guard suite.currentTest != nil else { throw failure("test_fail outside a test: \(expand(command.string(at: 0)))") }
            suite.fail(expand(command.string(at: 0)))
            return .testEnded
        case "test_set":
            try testSet(expand(command.string(at: 0)), expand(command.string(at: 1)))
        case "test_config_set":
            let key = expand(command.string(at: 0))
            if !suite.settings.set(key, expand(command.string(at: 1))) {
                return unsupported("setting '\(key)' is not supported", suite: suite)
            }
            applySettings(suite)
        case "test_config_unset":
            let key = expand(command.string(at: 0))
            if !suite.settings.unset(key) { return unsupported("setting '\(key)' is not supported", suite: suite) }
            applySettings(suite)
        case "test_config_reload":
            applySettings(suite)        // settings take effect when set; reload only re-reads them
        case "test_result_reset":
            resetResult(suite)
        case "test_result_print", "test_binary_save", "test_binary_load":
            break                       // accepted: there is no binary or printed result to compare here
        case "test_message":
            guard try switchMessage(command, suite: suite) else {
                throw failure("test_message: there is no such message")
            }
        case "test_mailbox_create":
            suite.createMailbox(expand(command.string(at: 0)))
            context = suite.context
        default:
            throw failure("command '\(command.name)' is not supported at run time")
        }
        return .next
    }

    mutating func evaluateTestsuiteTest(_ test: SieveInvocation) throws(SieveRuntimeFailure) -> Bool {
        guard let suite = testsuite else { throw failure("test '\(test.name)' is not supported at run time") }
        switch test.name {
        case "test_script_compile":
            return suite.compile(expand(test.string(at: 0)))
        case "test_script_run":
            guard let script = suite.compiled else {
                suite.errors = [SieveError(currentPosition, "no script was compiled")]
                return false
            }
            if !test.has("append_result") { resetResult(suite) }
            return absorb(runSubscript(script, suite: suite), suite: suite)
        case "test_multiscript":
            return multiscript(expand(test.strings(at: 0)), suite: suite)
        case "test_error":
            let messages = suite.errors.map(\.message)
            return try matches(values: indexed(messages, test.match), keys: expand(test.strings(at: 0)),
                               spec: test.match, captures: false)
        case "test_result_action", "test_result":
            let names = actions.compactMap(Self.actionName)
            return try matches(values: indexed(names, test.match), keys: expand(test.strings(at: 0)),
                               spec: test.match, captures: false)
        case "test_result_execute":
            return executeResult(suite)
        case "test_message":
            return try switchMessage(test, suite: suite)
        default:
            throw failure("test '\(test.name)' is not supported at run time")
        }
    }

    // MARK: - Tests and settings

    private mutating func runTest(_ command: SieveInvocation, suite: SieveTestsuiteState) throws(SieveRuntimeFailure)
        -> Flow {
        guard suite.currentTest == nil else { throw failure("a test cannot contain another test") }
        suite.beginTest(expand(command.string(at: 0)))
        defer { suite.endTest() }
        if let reason = suite.pendingSkip {
            suite.pendingSkip = nil
            suite.currentStatus = .skipped(reason)
            return .next
        }
        resetResult(suite)
        let savedPosition = currentPosition
        do {
            // stop or test_fail end this test only; the next one still runs.
            _ = try execute(command.block ?? [])
        } catch {
            suite.fail(error.error.description)
        }
        currentPosition = savedPosition
        return .next
    }

    /// An unsupported setting skips the test it is in, or the next one when made at the top level.
    private func unsupported(_ reason: String, suite: SieveTestsuiteState) -> Flow {
        guard suite.currentTest != nil else {
            suite.pendingSkip = reason
            return .next
        }
        if suite.currentStatus == .passed { suite.currentStatus = .skipped(reason) }
        return .testEnded
    }

    private mutating func applySettings(_ suite: SieveTestsuiteState) {
        options = suite.settings.options
        context = suite.context
    }

    private mutating func resetResult(_ suite: SieveTestsuiteState) {
        // Header edits belong to the result: a new one starts from the message as it was set.
        header = SieveHeaderEditor(header: message.parsed.header)
        actions = []
        implicitKeepCancelled = false
        internalFlags = []
        redirectCount = 0
        duplicateRecords = []
        suite.pendingDuplicates = []
        suite.outbox = []
    }

    // MARK: - The current message

    /// test_set "message" and "envelope.*".
    private mutating func testSet(_ object: String, _ value: String) throws(SieveRuntimeFailure) {
        switch object.lowercased() {
        case "message":
            let bytes = Self.crlf(value)
            guard bytes.count <= limits.maximumScriptSize else { throw failure("test message is too large") }
            let newMessage = SieveMessage(bytes: bytes)
            let header = newMessage.parsed.header
            // Pigeonhole takes the envelope from the message: Envelope-To or To, Return-Path, Sender or From.
            let to = ["Envelope-To", "To"].lazy.compactMap { Self.firstAddress(header, $0) }.first
            let from = ["Return-Path", "Sender", "From"].lazy.compactMap { Self.firstAddress(header, $0) }.first
            switchTo(newMessage, envelope: SieveEnvelope(from: from ?? "", to: to ?? ""))
        case "envelope.from":
            envelope.from = Self.stripBrackets(value)
        case "envelope.to":
            envelope.to = Self.stripBrackets(value)
            envelope.detail = nil
        case "envelope.orig_to":
            envelope.originalRecipient = Self.stripBrackets(value)
        case "envelope.auth":
            envelope.authUser = value.isEmpty ? nil : value
        default:
            throw failure("test_set: unknown object '\(object)'")
        }
    }

    private mutating func switchTo(_ newMessage: SieveMessage, envelope newEnvelope: SieveEnvelope) {
        message = newMessage
        envelope = newEnvelope
        header = SieveHeaderEditor(header: newMessage.parsed.header)
        bodyCache = [:]
    }

    /// test_message :smtp N (0-based, in the order sent) or :folder "name" N; false when absent.
    private mutating func switchMessage(_ invocation: SieveInvocation, suite: SieveTestsuiteState)
        throws(SieveRuntimeFailure) -> Bool {
        let index = invocation.number(at: 0)
        if let folder = invocation.tagString("folder") {
            guard let stored = suite.messages(in: expand(folder)), index >= 0, index < stored.count else { return false }
            switchTo(SieveMessage(bytes: stored[index].bytes), envelope: envelope)
            internalFlags = stored[index].flags
            return true
        }
        guard index >= 0, index < suite.outbox.count else { return false }
        let sent = suite.outbox[index]
        switchTo(SieveMessage(bytes: sent.bytes), envelope: SieveEnvelope(from: sent.envelopeFrom, to: sent.envelopeTo))
        return true
    }

    // MARK: - Running scripts

    private func runSubscript(_ script: SieveScript, suite: SieveTestsuiteState) -> SieveResult {
        SieveInterpreter.run(script, message: message, envelope: envelope, options: suite.settings.options,
                             context: suite.context)
    }

    /// Takes a sub-script's result into the shared one; false when it ended in a runtime error.
    private mutating func absorb(_ result: SieveResult, suite: SieveTestsuiteState) -> Bool {
        suite.errors = result.errors
        guard result.errors.isEmpty else { return false }
        for action in result.actions {
            if case .keep(let flags, true) = action {
                internalFlags = flags
            } else {
                actions.append(action)
            }
        }
        if !result.implicitKeep { implicitKeepCancelled = true }
        suite.pendingDuplicates += result.duplicateRecords
        return true
    }

    /// Runs scripts in order as delivery runs a global script before the user's: each result is
    /// carried out, and the next script runs only while the message is still kept.
    private mutating func multiscript(_ paths: [String], suite: SieveTestsuiteState) -> Bool {
        resetResult(suite)
        for (position, path) in paths.enumerated() {
            guard suite.compile(path), let script = suite.compiled else { return false }
            resetResultKeepingOutbox()
            guard absorb(runSubscript(script, suite: suite), suite: suite) else {
                _ = executeResult(suite)
                return false
            }
            // The next script sees this one's header edits (RFC 5293 §5), as at delivery.
            let edited = editedMessageBytes()
            actions.removeAll { if case .addHeader = $0 { true } else if case .deleteHeader = $0 { true } else { false } }
            if edited != message.bytes { switchTo(SieveMessage(bytes: edited), envelope: envelope) }
            let keeps = !implicitKeepCancelled || actions.contains { if case .keep = $0 { true } else { false } }
            let last = position == paths.count - 1 || !keeps
            if !last { implicitKeepCancelled = true }    // the final script decides about the implicit keep
            guard executeResult(suite) else { return false }
            if last { break }
        }
        return true
    }

    private mutating func resetResultKeepingOutbox() {
        actions = []
        implicitKeepCancelled = false
        internalFlags = []
        redirectCount = 0
    }

    // MARK: - Executing the result

    /// Carries the result out: stores into folders, sends to the outbox. A failed action leaves the
    /// message in INBOX (RFC 5228 §2.10.6) and makes the test false.
    private mutating func executeResult(_ suite: SieveTestsuiteState) -> Bool {
        var succeeded = true
        let bytes = editedMessageBytes()
        var kept = false
        for action in actions {
            switch action {
            case .keep(let flags, _):
                kept = true
                succeeded = suite.store(bytes, flags: flags, in: "INBOX") && succeeded
            case .fileinto(let mailbox, let flags, let create, _):
                // RFC 5490 §3.2: without :create a missing mailbox is an error.
                guard suite.messages(in: mailbox) != nil || create else {
                    suite.errors.append(SieveError(currentPosition, "mailbox '\(mailbox)' does not exist"))
                    succeeded = false
                    continue
                }
                succeeded = suite.store(bytes, flags: flags, in: mailbox) && succeeded
            case .redirect(let address, _):
                succeeded = redirect(bytes, to: address, suite: suite) && succeeded
            case .reject(let reason, _):
                succeeded = reject(reason, suite: suite) && succeeded
            case .vacation(let vacation):
                succeeded = sendVacation(vacation, suite: suite) && succeeded
            case .discard, .addHeader, .deleteHeader:
                break
            }
        }
        if (!implicitKeepCancelled || !succeeded), !kept {
            // RFC 5228 §2.10.2 implicit keep; §2.10.6 a failed action falls back to it.
            _ = suite.store(bytes, flags: internalFlags, in: "INBOX")
        }
        if succeeded {
            for key in suite.pendingDuplicates + duplicateRecords {
                suite.duplicates.insert(SieveTestsuiteContext.duplicateKey(key))
            }
            suite.pendingDuplicates = []
            duplicateRecords = []
        }
        context = suite.context
        return succeeded
    }

    /// RFC 5293 §4-5: the stored and forwarded message carries the result's header edits.
    private func editedMessageBytes() -> [UInt8] {
        var edited = SieveHeaderEditor(header: message.parsed.header)
        for action in actions {
            switch action {
            case .addHeader(let name, let value, let last): edited.add(name, value: value, last: last)
            case .deleteHeader(let name, let occurrence): _ = edited.delete(name) { found, _ in found == occurrence }
            default: break
            }
        }
        return edited.isEdited ? Self.render(edited, body: message) : message.bytes
    }

    private func redirect(_ bytes: [UInt8], to address: String, suite: SieveTestsuiteState) -> Bool {
        let identity = suite.settings.userEmail ?? (envelope.to.isEmpty ? nil : envelope.to)
        // A message we already redirected comes back: do not send it round again (mail loop).
        if let identity, header.values(named: "X-Sieve-Redirected-From").contains(where: {
            SieveAddress.mailboxes(inHeaderValue: $0).contains { ($0.localPart + "@" + ($0.domain ?? "")).lowercased()
                == identity.lowercased() }
        }) {
            return true
        }
        var sender = envelope.from
        if !sender.isEmpty {
            let setting = suite.settings.redirectEnvelopeFrom
            switch setting {
            case "recipient": sender = envelope.to
            case "orig_recipient": sender = envelope.originalRecipient ?? envelope.to
            case "user_email": sender = suite.settings.userEmail ?? envelope.to
            case "sender": break
            default: sender = Self.stripBrackets(setting)
            }
        }
        let trace = identity.map { Array("X-Sieve-Redirected-From: \($0)\r\n".utf8) } ?? []
        return suite.send(.init(envelopeFrom: sender, envelopeTo: address, bytes: trace + bytes))
    }

    /// RFC 5429 §2.1: the refusal goes back to the envelope sender as a disposition notification
    /// (RFC 8098), from the null reverse-path so it cannot bounce.
    private func reject(_ reason: String, suite: SieveTestsuiteState) -> Bool {
        guard !envelope.from.isEmpty else { return true }
        let recipient = suite.settings.userEmail ?? envelope.to
        let subject = header.values(named: "Subject").first ?? ""
        let boundary = "facteur-reject-" + Self.fingerprint([reason, subject]).dropFirst(5)
        let text = """
            From: Mail Delivery Subsystem <MAILER-DAEMON@\(recipient.split(separator: "@").last.map(String.init) ?? "localhost")>
            To: <\(envelope.from)>
            Subject: Rejected: \(subject)
            Auto-Submitted: auto-replied (rejected)
            Precedence: bulk
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=disposition-notification; boundary="\(boundary)"

            --\(boundary)
            Content-Type: text/plain; charset=utf-8

            Your message to <\(recipient)> was automatically rejected:
            \(reason)
            --\(boundary)
            Content-Type: message/disposition-notification

            Final-Recipient: rfc822; \(recipient)
            Disposition: automatic-action/MDN-sent-automatically; deleted

            --\(boundary)--

            """
        return suite.send(.init(envelopeFrom: "", envelopeTo: envelope.from, bytes: Self.crlf(text)))
    }

    private func sendVacation(_ vacation: SieveVacation, suite: SieveTestsuiteState) -> Bool {
        let own = [envelope.to, envelope.originalRecipient, suite.settings.userEmail].compactMap { $0 }
            .filter { !$0.isEmpty }
        let now = Date()
        let decision = VacationPolicy(ownAddresses: own).decide(
            vacation: vacation, header: message.parsed.header, envelopeFrom: envelope.from, now: now,
            lastReplied: { sender, handle in suite.vacationReplies[sender + "\u{0}" + handle] })
        guard case .reply(let recipient, let subject) = decision else { return true }
        let reply = VacationReply(vacation: vacation, recipient: recipient, subject: subject,
                                  owner: suite.settings.userEmail ?? envelope.to, originalHeader: message.parsed.header,
                                  date: now, messageID: "<\(UUID().uuidString.lowercased())@testsuite.invalid>")
        suite.vacationReplies[recipient.lowercased() + "\u{0}" + vacation.handle] = now
        return suite.send(.init(envelopeFrom: reply.envelopeFrom, envelopeTo: recipient, bytes: reply.message))
    }

    // MARK: - Helpers

    /// Pigeonhole's action names, as test_result_action compares them; header edits are not actions.
    static func actionName(_ action: SieveAction) -> String? {
        switch action {
        case .keep: "keep"
        case .fileinto: "store"
        case .redirect: "redirect"
        case .discard: "discard"
        case .reject(_, let extended): extended ? "ereject" : "reject"
        case .vacation: "vacation"
        case .addHeader, .deleteHeader: nil
        }
    }

    static func crlf(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + text.utf8.count / 32)
        for byte in text.utf8 where byte != UInt8(ascii: "\r") {
            if byte == UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\r")) }
            bytes.append(byte)
        }
        return bytes
    }

    static func stripBrackets(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("<"), trimmed.hasSuffix(">") { return String(trimmed.dropFirst().dropLast()) }
        return trimmed
    }

    private static func firstAddress(_ header: HeaderFields, _ name: String) -> String? {
        guard let value = header.value(of: name) else { return nil }
        if name == "Return-Path", stripBrackets(value).isEmpty { return "" }
        guard let mailbox = SieveAddress.mailboxes(inHeaderValue: value).first else { return nil }
        return mailbox.localPart + (mailbox.domain.map { "@" + $0 } ?? "")
    }

    /// The edited header written out, then the original body.
    private static func render(_ editor: SieveHeaderEditor, body: SieveMessage) -> [UInt8] {
        var text = ""
        for field in editor.fields { text += field.name + ": " + field.value + "\r\n" }
        text += "\r\n"
        let range = body.parsed.bodyRange.clamped(to: 0..<body.bytes.count)
        return Array(text.utf8) + body.bytes[range]
    }
}
