// ENVELOPE written straight from the bytes of the stored summary: no `Envelope`, `Address` or
// String per message (issue 8, `UID FETCH 1:* (... ENVELOPE)` of a large mailbox).

import MailMessage

/// Appends the octets `IMAPResponseEncoder.appendEnvelope(stored:to:)` writes for the decoded
/// envelope, fed by `MessageSummary.visitStoredEnvelope`. Owns the output array while it runs
/// (the caller swaps its array in and out), so every append is a plain array append.
struct IMAPStoredEnvelopeWriter: StoredEnvelopeVisitor {
    let encoder: IMAPResponseEncoder
    var bytes: [UInt8]
    /// Where from's encoding lies in `bytes`: sender and reply-to default to it.
    private var fromOctets = 0..<0
    private var listStart = 0
    /// True while the current list was written as a copy of from (or NIL): its addresses are none.
    private var copiedList = false

    init(encoder: IMAPResponseEncoder, bytes: [UInt8] = []) {
        self.encoder = encoder
        self.bytes = bytes
    }

    // envelope        = "(" env-date SP env-subject SP env-from SP
    //                   env-sender SP env-reply-to SP env-to SP env-cc SP
    //                   env-bcc SP env-in-reply-to SP env-message-id ")"  (RFC 9051 §9)
    mutating func visitField(_ field: StoredEnvelopeField, _ value: UnsafeBufferPointer<UInt8>?) {
        bytes.append(field == .date ? UInt8(ascii: "(") : UInt8(ascii: " "))
        appendNString(value)
        if field == .messageID { bytes.append(UInt8(ascii: ")")) }
    }

    // env-from        = "(" 1*address ")" / nil                          (RFC 9051 §9)
    mutating func beginAddressList(_ list: StoredEnvelopeAddressList, count: Int, sameAsFrom: Bool) {
        bytes.append(UInt8(ascii: " "))
        listStart = bytes.count
        copiedList = count == 0
        guard count == 0 else { return bytes.append(UInt8(ascii: "(")) }
        switch list {
        case .sender, .replyTo:
            // RFC 9051 §7.5.2: sender and reply-to default to from (an old stored form may leave
            // them empty).
            appendCopyOfFrom()
        default:
            bytes.append(ascii: "NIL")
        }
    }

    // address         = "(" addr-name SP addr-adl SP addr-mailbox SP
    //                   addr-host ")"                                    (RFC 9051 §9)
    mutating func visitAddress(kind: MailMessage.Address.Kind, displayName: UnsafeBufferPointer<UInt8>?,
                               route: UnsafeBufferPointer<UInt8>?, localPart: UnsafeBufferPointer<UInt8>?,
                               domain: UnsafeBufferPointer<UInt8>?) {
        switch kind {
        // RFC 9051 §7.5.2: group syntax is marked by a NIL host, the group name in the mailbox.
        case .groupStart:
            bytes.append(ascii: "(NIL NIL ")
            appendString(localPart, default: "")
            bytes.append(ascii: " NIL)")
        case .groupEnd:
            bytes.append(ascii: "(NIL NIL NIL NIL)")
        case .mailbox:
            // A mailbox always gets a mailbox name and a host, even when the parsed one lacked them.
            bytes.append(UInt8(ascii: "("))
            appendNString(displayName)
            bytes.append(UInt8(ascii: " "))
            appendNString(route)
            bytes.append(UInt8(ascii: " "))
            appendString(localPart, default: MailMessage.Address.missingMailbox)
            bytes.append(UInt8(ascii: " "))
            appendString(domain, default: MailMessage.Address.missingDomain)
            bytes.append(UInt8(ascii: ")"))
        }
    }

    /// From's octets again, copied within the array: appending a slice of `bytes` to itself
    /// would copy the whole array first, and a byte loop was 3 % of a large FETCH.
    private mutating func appendCopyOfFrom() {
        let source = fromOctets
        guard !source.isEmpty else { return }
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: source.count))
        bytes.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            // `source` ends at or before `start`: the ranges never overlap.
            (base + start).update(from: base + source.lowerBound, count: source.count)
        }
    }

    mutating func endAddressList(_ list: StoredEnvelopeAddressList) {
        if !copiedList { bytes.append(UInt8(ascii: ")")) }
        if list == .from { fromOctets = listStart..<bytes.count }
    }

    // nstring         = string / nil                                     (RFC 9051 §9)
    private mutating func appendNString(_ value: UnsafeBufferPointer<UInt8>?) {
        guard let value else { return bytes.append(ascii: "NIL") }
        encoder.appendString(unvalidated: value, to: &bytes)
    }

    /// `fallback` is rare (a mailbox without local part or domain, a nameless group).
    private mutating func appendString(_ value: UnsafeBufferPointer<UInt8>?, default fallback: String) {
        if let value {
            encoder.appendString(unvalidated: value, to: &bytes)
        } else {
            encoder.appendString(fallback, to: &bytes)
        }
    }
}
