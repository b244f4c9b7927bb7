// Writes responses to bytes: the string forms (atom, quoted, literal, NIL) chosen per session mode.

import NIOCore

/// Encodes `IMAPResponse` values. A value type the session keeps and replaces when the mode
/// changes (ENABLE IMAP4rev2 / UTF8=ACCEPT switches both options).
public struct IMAPResponseEncoder: Sendable {
    public struct Options: Sendable, Equatable {
        /// How mailbox names are written (modified UTF-7 for IMAP4rev1 clients).
        public var mailboxEncoding: IMAPMailboxEncoding
        /// Whether quoted strings and text may carry UTF-8 (IMAP4rev2 or UTF8=ACCEPT,
        /// RFC 9051 §9 `QUOTED-CHAR`, RFC 6855 §3). Otherwise 8-bit strings go as literals.
        public var utf8Accepted: Bool

        public init(mailboxEncoding: IMAPMailboxEncoding = .modifiedUTF7, utf8Accepted: Bool = false) {
            self.mailboxEncoding = mailboxEncoding
            self.utf8Accepted = utf8Accepted
        }

        /// IMAP4rev1 without UTF8=ACCEPT.
        public static let imap4rev1 = Options()
        /// IMAP4rev2 enabled, or UTF8=ACCEPT.
        public static let utf8 = Options(mailboxEncoding: .utf8, utf8Accepted: true)
    }

    public var options: Options
    /// Strings longer than this go as literals even when quotable, to keep lines short.
    static let maxQuotedLength = 1024

    public init(options: Options = .imap4rev1) {
        self.options = options
    }

    /// Appends `response` and its CRLF to `buffer`.
    public func encode(_ response: IMAPResponse, into buffer: inout ByteBuffer) {
        switch response {
        case .tagged(let tag, let status):
            buffer.writeString(tag)
            buffer.writeString(" ")
            writeStatus(status, into: &buffer)
        case .untagged(let untagged):
            buffer.writeString("* ")
            writeUntagged(untagged, into: &buffer)
        case .continuation(.text(let text)):
            // continue-req    = "+" SP (resp-text / base64) CRLF        (RFC 9051 §9)
            buffer.writeString("+ ")
            writeText(text.isEmpty ? "Ready" : text, into: &buffer)
        case .continuation(.challenge(let bytes)):
            buffer.writeString("+ ")
            buffer.writeString(IMAPBase64.encode(bytes))
        }
        buffer.writeString("\r\n")
    }

    /// Convenience: one response in a fresh buffer.
    public func encode(_ response: IMAPResponse) -> ByteBuffer {
        var buffer = ByteBuffer()
        encode(response, into: &buffer)
        return buffer
    }

    // resp-cond-state = ("OK" / "NO" / "BAD") SP resp-text
    // resp-text       = ["[" resp-text-code "]" SP] [text]               (RFC 9051 §9)
    func writeStatus(_ status: IMAPStatusResponse, into buffer: inout ByteBuffer) {
        buffer.writeString(status.kind.rawValue)
        buffer.writeString(" ")
        writeResponseText(code: status.code, text: status.text, into: &buffer)
    }

    func writeResponseText(code: IMAPResponseCode?, text: String, into buffer: inout ByteBuffer) {
        if let code {
            buffer.writeString("[")
            writeResponseCode(code, into: &buffer)
            buffer.writeString("] ")
        }
        // text = 1*(TEXT-CHAR / ...): never empty, so a placeholder when the caller gave none.
        writeText(text.isEmpty ? "done" : text, into: &buffer)
    }

