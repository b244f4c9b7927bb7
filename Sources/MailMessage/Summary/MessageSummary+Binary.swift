import Foundation

// The binary stored form of a summary (format versions 2 and 3), read for every message of a FETCH or
// SEARCH, so it is decoded by hand in a few microseconds. Layout, in order ("int" is a zigzag
// varint, "count" a varint, "str" a count then UTF-8, "str?" a varint length + 1 with 0 for nil):
//
//   summary   = version-byte(3) headerLength:int totalSize:int preview:str? envelope body search
//   envelope  = date:str? subject:str? from:addresses sender:same-or-addresses
//               replyTo:same-or-addresses to:addresses cc:addresses bcc:addresses
//               inReplyTo:str? messageID:str?
//   addresses = count address*            same-or-addresses = 0 (equal to from) / count+1 address*
//   address   = kind-byte(0 mailbox, 1 group start, 2 group end) displayName:str? route:str?
//               localPart:str? domain:str?
//   search    = subject:str from:str to:str cc:str bcc:str messageID:str date references:str
//               (references only from version 3 on; version 2 rows end after the date)
//   date      = 0 (nil) / 1 seconds:int offset:int / 2 bits:fixed64 offset:int
//               (seconds since 2001-01-01, as Date stores them; bits when they are not whole)
//   body      = see BodyStructure+Binary.swift
//
// Version 1 rows are JSON (they start with "{") and are still read through Codable.
extension MessageSummary {
    /// First byte of the binary form; a JSON row starts with `{` (0x7B) instead.
    static let binaryVersion = UInt8(formatVersion)

    /// The binary form, or nil for a tree deeper than the reader accepts (hand-built summaries only:
    /// the parser never produces one).
    func binaryEncoded() -> [UInt8]? {
        var writer = SummaryWriter()
        writer.byte(Self.binaryVersion)
        writer.int(headerLength)
        writer.int(totalSize)
        writer.optionalString(preview)
        writer.write(envelope)
        writer.write(bodyStructure, depth: 0)
        writer.write(search)
        writer.string(search.references)
        return writer.exceededDepth ? nil : writer.bytes
    }

    /// The version 1 form (sorted-key JSON through Codable), kept for summaries the binary form
    /// cannot hold.
    func jsonEncoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding cannot fail for these types (no floats that could be NaN, no throwing encoders);
        // an empty Data would make `decode` throw rather than crash.
        return (try? encoder.encode(self)) ?? Data()
    }

    static func decodeBinary(_ bytes: UnsafeBufferPointer<UInt8>) throws(SummaryDecodingError) -> MessageSummary {
        var reader = SummaryReader(bytes)
        let version = try reader.byte()
        // Version 2 is version 3 without the trailing References (RFC 5256 THREAD input).
        guard version == binaryVersion || version == 2 else {
            throw .malformed(version > binaryVersion ? "summary format \(version) is newer than this build"
                                                     : "unknown summary format \(version)")
        }
        let headerLength = try reader.int()
        let totalSize = try reader.int()
        let preview = try reader.optionalString()
        let envelope = try reader.envelope()
        let body = try reader.bodyStructure(depth: 0)
        var search = try reader.searchText()
        if version >= 3 { search.references = try reader.string() }
        guard reader.isAtEnd else { throw .malformed("trailing bytes") }
        return MessageSummary(envelope: envelope, bodyStructure: body, headerLength: headerLength,
                              totalSize: totalSize, preview: preview, search: search)
    }
}

extension MessageSummary {
    /// Only the envelope of a stored summary: FETCH ENVELOPE of a large mailbox needs nothing else,
    /// and the MIME tree and search text after it cost more to decode than the envelope itself.
    /// JSON rows (version 1) are decoded whole. Throws as `decode` does on a truncated envelope;
    /// damage after the envelope goes unnoticed here (a full `decode` still reports it).
    public static func decodeEnvelope(_ data: Data) throws -> Envelope {
        guard let first = data.first else { throw SummaryDecodingError.truncated }
        if first == UInt8(ascii: "{") { return try decode(data).envelope }
        return try data.withUnsafeBytes { raw in
            try raw.withMemoryRebound(to: UInt8.self) { try decodeBinaryEnvelope($0) }
        }
    }

    static func decodeBinaryEnvelope(_ bytes: UnsafeBufferPointer<UInt8>) throws(SummaryDecodingError) -> Envelope {
        var reader = SummaryReader(bytes)
        let version = try reader.byte()
        guard version == binaryVersion || version == 2 else {
            throw .malformed(version > binaryVersion ? "summary format \(version) is newer than this build"
                                                     : "unknown summary format \(version)")
        }
        _ = try reader.int()            // headerLength
        _ = try reader.int()            // totalSize
        try reader.skipOptionalString() // preview
        return try reader.envelope()
    }
}

