// Turns one command line (CRLF already removed by the framing handler) into an `SMTPCommand`.

/// Parses SMTP/LMTP command lines, RFC 5321 §4.1.1 and the extension RFCs. Stateless: whether a
/// command is allowed now is the state machine's business, not the grammar's.
public enum SMTPCommandParser {
    /// Parses one line without its CRLF. Throws the error whose `reply` the client should get.
    public static func parse(_ line: [UInt8]) throws(SMTPCommandError) -> SMTPCommand {
        // RFC 5321 §2.3.8 / §4.1.1: commands are printable text; NUL and other controls (except the
        // HTAB some clients put before parameters) are a protocol error, never passed on.
        for byte in line where byte < 0x20 && byte != 0x09 || byte == 0x7F {
            throw .invalidCharacters
        }
        var cursor = SMTPByteCursor(line)
        let verbBytes = cursor.consume { $0 != UInt8(ascii: " ") }
        let verb = String(decoding: verbBytes.map(SMTPByteCursor.asciiUppercased), as: UTF8.self)
        switch verb {
        case "EHLO": return .ehlo(try parseHelloArgument(&cursor, verb: verb))
        case "HELO": return .helo(try parseHelloArgument(&cursor, verb: verb))
        case "LHLO": return .lhlo(try parseHelloArgument(&cursor, verb: verb))
        case "MAIL": return .mail(try parseMail(&cursor))
        case "RCPT": return .rcpt(try parseRcpt(&cursor))
        case "DATA": try parseNoArgument(&cursor, verb: verb); return .data
        case "BDAT": return try parseBdat(&cursor)
        case "RSET": try parseNoArgument(&cursor, verb: verb); return .rset
        case "QUIT": try parseNoArgument(&cursor, verb: verb); return .quit
        case "STARTTLS": try parseNoArgument(&cursor, verb: verb); return .startTLS
        // noop = "NOOP" [ SP String ] CRLF   (RFC 5321 §4.1.1.9: the argument is ignored)
        case "NOOP": return .noop
        case "VRFY": return .vrfy(try parseStringArgument(&cursor, verb: verb))
        case "EXPN": return .expn(try parseStringArgument(&cursor, verb: verb))
        // help = "HELP" [ SP String ] CRLF
        case "HELP":
            _ = cursor.consume(UInt8(ascii: " "))
            let topic = String(decoding: cursor.remaining, as: UTF8.self)
            return .help(topic.isEmpty ? nil : topic)
        // auth = "AUTH" SP sasl-mech [SP initial-response]   (RFC 4954 §4)
        case "AUTH":
            guard cursor.consume(UInt8(ascii: " ")) else { throw .syntax("AUTH needs a mechanism") }
            let mechanism = cursor.consume { $0 != UInt8(ascii: " ") }
            guard !mechanism.isEmpty else { throw .syntax("AUTH needs a mechanism") }
            return .auth(mechanism: String(decoding: mechanism.map(SMTPByteCursor.asciiUppercased), as: UTF8.self))
        default:
            throw .unrecognizedCommand
        }
    }

    // ehlo = "EHLO" SP ( Domain / address-literal ) CRLF
    // helo = "HELO" SP Domain CRLF
    // RFC 5321 §4.1.4: a server MUST NOT refuse a session because the name does not match its
    // peer; the name only goes into Received. So any printable token is taken (Windows hosts send
    // "EHLO MY_PC"), and only an absent name is a syntax error.
    static func parseHelloArgument(_ cursor: inout SMTPByteCursor, verb: String) throws(SMTPCommandError) -> String {
        _ = cursor.consume { $0 == UInt8(ascii: " ") }
        let name = cursor.consume { $0 > 0x20 }
        _ = cursor.consume { $0 == UInt8(ascii: " ") || $0 == 0x09 }
        guard !name.isEmpty, cursor.isAtEnd else { throw .syntax("\(verb) requires one domain name") }
        guard let text = String(validating: name, as: UTF8.self) else { throw .syntax("invalid UTF-8") }
        return text
    }

