/// A parsed Content-Type field (RFC 2045 §5): media type, subtype and parameters.
public struct ContentType: Sendable, Codable, Hashable {
    /// Lower-cased top-level type ("text", "multipart", …).
    public var type: String
    /// Lower-cased subtype ("plain", "mixed", …).
    public var subtype: String
    public var parameters: [MIMEParameter]

    public init(type: String, subtype: String, parameters: [MIMEParameter] = []) {
        self.type = type.lowercased()
        self.subtype = subtype.lowercased()
        self.parameters = parameters
    }

    /// RFC 2045 §5.2: the default for a missing or unparsable field is text/plain; charset=us-ascii.
    public static let `default` = ContentType(type: "text", subtype: "plain",
                                              parameters: [MIMEParameter(name: "charset", value: "us-ascii")])

    /// RFC 2046 §5.1.5: inside multipart/digest the default is message/rfc822.
    public static let digestDefault = ContentType(type: "message", subtype: "rfc822")

    /// Parses a field value; nil when it has no `type/subtype` (the caller then uses the default).
    public init?(parsing value: String) {
        self.init(bytes: Array(value.utf8))
    }

    init?(bytes: [UInt8]) {
        let parsed = ParameterizedValue(bytes)
        let leading = parsed.leadingBytes
        guard let slash = leading.firstIndex(of: ASCII.slash), slash > 0, slash + 1 < leading.count,
              leading.allSatisfy({ $0 == ASCII.slash || Self.tokenBytes[Int($0)] }),
              !leading[(slash + 1)...].contains(ASCII.slash) else { return nil }
        // Lower-cased byte by byte: String.lowercased() is Unicode-aware and much slower.
        self.type = String(decoding: leading[..<slash].map(ASCII.lowercased), as: UTF8.self)
        self.subtype = String(decoding: leading[(slash + 1)...].map(ASCII.lowercased), as: UTF8.self)
        self.parameters = parsed.parameters
    }

    public var isMultipart: Bool { type == "multipart" }
    public var isText: Bool { type == "text" }
    /// message/rfc822 and message/global (RFC 6532 §3.7) encapsulate a whole message.
    public var isEncapsulatedMessage: Bool {
        type == "message" && (subtype == "rfc822" || subtype == "global")
    }

    public var charset: String? { parameters.value(for: "charset") }

    /// RFC 2045 §5.1 token bytes: no controls, spaces or tspecials.
    private static let tokenBytes: [Bool] = (0..<256).map { byte in
        byte > 32 && byte != 127 && !"()<>@,;:\\\"/[]?=".utf8.contains(UInt8(byte))
    }

    enum CodingKeys: String, CodingKey { case type = "t", subtype = "s", parameters = "p" }
}
