// Answers FETCH for one message: `* n FETCH (...)` from the stored row, its summary and the bytes.
//
// Implementation notes:
// - Every item is planned first (summary, filtered headers, BINARY sizes), so an error such as
//   UNKNOWN-CTE is thrown before any octet of this message's response is emitted.
// - Metadata items never read the blob; sections read only their own octets; anything larger than
//   `chunkSize` is streamed in `chunkSize` reads, so memory per FETCH stays bounded.

import Foundation
import MailMessage
import MailStore
import NIOCore

/// Turns a stored message and the requested FETCH attributes into the bytes of one FETCH response
/// (RFC 9051 §6.4.5, §7.5.2; RFC 3516 BINARY; RFC 3501 RFC822.*; RFC 7162, 8474, 8514, 8970 items).
/// A value type holding no connection state, so one responder serves a whole FETCH command.
public struct IMAPFetchResponder: Sendable {
    public let encoder: IMAPResponseEncoder
    public let reader: any IMAPMessageReader
    /// Largest section sent from one read; larger ones are streamed in reads of this size.
    public let chunkSize: Int

    public init(encoder: IMAPResponseEncoder, reader: any IMAPMessageReader, chunkSize: Int = 65_536) {
        self.encoder = encoder
        self.reader = reader
        self.chunkSize = max(1, chunkSize)
    }

    /// Writes `* sequenceNumber FETCH (...)` for `message`, items in the order of `attributes`.
    /// Small responses are emitted as one buffer; a streamed section is emitted as the response up
    /// to its literal header, then one buffer per read, then the rest.
    public func respond(sequenceNumber: UInt32, message: StoredMessage, attributes: [IMAPFetchAttribute],
                        emit: (ByteBuffer) async throws -> Void) async throws {
        var context = Context(message: message, reader: reader)
        var planned: [PlannedItem] = []
        planned.reserveCapacity(attributes.count)
        for attribute in attributes {
            planned.append(try await plan(attribute, context: &context))
        }

        // message-data    = nz-number SP ("EXPUNGE" / ("FETCH" SP msg-att))  (RFC 9051 §9)
        // One allocation that holds a typical message-list line (UID FLAGS SIZE DATE ENVELOPE).
        var buffer = Self.allocator.buffer(capacity: 768)
        var head: [UInt8] = [UInt8(ascii: "*"), UInt8(ascii: " ")]
        IMAPResponseEncoder.appendDecimal(UInt64(sequenceNumber), to: &head)
        head.append(contentsOf: Self.fetchOpen)
        buffer.writeBytes(head)
        for (index, item) in planned.enumerated() {
            if index > 0 { buffer.writeStaticString(" ") }
            switch item {
            case .ready(let fetchItem):
                encoder.writeFetchItem(fetchItem, into: &buffer)
            case .storedEnvelope(let envelope):
                buffer.writeStaticString("ENVELOPE ")
                encoder.writeEnvelope(stored: envelope, into: &buffer)
            case .streamedOctets(let name, let range):
                name.write(into: &buffer)
                encoder.writeLiteralHeader(octets: range.count, binary: false, into: &buffer)
                try await emit(buffer)
                buffer = ByteBuffer()
                try await streamOctets(of: message, range: range, emit: emit)
            case .streamedBinary(let binary):
                IMAPFetchDataItemName.binary(part: binary.part, origin: binary.origin).write(into: &buffer)
                // RFC 3516 §4.3: a string unless the data holds NUL, then literal8.
                encoder.writeLiteralHeader(octets: binary.window.count, binary: binary.containsNUL, into: &buffer)
                try await emit(buffer)
                buffer = ByteBuffer()
                try await streamDecoded(of: message, binary: binary, emit: emit)
            }
        }
        buffer.writeString(")\r\n")
        try await emit(buffer)
    }

    /// True when the attributes set \Seen: BODY[...] and BINARY[...] without .PEEK, RFC822 and
    /// RFC822.TEXT (RFC 9051 §6.4.5, RFC 3516 §4.2, RFC 3501 §6.4.5). The session stores the flag
    /// (and reports FLAGS) itself.
    public static func setsSeen(_ attributes: [IMAPFetchAttribute]) -> Bool {
        attributes.contains { attribute in
            switch attribute {
            case .bodySection(_, _, let peek), .binary(_, _, let peek): return !peek
            case .rfc822, .rfc822Text: return true
            default: return false
            }
        }
    }

