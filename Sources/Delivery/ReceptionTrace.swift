// The trace fields a receiving server adds: RFC 5321 §4.4 (Received, Return-Path) and
// RFC 9228 (Delivered-To).
import Foundation

/// What the receiving session knew about the message's arrival.
public struct ReceptionTrace: Sendable, Equatable {
    public var heloName: String?
    public var remoteAddress: String
    /// RFC 3848 WITH value: ESMTP, ESMTPS, ESMTPSA, LMTP, …
    public var protocolName: String
    /// "TLSv1.3 cipher=TLS_AES_256_GCM_SHA384" when TLS was used.
    public var tlsDescription: String?
    public var authenticatedUser: String?
    public var traceID: String
    public var receivedAt: Date

    public init(heloName: String?, remoteAddress: String, protocolName: String, tlsDescription: String? = nil,
                authenticatedUser: String? = nil, traceID: String, receivedAt: Date = Date()) {
        self.heloName = heloName
        self.remoteAddress = remoteAddress
        self.protocolName = protocolName
        self.tlsDescription = tlsDescription
        self.authenticatedUser = authenticatedUser
        self.traceID = traceID
        self.receivedAt = receivedAt
    }

    /// A fresh random trace id: 16 lower-case base-32 characters, unique enough to grep logs by.
    public static func makeTraceID() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
        var generator = SystemRandomNumberGenerator()
        return String((0..<16).map { _ in alphabet[Int(generator.next() % 32)] })
    }

    /// RFC 5321 §4.4 Time-stamp-line:
    /// `Received: from <helo> ([<ip>]) by <host> with <protocol> id <id> [for <rcpt>]; <date>`.
    /// The "for" clause names the recipient only when there is one (it is shared content otherwise,
    /// and naming every list member would disclose the list).
    public func receivedField(byHost hostname: String, singleRecipient: String?) -> String {
        var field = "Received: from \(sanitized(heloName ?? "unknown")) ([\(sanitized(remoteAddress))])\r\n"
        field += "\tby \(hostname) (Facteur) with \(protocolName)"
        if let tlsDescription { field += "\r\n\t(\(tlsDescription))" }
        field += "\r\n\tid \(traceID)"
        if let singleRecipient { field += "\r\n\tfor <\(sanitized(singleRecipient))>" }
        field += "; \(Self.rfc5322Date(receivedAt))\r\n"
        return field
    }

    /// Return-Path and Delivered-To: the per-recipient prefix of a stored message.
    public static func deliveryPrefix(reversePath: String, deliveredTo: String) -> [UInt8] {
        let text = "Return-Path: <\(sanitized(reversePath))>\r\nDelivered-To: \(sanitized(deliveredTo))\r\n"
        return Array(text.utf8)
    }

    /// RFC 5322 §3.3 date-time in UTC: "Sun, 29 Nov 2026 23:59:01 +0000".
    public static func rfc5322Date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? .current
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let weekday = days[((c.weekday ?? 1) - 1) % 7]
        let month = months[((c.month ?? 1) - 1) % 12]
        func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(weekday), \(two(c.day)) \(month) \(c.year ?? 1970) \(two(c.hour)):\(two(c.minute)):\(two(c.second)) +0000"
    }
}

/// Client-supplied text placed in a header must not be able to start a new header line.
private func sanitized(_ text: String) -> String {
    String(text.unicodeScalars.filter { $0 != "\r" && $0 != "\n" && $0 != "\0" }.prefix(255).map(Character.init))
}
