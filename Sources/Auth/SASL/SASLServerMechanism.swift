// The server side of one SASL mechanism, as a state machine per exchange (RFC 4422 §3).
import MailStore

/// One exchange of one mechanism. Made by `SASLServer.makeExchange`, used once, then dropped.
///
/// `start` gets the initial response when the client sent one (SASL-IR, RFC 4959; an empty one
/// is `[]`, nil means none); each client response after a challenge goes to `step`. Both may
/// await the store or the password hashing pool, and never block a thread.
public protocol SASLServerMechanism: Sendable {
    mutating func start(initialResponse: [UInt8]?) async -> SASLStep
    mutating func step(_ response: [UInt8]) async -> SASLStep
}
