// Paths and mailboxes of RFC 5321 §4.1.2, with the UTF-8 forms of RFC 6531 §3.3.

extension SMTPCommandParser {
    /// A parsed mailbox as the envelope stores it, and whether it needs SMTPUTF8.
    struct ParsedPath: Equatable {
        var address: String
        var isNonASCII: Bool
    }

    // Reverse-path   = Path / "<>"
    static func parseReversePath(_ cursor: inout SMTPByteCursor) throws(SMTPCommandError) -> ParsedPath {
        if cursor.consumeCaseInsensitive("<>") { return ParsedPath(address: "", isNonASCII: false) }
        return try parsePath(&cursor)
    }

    // Forward-path   = Path
    static func parseForwardPath(_ cursor: inout SMTPByteCursor) throws(SMTPCommandError) -> ParsedPath {
        try parsePath(&cursor)
    }

    // Path           = "<" [ A-d-l ":" ] Mailbox ">"
    static func parsePath(_ cursor: inout SMTPByteCursor) throws(SMTPCommandError) -> ParsedPath {
        guard cursor.consume(UInt8(ascii: "<")) else { throw .syntax("address must be in <>") }
        if cursor.peek() == UInt8(ascii: "@") {
            // RFC 5321 §4.1.1.2 / Appendix C: source routes MUST be accepted and SHOULD be ignored.
            try parseADL(&cursor)
            guard cursor.consume(UInt8(ascii: ":")) else { throw .syntax("bad source route") }
        }
        let mailbox = try parseMailbox(&cursor)
        guard cursor.consume(UInt8(ascii: ">")) else { throw .syntax("address must end with >") }
        return mailbox
    }

    // A-d-l          = At-domain *( "," At-domain )
    // At-domain      = "@" Domain
    static func parseADL(_ cursor: inout SMTPByteCursor) throws(SMTPCommandError) {
        repeat {
            guard cursor.consume(UInt8(ascii: "@")) else { throw .syntax("bad source route") }
            _ = try parseDomain(&cursor)
        } while cursor.consume(UInt8(ascii: ","))
    }

    // Mailbox        = Local-part "@" ( Domain / address-literal )
    static func parseMailbox(_ cursor: inout SMTPByteCursor) throws(SMTPCommandError) -> ParsedPath {
        let local = try parseLocalPart(&cursor)
        guard cursor.consume(UInt8(ascii: "@")) else { throw .syntax("address needs a domain") }
        let domain: ParsedPath
        if cursor.peek() == UInt8(ascii: "[") {
            domain = ParsedPath(address: try parseAddressLiteral(&cursor), isNonASCII: false)
        } else {
            domain = try parseDomain(&cursor)
        }
        // RFC 5321 §4.5.3.1.1 / §4.5.3.1.2: 64 octets of local part, 255 of domain.
        guard local.address.utf8.count <= 64 + 2, domain.address.utf8.count <= 255 else {
            throw .syntax("address too long")
        }
        return ParsedPath(address: local.address + "@" + domain.address,
                          isNonASCII: local.isNonASCII || domain.isNonASCII)
    }

