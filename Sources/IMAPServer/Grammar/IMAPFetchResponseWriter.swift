// Writes one `* n FETCH (...)` response item by item, so large bodies can be streamed.

import NIOCore

/// Builds a FETCH response incrementally. For a body the session streams from the store, it
/// writes the item's prefix and literal header with `writeStreamedSectionHeader`, then the
/// octets itself, then any further items, then `finish`:
///
///     var writer = IMAPFetchResponseWriter(sequenceNumber: 12, encoder: encoder, into: &buffer)
///     writer.write(.uid(7), into: &buffer)
///     writer.writeStreamedSectionHeader(.bodySection(IMAPSection(part: [1, 2]), origin: 0, octets: n), into: &buffer)
///     // flush buffer, then write exactly n octets of the part
///     writer.write(.flags([.seen]), into: &buffer)
///     writer.finish(into: &buffer)            // ")\r\n"
public struct IMAPFetchResponseWriter: Sendable {
    /// Which streamed item a literal header is for.
    public enum StreamedItem: Sendable, Equatable {
        /// `BODY[section]<origin> {n}`
        case bodySection(IMAPSection, origin: UInt64?, octets: Int)
        /// `BINARY[part]<origin> ~{n}` (literal8: binary content may contain NUL).
        case binary(part: [UInt32], origin: UInt64?, octets: Int)
        /// `RFC822 {n}` (IMAP4rev1).
        case rfc822(octets: Int)
    }

    private let encoder: IMAPResponseEncoder
    private var isFirst = true

    // message-data    = nz-number SP ("EXPUNGE" / ("FETCH" SP msg-att))
    // msg-att         = "(" (msg-att-dynamic / msg-att-static)
    //                    *(SP (msg-att-dynamic / msg-att-static)) ")"   (RFC 9051 §9)
    /// Writes `* n FETCH (`.
    public init(sequenceNumber: UInt32, encoder: IMAPResponseEncoder, into buffer: inout ByteBuffer) {
        self.encoder = encoder
        buffer.writeString("* \(sequenceNumber) FETCH (")
    }

    public mutating func write(_ item: IMAPFetchItem, into buffer: inout ByteBuffer) {
        separate(&buffer)
        encoder.writeFetchItem(item, into: &buffer)
    }

    /// Writes the item name and literal header; the caller then writes exactly `octets` octets.
    public mutating func writeStreamedSectionHeader(_ item: StreamedItem, into buffer: inout ByteBuffer) {
        separate(&buffer)
        switch item {
        case .bodySection(let section, let origin, let octets):
            buffer.writeString("BODY[\(section)]")
            if let origin { buffer.writeString("<\(origin)>") }
            buffer.writeString(" ")
            encoder.writeLiteralHeader(octets: octets, binary: false, into: &buffer)
        case .binary(let part, let origin, let octets):
            buffer.writeString("BINARY[\(part.map(String.init).joined(separator: "."))]")
            if let origin { buffer.writeString("<\(origin)>") }
            buffer.writeString(" ")
            encoder.writeLiteralHeader(octets: octets, binary: true, into: &buffer)
        case .rfc822(let octets):
            buffer.writeString("RFC822 ")
            encoder.writeLiteralHeader(octets: octets, binary: false, into: &buffer)
        }
    }

    /// Writes `)` CRLF.
    public func finish(into buffer: inout ByteBuffer) {
        buffer.writeString(")\r\n")
    }

    private mutating func separate(_ buffer: inout ByteBuffer) {
        if !isFirst { buffer.writeString(" ") }
        isFirst = false
    }
}