extension SummaryWriter {
    mutating func write(_ envelope: Envelope) {
        optionalString(envelope.date)
        optionalString(envelope.subject)
        write(envelope.from)
        writeSameOrList(envelope.sender, default: envelope.from)
        writeSameOrList(envelope.replyTo, default: envelope.from)
        write(envelope.to)
        write(envelope.cc)
        write(envelope.bcc)
        optionalString(envelope.inReplyTo)
        optionalString(envelope.messageID)
    }

    /// Sender and Reply-To equal From most of the time (the RFC 9051 §7.5.2 default).
    private mutating func writeSameOrList(_ addresses: [Address], default from: [Address]) {
        if addresses == from { return byte(0) }
        count(addresses.count + 1)
        for address in addresses { write(address) }
    }

    private mutating func write(_ addresses: [Address]) {
        count(addresses.count)
        for address in addresses { write(address) }
    }

    private mutating func write(_ address: Address) {
        switch address.kind {
        case .mailbox: byte(0)
        case .groupStart: byte(1)
        case .groupEnd: byte(2)
        }
        optionalString(address.displayName)
        optionalString(address.route)
        optionalString(address.localPart)
        optionalString(address.domain)
    }

    mutating func write(_ search: SearchText) {
        string(search.subject)
        string(search.from)
        string(search.to)
        string(search.cc)
        string(search.bcc)
        string(search.messageID)
        guard let sent = search.sentDate else { return byte(0) }
        let interval = sent.date.timeIntervalSinceReferenceDate
        if let seconds = Int64(exactly: interval), interval.sign == .plus || interval != 0 {
            byte(1)
            int(Int(seconds))
        } else {
            byte(2)   // fractional, huge or negative zero: the exact bits
            fixed64(interval.bitPattern)
        }
        int(sent.timeZoneOffset)
    }
}

extension SummaryReader {
    /// Smallest encoded address: a kind byte and four nil markers.
    private static let minimumAddressSize = 5

    mutating func envelope() throws(SummaryDecodingError) -> Envelope {
        var envelope = Envelope()
        envelope.date = try optionalString()
        envelope.subject = try optionalString()
        let from = try addresses(count: count(minimumElementSize: Self.minimumAddressSize))
        envelope.from = from
        envelope.sender = try sameOrAddresses(default: from)
        envelope.replyTo = try sameOrAddresses(default: from)
        envelope.to = try addresses(count: count(minimumElementSize: Self.minimumAddressSize))
        envelope.cc = try addresses(count: count(minimumElementSize: Self.minimumAddressSize))
        envelope.bcc = try addresses(count: count(minimumElementSize: Self.minimumAddressSize))
        envelope.inReplyTo = try optionalString()
        envelope.messageID = try optionalString()
        return envelope
    }

    private mutating func sameOrAddresses(default from: [Address]) throws(SummaryDecodingError) -> [Address] {
        let marker = try varint()
        guard marker != 0 else { return from }
        guard marker - 1 <= UInt64(remaining / Self.minimumAddressSize) else { throw .malformed("count exceeds input") }
        return try addresses(count: Int(marker - 1))
    }

    /// An address's kind byte, shared by the whole decode and the stored-envelope visitor.
    mutating func addressKind() throws(SummaryDecodingError) -> Address.Kind {
        switch try byte() {
        case 0: return .mailbox
        case 1: return .groupStart
        case 2: return .groupEnd
        default: throw .malformed("unknown address kind")
        }
    }

    private mutating func addresses(count: Int) throws(SummaryDecodingError) -> [Address] {
        guard count > 0 else { return [] }
        var addresses: [Address] = []
        addresses.reserveCapacity(count)
        for _ in 0..<count {
            let kind = try addressKind()
            addresses.append(Address(kind: kind, displayName: try optionalString(), route: try optionalString(),
                                     localPart: try optionalString(), domain: try optionalString()))
        }
        return addresses
    }

    mutating func searchText() throws(SummaryDecodingError) -> SearchText {
        let subject = try string(), from = try string(), to = try string(), cc = try string()
        let bcc = try string(), messageID = try string()
        return SearchText(subject: subject, from: from, to: to, cc: cc, bcc: bcc, messageID: messageID,
                          sentDate: try sentDate())
    }

    /// The search text's date (see `date` in the layout above).
    mutating func sentDate() throws(SummaryDecodingError) -> MessageDate? {
        switch try byte() {
        case 0:
            return nil
        case 1:
            let seconds = try int()
            return MessageDate(date: Date(timeIntervalSinceReferenceDate: Double(seconds)), timeZoneOffset: try int())
        case 2:
            let bits = try fixed64()
            return MessageDate(date: Date(timeIntervalSinceReferenceDate: Double(bitPattern: bits)),
                               timeZoneOffset: try int())
        default:
            throw .malformed("unknown date marker")
        }
    }
}
