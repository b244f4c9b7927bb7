// Where a TOP response ends inside a stored message (RFC 1939 §7).

/// Finds the end of "the headers of the message, the blank line separating the headers from the
/// body, and then the number of lines of the indicated message's body" (RFC 1939 §7, TOP).
public enum POP3MessageExtent {
    /// The number of leading bytes of `message` that TOP with `bodyLines` sends. A message with no
    /// blank line is all header; a body shorter than `bodyLines` is sent whole.
    public static func topLength(of message: [UInt8], bodyLines: Int) -> Int {
        let newline = UInt8(ascii: "\n")
        var index = 0
        // The header: up to and including the first empty line (CRLF or a bare LF).
        while index < message.count {
            guard let lineEnd = message[index...].firstIndex(of: newline) else { return message.count }
            let lineLength = lineEnd - index
            index = lineEnd + 1
            if lineLength == 0 || (lineLength == 1 && message[lineEnd - 1] == UInt8(ascii: "\r")) { break }
        }
        var remaining = bodyLines
        while remaining > 0 && index < message.count {
            guard let lineEnd = message[index...].firstIndex(of: newline) else { return message.count }
            index = lineEnd + 1
            remaining -= 1
        }
        return index
    }
}
