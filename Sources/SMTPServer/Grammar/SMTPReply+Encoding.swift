// The wire form of replies (RFC 5321 §4.2) and the replies the session uses more than once.

import NIOCore

extension SMTPReply {
    /// Writes the reply: "250-first" continuation lines, "250 last" final line, each with the enhanced
    /// code (RFC 2034 §4: every line carries it) and CRLF. Text is cleaned of CR/LF so a reply can
    /// never smuggle an extra line.
    public func encode(into buffer: inout ByteBuffer) {
        for (index, line) in lines.enumerated() {
            buffer.writeString(String(code))
            buffer.writeString(index == lines.count - 1 ? " " : "-")
            if let enhancedCode {
                buffer.writeString(enhancedCode)
                if !line.isEmpty { buffer.writeString(" ") }
            }
            // Scalars, not Characters: "\r\n" is one Character and must become two spaces.
            var cleaned = String.UnicodeScalarView()
            for scalar in line.unicodeScalars { cleaned.append(scalar == "\r" || scalar == "\n" ? " " : scalar) }
            buffer.writeString(String(cleaned))
            buffer.writeString("\r\n")
        }
    }

    /// The wire bytes, for tests and logs.
    public var wireText: String {
        var buffer = ByteBufferAllocator().buffer(capacity: 64)
        encode(into: &buffer)
        return String(buffer: buffer)
    }

    /// The class dimension of `facteur_smtp_replies_total`.
    var replyClass: String {
        switch code {
        case 200..<300: "2xx"
        case 300..<400: "3xx"
        case 400..<500: "4xx"
        default: "5xx"
        }
    }

    static let ok = SMTPReply(250, "2.0.0", "Ok")
    /// RFC 5321 §4.1.4 ordering violations.
    static let badSequence = SMTPReply(503, "5.5.1", "Bad sequence of commands")
    static let lineTooLong = SMTPReply(500, "5.5.6", "Line too long")
    static let tooManyErrors = SMTPReply(421, "4.7.0", "Too many errors, closing connection")
    static let messageTooLarge = SMTPReply(552, "5.3.4", "Message size exceeds fixed maximum message size")
}
