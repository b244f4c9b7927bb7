// ENVELOPE written straight from the envelope stored at delivery, without an `IMAPEnvelope` copy.

import MailMessage
import NIOCore

extension IMAPResponseEncoder {
    /// The same octets as `writeEnvelope(IMAPEnvelope(envelope), ...)`, minus the intermediate
    /// arrays of `IMAPAddress`, built in a local array and copied into `buffer` once:
    /// `UID FETCH 1:* (... ENVELOPE)` writes one per message.
    func writeEnvelope(stored envelope: MailMessage.Envelope, into buffer: inout ByteBuffer) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(512)
        appendEnvelope(stored: envelope, to: &bytes)
        buffer.writeBytes(bytes)
    }

    // envelope        = "(" env-date SP env-subject SP env-from SP
    //                   env-sender SP env-reply-to SP env-to SP env-cc SP
    //                   env-bcc SP env-in-reply-to SP env-message-id ")"  (RFC 9051 §9)
    func appendEnvelope(stored envelope: MailMessage.Envelope, to bytes: inout [UInt8]) {
        let space = UInt8(ascii: " ")
        bytes.append(UInt8(ascii: "("))
        appendNString(envelope.date, to: &bytes)
        bytes.append(space)
        appendNString(envelope.subject, to: &bytes)
        bytes.append(space)
        appendStoredAddresses(envelope.from, to: &bytes)
        // RFC 9051 §7.5.2: sender and reply-to default to from (an old stored form may leave them empty).
        bytes.append(space)
        appendStoredAddresses(envelope.sender.isEmpty ? envelope.from : envelope.sender, to: &bytes)
        bytes.append(space)
        appendStoredAddresses(envelope.replyTo.isEmpty ? envelope.from : envelope.replyTo, to: &bytes)
        bytes.append(space)
        appendStoredAddresses(envelope.to, to: &bytes)
        bytes.append(space)
        appendStoredAddresses(envelope.cc, to: &bytes)
        bytes.append(space)
        appendStoredAddresses(envelope.bcc, to: &bytes)
        bytes.append(space)
        appendNString(envelope.inReplyTo, to: &bytes)
        bytes.append(space)
        appendNString(envelope.messageID, to: &bytes)
        bytes.append(UInt8(ascii: ")"))
    }

    private static let groupPrefix: [UInt8] = Array("(NIL NIL ".utf8)
    private static let groupSuffix: [UInt8] = Array(" NIL)".utf8)
    private static let groupEnd: [UInt8] = Array("(NIL NIL NIL NIL)".utf8)

    // env-from        = "(" 1*address ")" / nil
    // address         = "(" addr-name SP addr-adl SP addr-mailbox SP
    //                   addr-host ")"                                    (RFC 9051 §9)
    private func appendStoredAddresses(_ addresses: [MailMessage.Address], to bytes: inout [UInt8]) {
        guard !addresses.isEmpty else { return bytes.append(contentsOf: Self.nilBytes) }
        bytes.append(UInt8(ascii: "("))
        for address in addresses {
            switch address.kind {
            // RFC 9051 §7.5.2: group syntax is marked by a NIL host, the group name in the mailbox.
            case .groupStart:
                bytes.append(contentsOf: Self.groupPrefix)
                appendString(address.localPart ?? "", to: &bytes)
                bytes.append(contentsOf: Self.groupSuffix)
            case .groupEnd:
                bytes.append(contentsOf: Self.groupEnd)
            case .mailbox:
                // A mailbox always gets a mailbox name and a host, even when the parsed one lacked them.
                bytes.append(UInt8(ascii: "("))
                appendNString(address.displayName, to: &bytes)
                bytes.append(UInt8(ascii: " "))
                appendNString(address.route, to: &bytes)
                bytes.append(UInt8(ascii: " "))
                appendString(address.localPart ?? MailMessage.Address.missingMailbox, to: &bytes)
                bytes.append(UInt8(ascii: " "))
                appendString(address.domain ?? MailMessage.Address.missingDomain, to: &bytes)
                bytes.append(UInt8(ascii: ")"))
            }
        }
        bytes.append(UInt8(ascii: ")"))
    }
}
