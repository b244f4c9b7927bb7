// One message of an APPEND (several with MULTIAPPEND, RFC 3502).

/// A message to append: its flags, internal date and octets (RFC 9051 §6.3.12).
public struct IMAPAppendMessage: Sendable, Equatable {
    public var flags: [IMAPFlag]
    public var internalDate: IMAPDateTime?
    /// In memory, or streamed by the framer (`IMAPFramingEvent.streamedLiteralBytes`).
    public var data: IMAPLiteralData
    /// Sent as literal8 `~{n}` (RFC 3516 §4.4): the octets may contain NUL and binary parts.
    public var isBinary: Bool

    public init(flags: [IMAPFlag] = [], internalDate: IMAPDateTime? = nil, data: IMAPLiteralData, isBinary: Bool = false) {
        self.flags = flags
        self.internalDate = internalDate
        self.data = data
        self.isBinary = isBinary
    }
}

extension IMAPParseCursor {
    // append          = "APPEND" SP mailbox 1*append-message
    // append-message  = append-opts SP append-data
    // append-opts     = [SP flag-list] [SP date-time] *(SP append-ext)
    // append-data     = literal / literal8 / append-data-ext              (RFC 3502 §6.3.11, RFC 4466 §2.3)
    mutating func parseAppendMessages() throws(IMAPParseError) -> [IMAPAppendMessage] {
        var messages: [IMAPAppendMessage] = []
        repeat {
            guard messages.count < limits.maxAppendMessages else {
                throw error("more than \(limits.maxAppendMessages) messages in one APPEND", .limitExceeded)
            }
            messages.append(try parseAppendMessage())
        } while peek() == UInt8(ascii: " ")
        return messages
    }

    mutating func parseAppendMessage() throws(IMAPParseError) -> IMAPAppendMessage {
        try expectSpace()
        var flags: [IMAPFlag] = []
        var date: IMAPDateTime?
        if peek() == UInt8(ascii: "(") {
            flags = try parseFlagList()
            try expectSpace()
        }
        if peek() == UInt8(ascii: "\"") {
            date = try parseDateTime()
            try expectSpace()
        }
        if consumeKeyword("CATENATE") {
            // todo(rfc): RFC 4469 CATENATE.
            throw error("CATENATE is not supported", .unsupported)
        }
        guard let byte = peek(), byte == UInt8(ascii: "{") || byte == UInt8(ascii: "~") else {
            throw invalidCharacterError(expected: "the message literal")
        }
        let isBinary = byte == UInt8(ascii: "~")
        let data = try parseLiteral(allowBinary: true)
        return IMAPAppendMessage(flags: flags, internalDate: date, data: data, isBinary: isBinary)
    }
}