    /// True when an attribute reads the message's own header (BODY[HEADER], BODY[HEADER.FIELDS
    /// (...)], BODY[HEADER.FIELDS.NOT (...)], RFC822.HEADER): the session then reads the headers
    /// of a whole batch in one store trip (`headerRange`, `PrefetchedMessageReader`).
    public static func readsMessageHeader(_ attributes: [IMAPFetchAttribute]) -> Bool {
        attributes.contains { attribute in
            switch attribute {
            case .rfc822Header: return true
            case .bodySection(let section, _, _):
                guard section.part.isEmpty else { return false }
                switch section.text {
                case .header, .headerFields, .headerFieldsNot: return true
                default: return false
                }
            default: return false
            }
        }
    }

    /// The octets of `message` that its header occupies as the client sees it (prefix included),
    /// from the summary stored at delivery; the same range the header sections are cut from.
    public func headerRange(of message: StoredMessage) async throws -> Range<Int>? {
        Self.headerRange(of: message, summary: try await reader.summary(of: message))
    }

    /// `headerRange(of:)` for a summary the caller already has.
    public static func headerRange(of message: StoredMessage, summary: MessageSummary) -> Range<Int>? {
        headerRange(of: message, headerLength: summary.headerLength)
    }

    /// `headerRange(of:)` from the header length alone (`IMAPMessageReader.headerLength(of:)`).
    public static func headerRange(of message: StoredMessage, headerLength: Int) -> Range<Int>? {
        guard case .octets(let range) = IMAPSectionLocator.locateRootHeader(
            IMAPSection(text: .header), headerLength: headerLength, prefixLength: message.prefixLength,
            size: message.size) else { return nil }
        return range
    }

    /// RFC 8474 §5.1: the same content gives the same EMAILID, so copies (which share the stored
    /// content) keep it, as the RFC asks.
    public static func emailID(of message: StoredMessage) -> String {
        // objectid = 1*255(ALPHA / DIGIT / "_" / "-")                       (RFC 8474 §7)
        let digits = message.contentSHA256.filter { $0.isASCII && $0.isHexDigit }.prefix(24)
        guard !digits.isEmpty else { return "I\(message.id)" }
        return "M" + digits.lowercased()
    }

    private static let allocator = ByteBufferAllocator()
    private static let fetchOpen: [UInt8] = Array(" FETCH (".utf8)

    // MARK: - Planning

    /// One item of the response, with everything known that its header needs.
    private enum PlannedItem {
        case ready(IMAPFetchItem)
        /// ENVELOPE from the stored form, written without an `IMAPEnvelope` copy.
        case storedEnvelope(MailMessage.Envelope)
        /// Stored octets sent as they are, larger than `chunkSize`.
        case streamedOctets(IMAPFetchDataItemName, Range<Int>)
        case streamedBinary(StreamedBinary)
    }

    /// A BINARY section larger than `chunkSize`: decoded a second time while it is sent.
    private struct StreamedBinary {
        var part: [UInt32]
        var origin: UInt64?
        var source: IMAPSectionLocator.BinarySource
        /// The decoded octets to send.
        var window: Range<Int>
        var containsNUL: Bool
    }

    /// The summary, computed at most once per response and only when an item needs it.
    private struct Context {
        let message: StoredMessage
        let reader: any IMAPMessageReader
        private var cached: IMAPSectionLocator?

        init(message: StoredMessage, reader: any IMAPMessageReader) {
            self.message = message
            self.reader = reader
        }

        mutating func locator() async throws -> IMAPSectionLocator {
            if let cached { return cached }
            let summary = try await reader.summary(of: message)
            let locator = IMAPSectionLocator(summary: summary, prefixLength: message.prefixLength, size: message.size)
            cached = locator
            return locator
        }

        /// Where a section lies; the message's own header sections from the header length alone,
        /// unless the whole summary is already at hand.
        mutating func locate(_ section: IMAPSection) async throws -> IMAPSectionLocator.Content {
            if cached == nil, IMAPSectionLocator.isRootHeader(section),
               let content = IMAPSectionLocator.locateRootHeader(section, headerLength: try await reader.headerLength(of: message),
                                                                 prefixLength: message.prefixLength, size: message.size) {
                return content
            }
            return try await locator().locate(section)
        }

        /// The envelope alone, unless the whole summary is already at hand.
        func envelope() async throws -> MailMessage.Envelope {
            if let cached { return cached.summary.envelope }
            return try await reader.envelope(of: message)
        }
    }

