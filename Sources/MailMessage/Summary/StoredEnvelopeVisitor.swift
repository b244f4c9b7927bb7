// The envelope of a stored summary handed over field by field as borrowed bytes, so FETCH ENVELOPE
// of a large mailbox is written without building a String, an `Address` or an array per message
// (issue 8: decoding the envelope was ~18 % of `UID FETCH 1:* (... ENVELOPE)`, String work 11 %).

/// Receives the fields of a stored envelope in ENVELOPE order (RFC 9051 §7.5.2): date, subject,
/// the six address lists, in-reply-to, message-id. Byte buffers are valid only during the call.
/// Values are as stored: UTF-8 that a corrupt row may leave invalid (the reader checks).
public protocol StoredEnvelopeVisitor {
    /// date, subject, in-reply-to or message-id; nil for an absent field.
    mutating func visitField(_ field: StoredEnvelopeField, _ value: UnsafeBufferPointer<UInt8>?)
    /// An address list begins. `count` is 0 for an empty list; `sameAsFrom` marks a sender or
    /// reply-to stored as "equal to from" (the RFC default), which then has no addresses of its own.
    mutating func beginAddressList(_ list: StoredEnvelopeAddressList, count: Int, sameAsFrom: Bool)
    /// One address of the current list (group markers included, as `Address.kind` describes them).
    mutating func visitAddress(kind: Address.Kind, displayName: UnsafeBufferPointer<UInt8>?,
                               route: UnsafeBufferPointer<UInt8>?, localPart: UnsafeBufferPointer<UInt8>?,
                               domain: UnsafeBufferPointer<UInt8>?)
    mutating func endAddressList(_ list: StoredEnvelopeAddressList)
}

/// The string fields of an envelope, for `StoredEnvelopeVisitor`.
public enum StoredEnvelopeField: Sendable {
    case date, subject, inReplyTo, messageID
}

/// The address lists of an envelope, for `StoredEnvelopeVisitor`.
public enum StoredEnvelopeAddressList: Sendable {
    case from, sender, replyTo, to, cc, bcc
}

extension MessageSummary {
    /// Walks the envelope of a stored summary (binary versions 2 and 3) into `visitor`, with the
    /// checks `decodeEnvelope` makes: it throws exactly when `decodeEnvelope` would, possibly after
    /// some fields were visited (callers discard what they wrote). Returns false, visiting nothing,
    /// for a JSON row (version 1), which only a whole decode reads.
    public static func visitStoredEnvelope<Visitor: StoredEnvelopeVisitor>(
        _ bytes: UnsafeBufferPointer<UInt8>, _ visitor: inout Visitor) throws -> Bool {
        guard let first = bytes.first else { throw SummaryDecodingError.truncated }
        if first == UInt8(ascii: "{") { return false }
        var reader = SummaryReader(bytes)
        try reader.version()
        _ = try reader.int()            // headerLength
        _ = try reader.int()            // totalSize
        try reader.skipOptionalString() // preview
        try reader.visitEnvelope(&visitor)
        return true
    }
}

extension SummaryReader {
    /// Smallest encoded address, as `envelope()` bounds its counts.
    private static let minimumEncodedAddress = 5

    /// The layout `envelope()` reads (MessageSummary+Binary.swift), field by field.
    mutating func visitEnvelope<Visitor: StoredEnvelopeVisitor>(_ visitor: inout Visitor) throws(SummaryDecodingError) {
        visitor.visitField(.date, try optionalBytes())
        visitor.visitField(.subject, try optionalBytes())
        try visitAddresses(.from, count: count(minimumElementSize: Self.minimumEncodedAddress), &visitor)
        try visitSameOrAddresses(.sender, &visitor)
        try visitSameOrAddresses(.replyTo, &visitor)
        try visitAddresses(.to, count: count(minimumElementSize: Self.minimumEncodedAddress), &visitor)
        try visitAddresses(.cc, count: count(minimumElementSize: Self.minimumEncodedAddress), &visitor)
        try visitAddresses(.bcc, count: count(minimumElementSize: Self.minimumEncodedAddress), &visitor)
        visitor.visitField(.inReplyTo, try optionalBytes())
        visitor.visitField(.messageID, try optionalBytes())
    }

    /// Sender and reply-to: 0 for "equal to from", else count + 1.
    private mutating func visitSameOrAddresses<Visitor: StoredEnvelopeVisitor>(
        _ list: StoredEnvelopeAddressList, _ visitor: inout Visitor) throws(SummaryDecodingError) {
        let marker = try varint()
        guard marker != 0 else {
            visitor.beginAddressList(list, count: 0, sameAsFrom: true)
            return visitor.endAddressList(list)
        }
        guard marker - 1 <= UInt64(remaining / Self.minimumEncodedAddress) else { throw .malformed("count exceeds input") }
        try visitAddresses(list, count: Int(marker - 1), &visitor)
    }

    private mutating func visitAddresses<Visitor: StoredEnvelopeVisitor>(
        _ list: StoredEnvelopeAddressList, count: Int, _ visitor: inout Visitor) throws(SummaryDecodingError) {
        visitor.beginAddressList(list, count: count, sameAsFrom: false)
        for _ in 0..<count {
            let kind = try addressKind()
            let displayName = try optionalBytes(), route = try optionalBytes()
            let localPart = try optionalBytes(), domain = try optionalBytes()
            visitor.visitAddress(kind: kind, displayName: displayName, route: route, localPart: localPart, domain: domain)
        }
        visitor.endAddressList(list)
    }
}
