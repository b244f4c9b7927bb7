// The FETCH items that carry message octets: BODY[...], BINARY[...] and the RFC822 forms.

import NIOCore

/// The name of a FETCH item that carries message octets, and how it is written.
enum IMAPFetchDataItemName {
    case bodySection(IMAPSection, origin: UInt64?)
    case binary(part: [UInt32], origin: UInt64?)
    case rfc822, rfc822Header, rfc822Text

    func item(data: [UInt8]) -> IMAPFetchItem {
        switch self {
        case .bodySection(let section, let origin): return .bodySection(section, origin: origin, data: data)
        case .binary(let part, let origin): return .binary(part: part, origin: origin, data: data)
        case .rfc822: return .rfc822(data)
        case .rfc822Header: return .rfc822Header(data)
        case .rfc822Text: return .rfc822Text(data)
        }
    }

    /// The item name and the space before its value, as `IMAPResponseEncoder.writeFetchItem` writes them.
    func write(into buffer: inout ByteBuffer) {
        switch self {
        case .bodySection(let section, let origin):
            buffer.writeStaticString("BODY[")
            section.write(into: &buffer)
            buffer.writeInteger(UInt8(ascii: "]"))
            if let origin { buffer.writeString("<\(origin)>") }
        case .binary(let part, let origin):
            buffer.writeString("BINARY[\(part.map(String.init).joined(separator: "."))]")
            if let origin { buffer.writeString("<\(origin)>") }
        case .rfc822: buffer.writeString("RFC822")
        case .rfc822Header: buffer.writeString("RFC822.HEADER")
        case .rfc822Text: buffer.writeString("RFC822.TEXT")
        }
        buffer.writeString(" ")
    }
}
