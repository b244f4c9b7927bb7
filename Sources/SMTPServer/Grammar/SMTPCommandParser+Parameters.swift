// ESMTP parameters of MAIL and RCPT: SIZE (RFC 1870), BODY (RFC 1652, RFC 3030), SMTPUTF8
// (RFC 6531), and the DSN parameters RET, ENVID, NOTIFY, ORCPT (RFC 3461 §4).

extension SMTPCommandParser {
    // Mail-parameters  = esmtp-param *(SP esmtp-param)
    // esmtp-param    = esmtp-keyword ["=" esmtp-value]
    // esmtp-keyword  = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
    // esmtp-value    = 1*(%d33-60 / %d62-126)     (any UTF-8 too with SMTPUTF8, RFC 6531 §3.3)
    static func parseESMTPParameters(_ cursor: inout SMTPByteCursor) throws(SMTPCommandError) -> [(String, String?)] {
        var parameters: [(String, String?)] = []
        while true {
            let spaces = cursor.consume { $0 == UInt8(ascii: " ") }
            if cursor.isAtEnd { break }
            guard !spaces.isEmpty else { throw .syntax("expected a space before parameters") }
            let keyword = cursor.consume { $0.isASCIIAlpha || $0.isASCIIDigit || $0 == UInt8(ascii: "-") }
            guard let first = keyword.first, first != UInt8(ascii: "-") else { throw .syntax("bad parameter") }
            let name = String(decoding: keyword.map(SMTPByteCursor.asciiUppercased), as: UTF8.self)
            var value: String?
            if cursor.consume(UInt8(ascii: "=")) {
                let bytes = cursor.consume { ($0 >= 33 && $0 != UInt8(ascii: "=") && $0 != 127) }
                guard !bytes.isEmpty, let text = String(validating: bytes, as: UTF8.self) else {
                    throw .syntax("bad value for \(name)")
                }
                value = text
            }
            guard cursor.isAtEnd || cursor.peek() == UInt8(ascii: " ") else { throw .syntax("bad parameter \(name)") }
            // RFC 5321 §4.1.1.11 does not allow a parameter twice; taking the last one would hide abuse.
            guard !parameters.contains(where: { $0.0 == name }) else { throw .syntax("duplicate \(name)") }
            parameters.append((name, value))
        }
        return parameters
    }

    static func parseMailParameters(_ cursor: inout SMTPByteCursor, into envelope: inout SMTPEnvelope) throws(SMTPCommandError) {
        for (name, value) in try parseESMTPParameters(&cursor) {
            switch name {
            // size-value ::= 1*20DIGIT                                       (RFC 1870 §5)
            case "SIZE":
                guard let value, !value.isEmpty, value.count <= 20, value.utf8.allSatisfy(\.isASCIIDigit) else {
                    throw .syntax("SIZE needs a number")
                }
                // More digits than an Int holds is "too large" all the same.
                envelope.declaredSize = Int(value) ?? Int.max
            // body-value ::= "7BIT" / "8BITMIME" / "BINARYMIME"           (RFC 1652 §3, RFC 3030 §3)
            case "BODY":
                guard let upper = value?.uppercased(), ["7BIT", "8BITMIME", "BINARYMIME"].contains(upper) else {
                    throw .syntax("BODY must be 7BIT, 8BITMIME or BINARYMIME")
                }
                envelope.body = upper
            // "SMTPUTF8" takes no value                                       (RFC 6531 §3.4)
            case "SMTPUTF8":
                guard value == nil else { throw .syntax("SMTPUTF8 takes no value") }
                envelope.smtpUTF8 = true
            // ret-value = "FULL" / "HDRS"                                     (RFC 3461 §4.3)
            case "RET":
                guard let upper = value?.uppercased(), upper == "FULL" || upper == "HDRS" else {
                    throw .syntax("RET must be FULL or HDRS")
                }
                envelope.dsnReturn = upper
            // envid-value = xtext, at most 100 characters                      (RFC 3461 §4.4)
            case "ENVID":
                guard let value, value.utf8.count <= 100, let decoded = decodeXtext(value) else {
                    throw .syntax("bad ENVID")
                }
                envelope.dsnEnvelopeID = decoded
            default:
                throw .unknownParameter(name)
            }
        }
    }

    static func parseRcptParameters(_ cursor: inout SMTPByteCursor, into recipient: inout SMTPRecipient) throws(SMTPCommandError) {
        for (name, value) in try parseESMTPParameters(&cursor) {
            switch name {
            // notify-esmtp-value  = "NEVER" / 1#notify-list-element
            // notify-list-element = "SUCCESS" / "FAILURE" / "DELAY"          (RFC 3461 §4.1)
            case "NOTIFY":
                guard let upper = value?.uppercased() else { throw .syntax("NOTIFY needs a value") }
                let elements = upper.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                let valid = elements == ["NEVER"]
                    || (!elements.isEmpty && Set(elements).count == elements.count
                        && elements.allSatisfy { ["SUCCESS", "FAILURE", "DELAY"].contains($0) })
                guard valid else { throw .syntax("bad NOTIFY") }
                recipient.notify = upper
            // orcpt-parameter = "ORCPT=" original-recipient-address
            // original-recipient-address = addr-type ";" xtext               (RFC 3461 §4.2)
            // addr-type = atom
            case "ORCPT":
                guard let value, value.utf8.count <= 500,
                      let semicolon = value.firstIndex(of: ";"),
                      !value[..<semicolon].isEmpty,
                      let address = decodeXtext(String(value[value.index(after: semicolon)...])) else {
                    throw .syntax("bad ORCPT")
                }
                recipient.originalRecipient = String(value[..<semicolon]) + ";" + address
            default:
                throw .unknownParameter(name)
            }
        }
    }

    // xtext = *( xchar / hexchar )
    // xchar = any ASCII CHAR between "!" (33) and "~" (126) inclusive, except for "+" and "=".
    // hexchar = ASCII "+" immediately followed by two upper case hexadecimal digits   (RFC 3461 §4)
    /// Returns nil for malformed xtext.
    // todo(rfc): RFC 6533 §3 utf-8-addr-xtext / unitext forms of ORCPT are not decoded.
    static func decodeXtext(_ text: String) -> String? {
        var output: [UInt8] = []
        var bytes = text.utf8.makeIterator()
        while let byte = bytes.next() {
            switch byte {
            case UInt8(ascii: "+"):
                guard let high = bytes.next().flatMap(hexValue), let low = bytes.next().flatMap(hexValue) else {
                    return nil
                }
                output.append(high << 4 | low)
            case 33...126 where byte != UInt8(ascii: "="):
                output.append(byte)
            default:
                return nil
            }
        }
        return String(validating: output, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