    // Local-part     = Dot-string / Quoted-string
    // Dot-string     = Atom *("."  Atom)
    // Atom           = 1*atext            (atext also takes UTF8-non-ascii, RFC 6531 §3.3)
    static func parseLocalPart(_ cursor: inout SMTPByteCursor) throws(SMTPCommandError) -> ParsedPath {
        if cursor.peek() == UInt8(ascii: "\"") { return try parseQuotedString(&cursor) }
        let start = cursor.index
        repeat {
            guard !cursor.consume(while: isAtext).isEmpty else { throw .syntax("bad local part") }
        } while cursor.consume(UInt8(ascii: "."))
        let bytes = cursor.bytes[start..<cursor.index]
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .syntax("invalid UTF-8") }
        return ParsedPath(address: text, isNonASCII: bytes.contains { $0 >= 0x80 })
    }

    // Quoted-string  = DQUOTE *QcontentSMTP DQUOTE
    // QcontentSMTP   = qtextSMTP / quoted-pairSMTP
    // quoted-pairSMTP  = %d92 %d32-126
    // qtextSMTP      = %d32-33 / %d35-91 / %d93-126
    /// A quoted local part whose content is a plain Dot-string is returned unquoted: the two forms
    /// are the same mailbox (RFC 5321 §4.1.2 says the quoted form SHOULD NOT be used then). Any
    /// other quoted local part keeps its quotes and escapes exactly as sent.
    static func parseQuotedString(_ cursor: inout SMTPByteCursor) throws(SMTPCommandError) -> ParsedPath {
        let start = cursor.index
        guard cursor.consume(UInt8(ascii: "\"")) else { throw .syntax("expected quote") }
        var content: [UInt8] = []
        while true {
            guard let byte = cursor.next() else { throw .syntax("unterminated quoted string") }
            switch byte {
            case UInt8(ascii: "\""):
                let verbatim = cursor.bytes[start..<cursor.index]
                let isNonASCII = verbatim.contains { $0 >= 0x80 }
                if isDotString(content), let plain = String(validating: content, as: UTF8.self) {
                    return ParsedPath(address: plain, isNonASCII: isNonASCII)
                }
                guard let text = String(validating: verbatim, as: UTF8.self) else { throw .syntax("invalid UTF-8") }
                return ParsedPath(address: text, isNonASCII: isNonASCII)
            case UInt8(ascii: "\\"):
                guard let escaped = cursor.next(), escaped >= 32, escaped <= 126 else {
                    throw .syntax("bad quoted pair")
                }
                content.append(escaped)
            case 32...126, 0x80...0xFF:
                content.append(byte)
            default:
                throw .syntax("bad character in quoted string")
            }
        }
    }

    // Domain         = sub-domain *("." sub-domain)
    // sub-domain     = Let-dig [Ldh-str]     (or a U-label, RFC 6531 §3.3)
    // Let-dig        = ALPHA / DIGIT
    // Ldh-str        = *( ALPHA / DIGIT / "-" ) Let-dig
    static func parseDomain(_ cursor: inout SMTPByteCursor) throws(SMTPCommandError) -> ParsedPath {
        let start = cursor.index
        repeat {
            let label = cursor.consume { $0.isASCIIAlpha || $0.isASCIIDigit || $0 == UInt8(ascii: "-") || $0 >= 0x80 }
            guard let first = label.first, let last = label.last,
                  first != UInt8(ascii: "-"), last != UInt8(ascii: "-"), label.count <= 63 else {
                throw .syntax("bad domain")
            }
        } while cursor.consume(UInt8(ascii: "."))
        let bytes = cursor.bytes[start..<cursor.index]
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .syntax("invalid UTF-8") }
        return ParsedPath(address: text, isNonASCII: bytes.contains { $0 >= 0x80 })
    }

    // address-literal  = "[" ( IPv4-address-literal /
    //                  IPv6-address-literal /
    //                  General-address-literal ) "]"
    // IPv4-address-literal  = Snum 3("."  Snum)
    // IPv6-address-literal  = "IPv6:" IPv6-addr
    // General-address-literal  = Standardized-tag ":" 1*dcontent
    // dcontent       = %d33-90 / %d94-126
    /// Checked for shape (dcontent only, a dotted quad or a tagged literal); the literal is kept as sent.
    static func parseAddressLiteral(_ cursor: inout SMTPByteCursor) throws(SMTPCommandError) -> String {
        let start = cursor.index
        guard cursor.consume(UInt8(ascii: "[")) else { throw .syntax("bad address literal") }
        let content = cursor.consume { ($0 >= 33 && $0 <= 90) || ($0 >= 94 && $0 <= 126) }
        guard cursor.consume(UInt8(ascii: "]")), !content.isEmpty else { throw .syntax("bad address literal") }
        let text = String(decoding: content, as: UTF8.self)
        if !text.contains(":") {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            let isIPv4 = parts.count == 4 && parts.allSatisfy { part in
                !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCII) && (UInt16(part).map { $0 <= 255 } ?? false)
            }
            guard isIPv4 else { throw .syntax("bad address literal") }
        }
        return String(decoding: cursor.bytes[start..<cursor.index], as: UTF8.self)
    }

    // atext = ALPHA / DIGIT / "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "/" / "=" /
    //         "?" / "^" / "_" / "`" / "{" / "|" / "}" / "~"        (RFC 5322 §3.2.3)
    static func isAtext(_ byte: UInt8) -> Bool {
        if byte.isASCIIAlpha || byte.isASCIIDigit || byte >= 0x80 { return true }
        return Array("!#$%&'*+-/=?^_`{|}~".utf8).contains(byte)
    }

    static func isDotString(_ bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty else { return false }
        let atoms = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return atoms.allSatisfy { !$0.isEmpty && $0.allSatisfy(isAtext) }
    }
}
