// The message-list shape of FETCH, `UID FETCH 1:* (UID FLAGS RFC822.SIZE INTERNALDATE ENVELOPE)`,
// answered synchronously from the row and the stored envelope's bytes: no planning, no `await`,
// no `Envelope` or String per message (issue 8: a 10,000-message list at twice Dovecot's speed).

import MailMessage
import MailStore

extension IMAPFetchResponder {
    /// Whether every attribute comes from the message row and its stored envelope, so
    /// `appendFromRow` can answer (the session still falls back to `respond` message by message).
    public static func answersFromRow(_ attributes: [IMAPFetchAttribute]) -> Bool {
        attributes.allSatisfy { attribute in
            switch attribute {
            case .uid, .flags, .rfc822Size, .internalDate, .modSequence, .envelope: return true
            default: return false
            }
        }
    }

    /// Appends to `bytes` the very octets `respond` emits for `message` when `answersFromRow`
    /// holds for `attributes`. Returns false, `bytes` as it was, when the row alone cannot answer
    /// (a JSON or damaged summary, an attribute outside the shape, a date out of range): `respond`
    /// then decodes, parses or reports the error as it always did.
    public func appendFromRow(sequenceNumber: UInt32, message: StoredMessage, attributes: [IMAPFetchAttribute],
                              to bytes: inout [UInt8]) -> Bool {
        let start = bytes.count
        // message-data    = nz-number SP ("EXPUNGE" / ("FETCH" SP msg-att))  (RFC 9051 §9)
        bytes.append(ascii: "* ")
        IMAPResponseEncoder.appendDecimal(UInt64(sequenceNumber), to: &bytes)
        bytes.append(ascii: " FETCH (")
        for (index, attribute) in attributes.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: " ")) }
            guard append(attribute, of: message, to: &bytes) else {
                bytes.removeSubrange(start...)
                return false
            }
        }
        bytes.append(ascii: ")\r\n")
        return true
    }

    private func append(_ attribute: IMAPFetchAttribute, of message: StoredMessage, to bytes: inout [UInt8]) -> Bool {
        switch attribute {
        case .uid:
            bytes.append(ascii: "UID ")
            IMAPResponseEncoder.appendDecimal(UInt64(message.uid), to: &bytes)
        case .flags:
            // flag-fetch list, as `writeFlags` writes it (RFC 9051 §7.5.2).
            bytes.append(ascii: "FLAGS (")
            for (index, flag) in message.flags.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: " ")) }
                Self.appendFlag(flag, to: &bytes)
            }
            bytes.append(UInt8(ascii: ")"))
        case .rfc822Size:
            bytes.append(ascii: "RFC822.SIZE ")
            IMAPResponseEncoder.appendDecimal(UInt64(max(0, message.size)), to: &bytes)
        case .internalDate:
            guard let date = IMAPDateTime(utc: message.internalDate) else { return false }
            bytes.append(ascii: "INTERNALDATE ")
            date.appendQuoted(to: &bytes)
        case .modSequence:
            // fetch-mod-resp  = "MODSEQ" SP "(" permsg-modsequence ")"       (RFC 7162 §7)
            bytes.append(ascii: "MODSEQ (")
            IMAPResponseEncoder.appendDecimal(message.modSeq, to: &bytes)
            bytes.append(UInt8(ascii: ")"))
        case .envelope:
            bytes.append(ascii: "ENVELOPE ")
            return appendStoredEnvelope(of: message, to: &bytes)
        default:
            return false
        }
        return true
    }

    /// ENVELOPE from the stored summary's bytes; false (with partial output the caller discards)
    /// when they cannot be read this way.
    private func appendStoredEnvelope(of message: StoredMessage, to bytes: inout [UInt8]) -> Bool {
        guard !message.metadata.isEmpty else { return false }
        var writer = IMAPStoredEnvelopeWriter(encoder: encoder)
        swap(&writer.bytes, &bytes)
        defer { swap(&writer.bytes, &bytes) }
        return message.metadata.withUnsafeBytes { raw in
            raw.withMemoryRebound(to: UInt8.self) { stored in
                (try? MessageSummary.visitStoredEnvelope(stored, &writer)) ?? false
            }
        }
    }

    /// A stored flag as `IMAPFlag(stored:).description` spells it; the store's own spellings
    /// (system flags as `MessageFlags` names them, keywords) are copied as they are.
    private static func appendFlag(_ flag: String, to bytes: inout [UInt8]) {
        switch flag {
        case "\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft":
            bytes.append(contentsOf: flag.utf8)
        default:
            bytes.append(contentsOf: flag.hasPrefix("\\") ? IMAPFlag(stored: flag).description.utf8 : flag.utf8)
        }
    }
}
