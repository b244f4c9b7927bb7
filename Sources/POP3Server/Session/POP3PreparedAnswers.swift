// Whole RETR answers rendered ahead by the session, which the framing handler sends itself on the
// event loop when the client asks for one of them.
//
// Why: a RETR that reached the session task cost two thread wake-ups on top of the socket's (event
// loop → session task → event loop), about as much CPU as the message itself for the small messages
// that make up most of a maildrop; Dovecot answers with none. Answers the session already read
// ahead need no decision the event loop cannot take: "+OK", the stuffed bytes and "." are ready.
//
// Implementation notes:
// - The session offers a table with its reply to each command (`POP3OutboundInstruction.offer`),
//   holding only messages that are live at that moment (RFC 1939 §5: a deleted message cannot be
//   retrieved). The handler drops the table as soon as it hands any other line to the session, so
//   a DELE or RSET is always seen by the session before another answer leaves from the table.
// - The table is never offered while the trace log is on, so every command is still traced.

import NIOCore

/// Rendered RETR answers by message number. A `Sendable` value: built by the session task, used
/// on the event loop; the byte buffers share storage with the session's read-ahead (no copy).
struct POP3PreparedAnswers: Sendable {
    /// One RETR answer: status line, byte-stuffed message and final ".".
    struct Answer: Sendable {
        var bytes: ByteBuffer
        /// The message's own size (the `retrieved_bytes` metric counts unstuffed octets).
        var octets: Int
    }

    private var answers: [Int: Answer] = [:]

    init() {}

    var isEmpty: Bool { answers.isEmpty }
    var count: Int { answers.count }

    mutating func insert(_ answer: Answer, number: Int) {
        answers[number] = answer
    }

    /// The answer to "RETR `number`", handed over once; a second RETR goes to the session.
    mutating func take(number: Int) -> Answer? {
        answers.removeValue(forKey: number)
    }

    /// The answer if `line` is a RETR of a message in the table (parsed exactly as the session
    /// parses it, so the same lines are accepted); nil for any other line.
    mutating func answer(to line: [UInt8]) -> Answer? {
        guard !answers.isEmpty, line.count <= 32,
              case .retr(let number)? = try? POP3CommandParser.parse(line) else { return nil }
        return take(number: number)
    }
}
