// A mailbox name as a Unicode string, with INBOX normalised.

/// A decoded mailbox name. RFC 9051 §5.1: every case variant of "INBOX" means INBOX, so it is
/// stored as "INBOX"; other names are case-sensitive and kept as sent. Names are data, never
/// file paths (DESIGN.md rule 3).
public struct IMAPMailboxName: Sendable, Hashable, CustomStringConvertible {
    public let name: String

    public init(_ name: String) {
        self.name = name.uppercased() == "INBOX" ? "INBOX" : name
    }

    public static let inbox = IMAPMailboxName("INBOX")
    public var isInbox: Bool { name == "INBOX" }
    public var description: String { name }

    /// The wire form for `encoding` (modified UTF-7 in IMAP4rev1 sessions).
    public func encoded(_ encoding: IMAPMailboxEncoding) -> String {
        switch encoding {
        case .utf8: return name
        case .modifiedUTF7: return MailboxNameCodec.encode(name)
        }
    }
}

extension IMAPParseCursor {
    // mailbox         = "INBOX" / astring
    //                     ; INBOX is case insensitive.                  (RFC 9051 §9)
    mutating func parseMailbox() throws(IMAPParseError) -> IMAPMailboxName {
        let start = index
        let raw = try parseAstring("a mailbox name")
        return IMAPMailboxName(try decodeMailboxName(raw, at: start))
    }

    // list-mailbox    = 1*list-char / string                              (RFC 9051 §9)
    mutating func parseListMailbox() throws(IMAPParseError) -> String {
        let start = index
        let raw: [UInt8]
        if let byte = peek(), byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "{") {
            raw = try parseString("a mailbox pattern")
        } else {
            while let byte = peek(), Self.isListChar(byte) { index += 1 }
            guard index > start else { throw invalidCharacterError(expected: "a mailbox pattern") }
            raw = Array(bytes[start..<index])
        }
        return try decodeMailboxName(raw, at: start)
    }

    /// UTF-8 after UTF8=ACCEPT / IMAP4rev2, strict modified UTF-7 otherwise; controls refused.
    func decodeMailboxName(_ raw: [UInt8], at start: Int) throws(IMAPParseError) -> String {
        if raw.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
            throw IMAPParseError(.syntax, "control character in mailbox name", offset: start)
        }
        switch options.mailboxEncoding {
        case .utf8:
            guard let name = String(validating: raw, as: UTF8.self) else {
                throw IMAPParseError(.syntax, "mailbox name is not valid UTF-8", offset: start)
            }
            return name
        case .modifiedUTF7:
            do {
                return try MailboxNameCodec.decode(raw)
            } catch .invalidCharacter {
                throw IMAPParseError(.syntax, "8-bit mailbox name requires UTF8=ACCEPT (use modified UTF-7)", offset: start)
            } catch {
                throw IMAPParseError(.syntax, "invalid modified UTF-7 in mailbox name", offset: start)
            }
        }
    }
}
