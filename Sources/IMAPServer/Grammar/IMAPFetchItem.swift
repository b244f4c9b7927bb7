// Data items of a FETCH response (RFC 9051 §7.5.2 and extensions).

/// One `msg-att` item of `* n FETCH (...)`.
public enum IMAPFetchItem: Sendable, Equatable {
    case flags([IMAPFlag])
    case uid(UInt32)
    case internalDate(IMAPDateTime)
    case rfc822Size(UInt64)
    case envelope(IMAPEnvelope)
    /// `BODY (...)`: the non-extensible structure (no extension data).
    case body(IMAPBodyStructure)
    case bodyStructure(IMAPBodyStructure)
    /// `BODY[section]<origin> nstring`; `origin` is the partial fetch's start octet.
    case bodySection(IMAPSection, origin: UInt64?, data: [UInt8]?)
    /// `BINARY[part]<origin> literal8/nstring` (RFC 3516 §4.2).
    case binary(part: [UInt32], origin: UInt64?, data: [UInt8]?)
    case binarySize(part: [UInt32], UInt32)
    /// IMAP4rev1 forms (RFC 3501 §7.4.2).
    case rfc822([UInt8]?), rfc822Header([UInt8]?), rfc822Text([UInt8]?)
    /// RFC 7162 §3.1.4.1: `MODSEQ (n)`.
    case modSequence(UInt64)
    /// RFC 8474 §5: `EMAILID (id)`, `THREADID (id)` or `THREADID NIL`.
    case emailID(String)
    case threadID(String?)
    /// RFC 8514 §3: NIL when the save date is not known.
    case saveDate(IMAPDateTime?)
    /// RFC 8970 §3: NIL when not (yet) available with LAZY.
    case preview(String?)
}
