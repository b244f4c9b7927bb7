// The completion responses OK, NO and BYE (RFC 5804 §4 response-ok / response-nobye).

import NIOCore

/// One completion result with an optional response code and human-readable text.
public struct ManageSieveResponse: Sendable, Equatable, CustomStringConvertible {
    public enum Status: String, Sendable {
        case ok = "OK", no = "NO", bye = "BYE"
    }

    public var status: Status
    public var code: ManageSieveResponseCode?
    public var text: String?

    public init(_ status: Status, code: ManageSieveResponseCode? = nil, _ text: String? = nil) {
        self.status = status
        self.code = code
        self.text = text
    }

    public static func ok(_ text: String? = nil, code: ManageSieveResponseCode? = nil) -> Self { .init(.ok, code: code, text) }
    public static func no(_ text: String, code: ManageSieveResponseCode? = nil) -> Self { .init(.no, code: code, text) }
    public static func bye(_ text: String, code: ManageSieveResponseCode? = nil) -> Self { .init(.bye, code: code, text) }

    // response-ok    = "OK" [SP "(" resp-code ")"] [SP string] CRLF
    // response-nobye = ("NO" / "BYE") [SP "(" resp-code ")"] [SP string] CRLF
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeString(status.rawValue)
        if let code {
            buffer.writeString(" (")
            code.encode(into: &buffer)
            buffer.writeString(")")
        }
        if let text {
            buffer.writeString(" ")
            ManageSieveString.encode(text, into: &buffer)
        }
        buffer.writeString("\r\n")
    }

    public var description: String {
        var buffer = ByteBuffer()
        encode(into: &buffer)
        return String(decoding: buffer.readableBytesView.dropLast(2), as: UTF8.self)
    }
}
