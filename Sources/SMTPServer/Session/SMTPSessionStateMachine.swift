// The protocol rules of one SMTP/LMTP session, with no socket: RFC 5321 §4.1.4 ordering, the
// extension rules (SIZE, CHUNKING/BINARYMIME, SMTPUTF8, STARTTLS) and RFC 2033 for LMTP.
//
// Implementation notes (invariants the connection relies on):
// - One event at a time; every event returns exactly one `Action`, which the connection carries
//   out before it feeds the next event. The machine never waits, never does I/O.
// - After `.readChunk`, `.startData`, `.checkRecipient`, `.deliver`, `.startTLS` the next event
//   must be the matching completion (`chunkReceived`, `dataReceived`, `recipientChecked`,
//   `delivered`, `tlsEstablished`); anything else is a bug in the caller and answered with 451.

/// Decides the reply to each command of one session. Tested without a channel (STYLE.md).
public struct SMTPSessionStateMachine: Sendable {
    /// What the session is configured to offer; fixed for its lifetime.
    public struct Configuration: Sendable {
        public var kind: SMTPSessionInfo.Kind
        public var hostname: String
        public var maxMessageSize: Int
        /// RFC 5321 §4.5.3.1.8: at least 100 recipients must be accepted.
        public var maxRecipients: Int
        /// Client errors tolerated before "421 4.7.0" and close (RFC 5321 §4.3.2 lets us close).
        public var maxErrors: Int
        /// Whether STARTTLS can be offered (a TLS context is configured).
        public var tlsAvailable: Bool

        public init(kind: SMTPSessionInfo.Kind = .smtp, hostname: String, maxMessageSize: Int = 52_428_800,
                    maxRecipients: Int = 100, maxErrors: Int = 10, tlsAvailable: Bool = false) {
            self.kind = kind
            self.hostname = hostname
            self.maxMessageSize = maxMessageSize
            self.maxRecipients = maxRecipients
            self.maxErrors = maxErrors
            self.tlsAvailable = tlsAvailable
        }
    }

    /// What the connection must do next.
    public enum Action: Sendable, Equatable {
        /// Send these replies (LMTP sends several after DATA), then read the next command.
        case reply([SMTPReply])
        /// Send the reply, then close the connection.
        case replyAndClose(SMTPReply)
        /// Send 354, then read the message up to CRLF.CRLF and call `dataReceived`.
        case startData(SMTPReply)
        /// Read exactly `size` octets (keep them only if `keep`), then call `chunkReceived`. RFC 3030 §2.
        case readChunk(size: Int, keep: Bool)
        /// Send 220, discard anything buffered, start TLS, then call `tlsEstablished`. RFC 3207 §4.
        case startTLS(SMTPReply)
        /// Ask the receiver about this recipient, then call `recipientChecked`.
        case checkRecipient(SMTPRecipient, SMTPEnvelope)
        /// Hand the message to the receiver, then call `delivered`.
        case deliver([UInt8], SMTPEnvelope)
    }

    /// Bytes of a BDAT transaction collected so far; `failure` makes the rest of it be discarded.
    struct Chunking: Sendable {
        var envelope: SMTPEnvelope?
        var message: [UInt8] = []
        var failure: SMTPReply?
        var last = false
    }

    enum State: Sendable {
        case awaitingHello
        case ready
        case mail(SMTPEnvelope)
        case checkingRecipient(SMTPEnvelope)
        case receivingData(SMTPEnvelope)
        case receivingChunk(Chunking)
        case chunking(Chunking)
        case delivering(SMTPEnvelope)
        case startingTLS
        case closed
    }

    public let configuration: Configuration
    var state: State = .awaitingHello
    /// The name from EHLO/HELO/LHLO, for `SMTPSessionInfo`.
    public internal(set) var heloName: String?
    public internal(set) var usedEHLO = false
    public internal(set) var tlsActive: Bool
    private var errorCount = 0  // only clientError touches it

    public init(configuration: Configuration, tlsActive: Bool = false) {
        self.configuration = configuration
        self.tlsActive = tlsActive
    }

    /// True while a message is being received or delivered: graceful shutdown lets it finish.
    public var isInTransaction: Bool {
        switch state {
        case .mail, .checkingRecipient, .receivingData, .receivingChunk, .chunking, .delivering: true
        default: false
        }
    }

    /// RFC 5321 §4.2 / §3.1: the opening 220; LMTP says so (RFC 2033 §4).
    public var greeting: SMTPReply {
        SMTPReply(220, nil, "\(configuration.hostname) \(configuration.kind == .lmtp ? "LMTP" : "ESMTP") Facteur")
    }

    /// The EHLO/LHLO keywords, RFC 5321 §4.1.1.1 and each extension's RFC.
    public var extensions: [String] {
        var keywords = ["PIPELINING", "8BITMIME", "SIZE \(configuration.maxMessageSize)", "ENHANCEDSTATUSCODES",
                        "SMTPUTF8", "CHUNKING", "BINARYMIME", "DSN"]
        // RFC 3207 §4.2: not announced once TLS is active; only when we can do it.
        if configuration.tlsAvailable && !tlsActive { keywords.append("STARTTLS") }
        return keywords
    }

