// RFC 1939 §3 responses: a status indicator, an optional RFC 2449 §8 response code, text, and for
// multi-line responses the dot-stuffed lines and the terminating ".".

import NIOCore

/// One response, single-line or multi-line. Message contents (RETR/TOP) are not built as a
/// response: they are streamed by the connection through `POP3DotStuffer`.
public struct POP3Response: Sendable, Equatable, CustomStringConvertible {
    /// RFC 2449 §8 extended response codes, and RFC 3206's.
    public enum Code: String, Sendable, Equatable {
        case inUse = "IN-USE"               // RFC 2449 §8.1.2
        case loginDelay = "LOGIN-DELAY"     // RFC 2449 §8.1.1
        case sysTemp = "SYS/TEMP"           // RFC 3206 §4
        case sysPerm = "SYS/PERM"           // RFC 3206 §4
        case auth = "AUTH"                  // RFC 3206 §5
        case utf8 = "UTF8"                  // RFC 6856 §5
    }

    public var ok: Bool
    public var code: Code?
    public var text: String
    /// nil: single-line. Otherwise the lines of a multi-line response, without dot-stuffing.
    public var lines: [String]?

    public init(ok: Bool, code: Code? = nil, text: String, lines: [String]? = nil) {
        self.ok = ok
        self.code = code
        self.text = text
        self.lines = lines
    }

    public static func ok(_ text: String, lines: [String]? = nil) -> POP3Response {
        POP3Response(ok: true, text: text, lines: lines)
    }

    public static func err(_ text: String, code: Code? = nil) -> POP3Response {
        POP3Response(ok: false, code: code, text: text)
    }

    /// The first line as sent, without CRLF.
    public var description: String {
        var line = ok ? "+OK" : "-ERR"
        if let code { line += " [\(code.rawValue)]" }
        if !text.isEmpty { line += " " + text }
        return line
    }

    /// RFC 1939 §3: status line, then each line byte-stuffed, then CRLF "." CRLF.
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeString(description)
        buffer.writeString("\r\n")
        guard let lines else { return }
        for line in lines {
            if line.utf8.first == UInt8(ascii: ".") { buffer.writeInteger(UInt8(ascii: ".")) }
            buffer.writeString(line)
            buffer.writeString("\r\n")
        }
        buffer.writeString(".\r\n")
    }
}