    // text            = 1*(TEXT-CHAR / UTF8-2 / UTF8-3 / UTF8-4)
    //                     ; Non-ASCII text can only be returned
    //                     ; after ENABLE IMAP4rev2 command               (RFC 9051 §9)
    /// CR, LF and NUL never reach the wire; non-ASCII becomes "?" unless UTF-8 is accepted.
    func writeText(_ text: String, into buffer: inout ByteBuffer) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                bytes.append(UInt8(ascii: " "))
            } else if scalar.value < 0x80 || options.utf8Accepted {
                bytes.append(contentsOf: String(scalar).utf8)
            } else {
                bytes.append(UInt8(ascii: "?"))
            }
        }
        buffer.writeBytes(bytes)
    }

    // string          = quoted / literal                                 (RFC 9051 §9)
    /// Quoted when every octet may appear in a quoted string in this mode and it is short;
    /// otherwise a literal (8-bit text before UTF8=ACCEPT, CR/LF, long values).
    func writeString(_ bytes: some Collection<UInt8>, into buffer: inout ByteBuffer) {
        let written: Void? = bytes.withContiguousStorageIfAvailable { contiguous in
            writeString(contiguous: contiguous, knownValidUTF8: false, into: &buffer)
        }
        if written == nil {
            Array(bytes).withUnsafeBufferPointer { writeString(contiguous: $0, knownValidUTF8: false, into: &buffer) }
        }
    }

    func writeString(_ text: String, into buffer: inout ByteBuffer) {
        // A Swift String is valid UTF-8 by construction: no second validation pass.
        var text = text
        text.withUTF8 { writeString(contiguous: $0, knownValidUTF8: true, into: &buffer) }
    }

    /// The common path of every string in ENVELOPE and BODYSTRUCTURE: one scan decides the form,
    /// then the octets go in with one copy (per-octet writes into a ByteBuffer cost an exclusivity
    /// check each, a quarter of `UID FETCH 1:* (... ENVELOPE)` in a profile).
    func writeString(contiguous bytes: UnsafeBufferPointer<UInt8>, knownValidUTF8: Bool, into buffer: inout ByteBuffer) {
        switch quotedForm(of: bytes, knownValidUTF8: knownValidUTF8) {
        case .plain:
            buffer.reserveCapacity(minimumWritableBytes: bytes.count + 2)
            buffer.writeInteger(UInt8(ascii: "\""))
            buffer.writeBytes(UnsafeRawBufferPointer(bytes))
            buffer.writeInteger(UInt8(ascii: "\""))
        case .escaped:
            var quoted: [UInt8] = [UInt8(ascii: "\"")]
            quoted.reserveCapacity(bytes.count * 2 + 2)
            for byte in bytes {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { quoted.append(UInt8(ascii: "\\")) }
                quoted.append(byte)
            }
            quoted.append(UInt8(ascii: "\""))
            buffer.writeBytes(quoted)
        case .literal:
            writeLiteralHeader(octets: bytes.count, binary: false, into: &buffer)
            buffer.writeBytes(UnsafeRawBufferPointer(bytes))
        }
    }

    /// How a string goes on the wire: quoted as is, quoted with `"` and `\` escaped, or a literal.
    enum QuotedForm { case plain, escaped, literal }

    /// The rule of `isQuotable` in one pass that also notes whether escapes are needed.
    func quotedForm(of bytes: UnsafeBufferPointer<UInt8>, knownValidUTF8: Bool) -> QuotedForm {
        guard bytes.count <= Self.maxQuotedLength else { return .literal }
        var hasEightBit = false
        var needsEscape = false
        for byte in bytes {
            switch byte {
            case 0x00, 0x0A, 0x0D: return .literal
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): needsEscape = true
            case 0x80...0xFF:
                guard options.utf8Accepted else { return .literal }
                hasEightBit = true
            default: continue
            }
        }
        if hasEightBit && !knownValidUTF8 && String(validating: bytes, as: UTF8.self) == nil { return .literal }
        return needsEscape ? .escaped : .plain
    }

    // nstring         = string / nil                                     (RFC 9051 §9)
    func writeNString(_ text: String?, into buffer: inout ByteBuffer) {
        guard let text else { buffer.writeString("NIL"); return }
        writeString(text, into: &buffer)
    }

    func writeNString(_ bytes: [UInt8]?, into buffer: inout ByteBuffer) {
        guard let bytes else { buffer.writeString("NIL"); return }
        writeString(bytes, into: &buffer)
    }

    // literal         = "{" number64 ["+"] "}" CRLF *CHAR8
    // literal8        = "~{" number64 "}" CRLF *OCTET                    (RFC 9051 §9)
    /// Writes `{n}` CRLF (or `~{n}` CRLF); the caller writes the n octets next.
    public func writeLiteralHeader(octets: Int, binary: Bool, into buffer: inout ByteBuffer) {
        buffer.writeString(binary ? "~{\(octets)}\r\n" : "{\(octets)}\r\n")
    }

    func isQuotable(_ bytes: some Collection<UInt8>) -> Bool {
        guard bytes.count <= Self.maxQuotedLength else { return false }
        var hasEightBit = false
        for byte in bytes {
            switch byte {
            case 0x00, 0x0A, 0x0D: return false
            case 0x80...0xFF:
                guard options.utf8Accepted else { return false }
                hasEightBit = true
            default: continue
            }
        }
        return !hasEightBit || String(validating: Array(bytes), as: UTF8.self) != nil
    }

    // mailbox         = "INBOX" / astring                                (RFC 9051 §9)
    /// Mailbox names are always written as strings (quoted when possible), in the session's encoding.
    func writeMailbox(_ mailbox: IMAPMailboxName, into buffer: inout ByteBuffer) {
        writeString(mailbox.encoded(options.mailboxEncoding), into: &buffer)
    }

    /// `DQUOTE QUOTED-CHAR DQUOTE / nil`: a hierarchy delimiter.
    func writeDelimiter(_ delimiter: Character?, into buffer: inout ByteBuffer) {
        guard let delimiter else { buffer.writeString("NIL"); return }
        writeString(String(delimiter), into: &buffer)
    }

    /// Space-separated items, each written by `write`.
    func writeList<T>(_ items: [T], into buffer: inout ByteBuffer, _ write: (T, inout ByteBuffer) -> Void) {
        for (offset, item) in items.enumerated() {
            if offset > 0 { buffer.writeString(" ") }
            write(item, &buffer)
        }
    }

    func writeFlags(_ flags: [IMAPFlag], into buffer: inout ByteBuffer) {
        buffer.writeString("(")
        writeList(flags, into: &buffer) { flag, buffer in buffer.writeString(flag.description) }
        buffer.writeString(")")
    }
}