    // MARK: - Events

    /// A command line was parsed (or failed to parse).
    public mutating func command(_ parsed: Result<SMTPCommand, SMTPCommandError>) -> Action {
        switch parsed {
        case .failure(let error): return clientError(error.reply)
        case .success(let command): return handle(command)
        }
    }

    /// The framing handler dropped an over-long line. RFC 5321 §4.5.3.1.4.
    public mutating func lineTooLong() -> Action {
        clientError(.lineTooLong)
    }

    /// The receiver answered a RCPT: nil accepts.
    public mutating func recipientChecked(_ recipient: SMTPRecipient, refusal: SMTPReply?) -> Action {
        guard case .checkingRecipient(var envelope) = state else { return protocolBug() }
        if let refusal {
            state = .mail(envelope)
            return .reply([refusal])
        }
        envelope.recipients.append(recipient)
        state = .mail(envelope)
        return .reply([SMTPReply(250, "2.1.5", "Ok")])
    }

    /// Graceful shutdown between transactions: RFC 5321 §3.8 lets the server close with 421.
    public mutating func shutdown() -> Action {
        state = .closed
        return .replyAndClose(SMTPReply(421, "4.3.2", "\(configuration.hostname) shutting down"))
    }

    /// The client was silent too long, RFC 5321 §4.5.3.2.
    public mutating func timedOut() -> Action {
        state = .closed
        return .replyAndClose(SMTPReply(421, "4.4.2", "\(configuration.hostname) timeout, closing connection"))
    }

    // MARK: - Commands

    private mutating func handle(_ command: SMTPCommand) -> Action {
        switch command {
        case .ehlo(let name), .helo(let name), .lhlo(let name):
            return hello(command, name: name)
        case .mail(let envelope):
            return mail(envelope)
        case .rcpt(let recipient):
            return recipientCommand(recipient)
        case .data:
            return data()
        case .bdat(let size, let last):
            return bdat(size: size, last: last)
        case .rset:
            // RFC 5321 §4.1.1.5: abort the transaction, keep the EHLO.
            if heloName != nil { state = .ready }
            return .reply([SMTPReply(250, "2.0.0", "Ok")])
        case .noop:
            return .reply([SMTPReply(250, "2.0.0", "Ok")])
        case .vrfy:
            // RFC 5321 §3.5.3: 252 when we will not verify (no address harvesting).
            return .reply([SMTPReply(252, "2.1.5", "Cannot VRFY user, but will accept message and attempt delivery")])
        case .expn:
            return .reply([SMTPReply(502, "5.5.1", "EXPN not available")])
        case .help:
            return .reply([SMTPReply(214, "2.0.0", "See https://www.rfc-editor.org/rfc/rfc5321")])
        case .quit:
            state = .closed
            return .replyAndClose(SMTPReply(221, "2.0.0", "\(configuration.hostname) closing connection"))
        case .startTLS:
            return startTLS()
        case .auth:
            // todo(rfc): RFC 4954 — AUTH comes with the submission listener; not announced here.
            return clientError(SMTPReply(502, "5.5.1", "AUTH not available on this port"))
        }
    }

    // MARK: - Helpers

    var isInChunkingOrData: Bool {
        switch state {
        case .receivingData, .receivingChunk, .delivering, .checkingRecipient, .startingTLS: true
        default: false
        }
    }

    /// RFC 2033 §4.2: LMTP answers DATA without recipients with 503; SMTP with 554 (RFC 5321 §3.3).
    var noValidRecipients: SMTPReply {
        configuration.kind == .lmtp ? SMTPReply(503, "5.5.1", "No valid recipients")
            : SMTPReply(554, "5.5.1", "No valid recipients")
    }

    /// A message-level failure after DATA/BDAT LAST: LMTP repeats it once per recipient.
    mutating func failTransaction(_ envelope: SMTPEnvelope, _ reply: SMTPReply) -> Action {
        state = .ready
        return replyForFailure(reply, envelope: envelope, final: true)
    }

    func replyForFailure(_ reply: SMTPReply, envelope: SMTPEnvelope, final: Bool) -> Action {
        if final && configuration.kind == .lmtp && !envelope.recipients.isEmpty {
            return .reply(Array(repeating: reply, count: envelope.recipients.count))
        }
        return .reply([reply])
    }

    /// A reply the client earned by misbehaving; too many of them end the session.
    mutating func clientError(_ reply: SMTPReply) -> Action {
        errorCount += 1
        if errorCount >= configuration.maxErrors {
            state = .closed
            return .replyAndClose(.tooManyErrors)
        }
        return .reply([reply])
    }

    mutating func protocolBug() -> Action {
        state = .closed
        return .replyAndClose(SMTPReply(451, "4.3.0", "Internal error"))
    }
}
