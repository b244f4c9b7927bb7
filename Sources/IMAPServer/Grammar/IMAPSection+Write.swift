// The wire form of a section written straight into the response buffer.

import NIOCore

extension IMAPSection {
    /// Writes `description` (e.g. `1.2.HEADER.FIELDS (FROM TO)`) without building it: the name of
    /// every BODY[HEADER.FIELDS (...)] item of a FETCH was a joined String per message (issue 8).
    func write(into buffer: inout ByteBuffer) {
        for (index, number) in part.enumerated() {
            if index > 0 { buffer.writeInteger(UInt8(ascii: ".")) }
            buffer.writeString(String(number))
        }
        guard let text else { return }
        if !part.isEmpty { buffer.writeInteger(UInt8(ascii: ".")) }
        switch text {
        case .header: buffer.writeStaticString("HEADER")
        case .text: buffer.writeStaticString("TEXT")
        case .mime: buffer.writeStaticString("MIME")
        case .headerFields(let fields):
            buffer.writeStaticString("HEADER.FIELDS (")
            Self.writeNames(fields, into: &buffer)
        case .headerFieldsNot(let fields):
            buffer.writeStaticString("HEADER.FIELDS.NOT (")
            Self.writeNames(fields, into: &buffer)
        }
    }

    private static func writeNames(_ names: [String], into buffer: inout ByteBuffer) {
        for (index, name) in names.enumerated() {
            if index > 0 { buffer.writeInteger(UInt8(ascii: " ")) }
            buffer.writeString(name)
        }
        buffer.writeInteger(UInt8(ascii: ")"))
    }
}