    private func plan(_ attribute: IMAPFetchAttribute, context: inout Context) async throws -> PlannedItem {
        let message = context.message
        switch attribute {
        case .flags: return .ready(.flags(message.flags.map(IMAPFlag.init(stored:))))
        case .uid: return .ready(.uid(message.uid))
        case .rfc822Size: return .ready(.rfc822Size(UInt64(max(0, message.size))))
        case .internalDate:
            guard let date = IMAPDateTime(utc: message.internalDate) else { throw IMAPFetchError.storedMessageUnreadable }
            return .ready(.internalDate(date))
        case .modSequence: return .ready(.modSequence(message.modSeq))                // RFC 7162 §3.1.4.1
        case .emailID: return .ready(.emailID(Self.emailID(of: message)))              // RFC 8474 §5.1
        case .threadID: return .ready(.threadID(nil))   // todo(rfc): RFC 8474 §5.2 threads are not computed yet
        case .saveDate: return .ready(.saveDate(IMAPDateTime(utc: message.saveDate)))  // RFC 8514 §3
        case .envelope:
            return .storedEnvelope(try await context.envelope())
        case .body:
            return .ready(.body(IMAPBodyStructure(try await context.locator().summary.bodyStructure, extensible: false)))
        case .bodyStructure:
            return .ready(.bodyStructure(IMAPBodyStructure(try await context.locator().summary.bodyStructure, extensible: true)))
        case .preview:
            // RFC 8970 §3: computed at delivery, so LAZY and non-LAZY get the same answer.
            return .ready(.preview(try await context.locator().summary.preview))
        case .bodySection(let section, let partial, _):
            let content: IMAPSectionLocator.Content = section.part.isEmpty && section.text == nil
                ? .octets(0..<max(0, message.size))   // BODY[] needs no summary
                : try await context.locate(section)
            return try await planOctets(.bodySection(section, origin: partial?.offset), content: content,
                                        partial: partial, message: message)
        // RFC 3501 §6.4.5: RFC822 = BODY[], RFC822.HEADER = BODY.PEEK[HEADER], RFC822.TEXT = BODY[TEXT],
        // answered under their own IMAP4rev1 names.
        case .rfc822:
            return try await planOctets(.rfc822, content: .octets(0..<max(0, message.size)), partial: nil, message: message)
        case .rfc822Header:
            return try await planOctets(.rfc822Header, content: try await context.locate(IMAPSection(text: .header)),
                                        partial: nil, message: message)
        case .rfc822Text:
            return try await planOctets(.rfc822Text, content: try await context.locator().locate(IMAPSection(text: .text)),
                                        partial: nil, message: message)
        case .binary(let part, let partial, _):
            return try await planBinary(part: part, partial: partial, locator: try await context.locator(), message: message)
        case .binarySize(let part):
            return .ready(.binarySize(part: part, try await binarySize(part: part, locator: try await context.locator(),
                                                                        message: message)))
        }
    }

    private func planOctets(_ name: IMAPFetchDataItemName, content: IMAPSectionLocator.Content, partial: IMAPPartial?,
                            message: StoredMessage) async throws -> PlannedItem {
        switch content {
        case .missing:
            // RFC 9051 §6.4.5 gives no answer for a part that does not exist; an empty string, as
            // for a partial fetch past the end, keeps clients that fetch blindly working.
            return .ready(name.item(data: []))
        case .filteredHeader(let range, let names, let keepsMatches):
            let header = try await reader.bytes(of: message, range: range)
            let subset = IMAPHeaderFieldFilter(names: names, keepsMatches: keepsMatches).filter(header)
            // RFC 9051 §6.4.5: a partial fetch of HEADER.FIELDS is taken after subsetting.
            return .ready(name.item(data: Array(subset[Self.window(0..<subset.count, partial)])))
        case .octets(let range):
            let window = Self.window(range, partial)
            if window.count > chunkSize { return .streamedOctets(name, window) }
            return .ready(name.item(data: window.isEmpty ? [] : try await reader.bytes(of: message, range: window)))
        }
    }

