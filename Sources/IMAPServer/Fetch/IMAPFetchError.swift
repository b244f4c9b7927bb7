/// Why a FETCH could not be answered for one message. Thrown before anything of that message's
/// response was emitted, except `storedMessageUnreadable` during a streamed body, after which the
/// connection's framing is broken and the session must close it.
public enum IMAPFetchError: Error, Sendable, Equatable {
    /// BINARY / BINARY.SIZE on a part whose Content-Transfer-Encoding we cannot decode:
    /// tagged `NO [UNKNOWN-CTE]` (RFC 3516 §4.3, RFC 9051 §7.5.2).
    case unknownTransferEncoding
    /// The stored bytes disagree with the stored row (the blob is shorter than `size`, a date is
    /// out of range): `NO [SERVERBUG]`, or closing the connection if a literal was already announced.
    case storedMessageUnreadable
}