    // vrfy = "VRFY" SP String CRLF
    // expn = "EXPN" SP String CRLF
    static func parseStringArgument(_ cursor: inout SMTPByteCursor, verb: String) throws(SMTPCommandError) -> String {
        guard cursor.consume(UInt8(ascii: " ")), !cursor.isAtEnd else { throw .syntax("\(verb) needs an argument") }
        guard let text = String(validating: cursor.remaining, as: UTF8.self) else { throw .syntax("invalid UTF-8") }
        return text
    }

    // data = "DATA" CRLF ; rset = "RSET" CRLF ; quit = "QUIT" CRLF ; "STARTTLS" CRLF (RFC 3207 §4)
    static func parseNoArgument(_ cursor: inout SMTPByteCursor, verb: String) throws(SMTPCommandError) {
        // Trailing blanks are tolerated: some clients send "DATA " and nothing is ambiguous.
        _ = cursor.consume { $0 == UInt8(ascii: " ") || $0 == 0x09 }
        guard cursor.isAtEnd else { throw .syntax("\(verb) takes no argument") }
    }

    // bdat-cmd   ::= "BDAT" SP chunk-size [ SP end-marker ] CRLF
    // chunk-size ::= 1*DIGIT
    // end-marker ::= "LAST"                                   (RFC 3030 §2)
    static func parseBdat(_ cursor: inout SMTPByteCursor) throws(SMTPCommandError) -> SMTPCommand {
        guard cursor.consume(UInt8(ascii: " ")) else { throw .syntax("BDAT needs a chunk size") }
        let digits = cursor.consume { $0.isASCIIDigit }
        // 18 digits always fit an Int; a longer size is larger than any message we would take.
        guard !digits.isEmpty, digits.count <= 18 else { throw .syntax("invalid BDAT chunk size") }
        let size = digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        var last = false
        if cursor.consume(UInt8(ascii: " ")) {
            guard cursor.consumeCaseInsensitive("LAST") else { throw .syntax("expected LAST") }
            last = true
        }
        _ = cursor.consume { $0 == UInt8(ascii: " ") }
        guard cursor.isAtEnd else { throw .syntax("unexpected text after BDAT") }
        return .bdat(size: size, last: last)
    }

    // mail = "MAIL FROM:" Reverse-path [SP Mail-parameters] CRLF
    static func parseMail(_ cursor: inout SMTPByteCursor) throws(SMTPCommandError) -> SMTPEnvelope {
        guard cursor.consumeCaseInsensitive(" FROM:") else { throw .syntax("expected MAIL FROM:<address>") }
        // Not in the grammar, but widespread ("MAIL FROM: <a@b>"); accepting it harms nothing.
        _ = cursor.consume { $0 == UInt8(ascii: " ") }
        let path = try parseReversePath(&cursor)
        var envelope = SMTPEnvelope(reversePath: path.address)
        try parseMailParameters(&cursor, into: &envelope)
        // RFC 6531 §3.4: a UTF-8 reverse-path is only allowed with the SMTPUTF8 parameter.
        if path.isNonASCII && !envelope.smtpUTF8 { throw .nonASCIIAddress }
        return envelope
    }

    // rcpt = "RCPT TO:" ( "<Postmaster@" Domain ">" / "<Postmaster>" /
    //             Forward-path ) [SP Rcpt-parameters] CRLF
    static func parseRcpt(_ cursor: inout SMTPByteCursor) throws(SMTPCommandError) -> SMTPRecipient {
        guard cursor.consumeCaseInsensitive(" TO:") else { throw .syntax("expected RCPT TO:<address>") }
        _ = cursor.consume { $0 == UInt8(ascii: " ") }
        let address: String
        if cursor.consumeCaseInsensitive("<postmaster>") {
            // RFC 5321 §4.5.1: the domain-less postmaster must be accepted.
            address = "postmaster"
        } else {
            let path = try parseForwardPath(&cursor)
            address = path.address
        }
        var recipient = SMTPRecipient(address: address)
        try parseRcptParameters(&cursor, into: &recipient)
        return recipient
    }
}