    private func planBinary(part: [UInt32], partial: IMAPPartial?, locator: IMAPSectionLocator,
                            message: StoredMessage) async throws -> PlannedItem {
        guard let source = locator.binarySource(part: part) else {
            return .ready(.binary(part: part, origin: partial?.offset, data: []))
        }
        var decoder = try Self.decoder(for: source)
        if source.octets.count <= chunkSize {
            let encoded = source.octets.isEmpty ? [] : try await reader.bytes(of: message, range: source.octets)
            let decoded = decoder.decode(encoded) + decoder.finish()
            return .ready(.binary(part: part, origin: partial?.offset,
                                  data: Array(decoded[Self.window(0..<decoded.count, partial)])))
        }
        // First pass: the decoded size (for the literal header) and whether the window holds NUL.
        let wanted = Self.window(0..<Int.max, partial)
        var total = 0
        var containsNUL = false
        try await decode(source, of: message) { decoded in
            let chunk = total..<(total + decoded.count)
            let overlap = chunk.clamped(to: wanted)
            if !containsNUL, !overlap.isEmpty,
               decoded[(overlap.lowerBound - total)..<(overlap.upperBound - total)].contains(0) {
                containsNUL = true
            }
            total += decoded.count
        }
        return .streamedBinary(StreamedBinary(part: part, origin: partial?.offset, source: source,
                                              window: Self.window(0..<total, partial), containsNUL: containsNUL))
    }

    /// RFC 3516 §4.2: the size BINARY would send, CRLF normalisation of text parts included.
    private func binarySize(part: [UInt32], locator: IMAPSectionLocator, message: StoredMessage) async throws -> UInt32 {
        guard let source = locator.binarySource(part: part) else { return 0 }
        _ = try Self.decoder(for: source)    // UNKNOWN-CTE before anything is read
        var total = 0
        try await decode(source, of: message) { total += $0.count }
        return UInt32(clamping: total)
    }

    private static func decoder(for source: IMAPSectionLocator.BinarySource) throws -> IMAPTransferDecoder {
        guard let decoder = IMAPTransferDecoder(encoding: source.encoding, normalizesLineEndings: source.isText) else {
            throw IMAPFetchError.unknownTransferEncoding   // RFC 3516 §4.3: NO [UNKNOWN-CTE]
        }
        return decoder
    }

    /// `range` narrowed by a partial fetch: past the end gives an empty range (RFC 9051 §6.4.5).
    static func window(_ range: Range<Int>, _ partial: IMAPPartial?) -> Range<Int> {
        guard let partial else { return range }
        let count = UInt64(range.count)
        guard partial.offset < count else { return range.upperBound..<range.upperBound }
        let start = range.lowerBound + Int(partial.offset)
        return start..<(start + Int(min(partial.length, count - partial.offset)))
    }

    // MARK: - Reading

    private func streamOctets(of message: StoredMessage, range: Range<Int>,
                              emit: (ByteBuffer) async throws -> Void) async throws {
        var start = range.lowerBound
        while start < range.upperBound {
            let chunk = start..<min(start + chunkSize, range.upperBound)
            let bytes = try await reader.bytes(of: message, range: chunk)
            // The literal's length is already on the wire: fewer octets would break the framing.
            guard bytes.count == chunk.count else { throw IMAPFetchError.storedMessageUnreadable }
            try await emit(ByteBuffer(bytes: bytes))
            start = chunk.upperBound
        }
    }

    /// Reads `source` chunk by chunk and hands each decoded piece to `body`.
    private func decode(_ source: IMAPSectionLocator.BinarySource, of message: StoredMessage,
                        _ body: ([UInt8]) async throws -> Void) async throws {
        var decoder = try Self.decoder(for: source)
        var start = source.octets.lowerBound
        while start < source.octets.upperBound {
            let chunk = start..<min(start + chunkSize, source.octets.upperBound)
            let bytes = try await reader.bytes(of: message, range: chunk)
            guard bytes.count == chunk.count else { throw IMAPFetchError.storedMessageUnreadable }
            let decoded = decoder.decode(bytes)
            if !decoded.isEmpty { try await body(decoded) }
            start = chunk.upperBound
        }
        let rest = decoder.finish()
        if !rest.isEmpty { try await body(rest) }
    }

    /// Second pass of a streamed BINARY: decodes again and emits the octets inside the window.
    private func streamDecoded(of message: StoredMessage, binary: StreamedBinary,
                               emit: (ByteBuffer) async throws -> Void) async throws {
        var position = 0
        var sent = 0
        try await decode(binary.source, of: message) { decoded in
            let chunk = position..<(position + decoded.count)
            let overlap = chunk.clamped(to: binary.window)
            if !overlap.isEmpty {
                try await emit(ByteBuffer(bytes: decoded[(overlap.lowerBound - position)..<(overlap.upperBound - position)]))
                sent += overlap.count
            }
            position += decoded.count
        }
        guard sent == binary.window.count else { throw IMAPFetchError.storedMessageUnreadable }
    }
}
