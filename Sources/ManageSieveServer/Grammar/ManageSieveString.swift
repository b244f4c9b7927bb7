// Server-to-client strings (RFC 5804 §4 `string`): quoted when short and simple, literal otherwise.

import NIOCore

/// Encodes a value as `quoted` or `literal-s2c`.
public enum ManageSieveString {
    /// Appends `bytes` as a string: quoted when it is at most 1024 octets without CR, LF or NUL
    /// (RFC 5804 §4 `quoted`), else as `{n}` CRLF followed by the octets.
    public static func encode(_ bytes: some Collection<UInt8>, into buffer: inout ByteBuffer) {
        let quotable = bytes.count <= ManageSieveTokenizer.maxQuotedLength
            && !bytes.contains(where: { $0 == 0x00 || $0 == 0x0A || $0 == 0x0D })
        if quotable {
            buffer.writeInteger(UInt8(ascii: "\""))
            for byte in bytes {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { buffer.writeInteger(UInt8(ascii: "\\")) }
                buffer.writeInteger(byte)
            }
            buffer.writeInteger(UInt8(ascii: "\""))
        } else {
            // literal-s2c = "{" number "}" CRLF *OCTET
            buffer.writeString("{\(bytes.count)}\r\n")
            buffer.writeBytes(bytes)
        }
    }

    public static func encode(_ text: String, into buffer: inout ByteBuffer) {
        encode(text.utf8, into: &buffer)
    }
}
