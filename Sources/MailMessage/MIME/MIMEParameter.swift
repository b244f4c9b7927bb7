/// One `attribute=value` of a Content-Type or Content-Disposition field, after RFC 2231
/// continuations and charsets are resolved, as BODYSTRUCTURE's parameter lists carry them.
public struct MIMEParameter: Sendable, Codable, Hashable {
    /// Attribute name in lower case (RFC 2045 §5.1: attributes are case-insensitive).
    public var name: String
    /// Value with quotes removed; an RFC 2231 charset-tagged value is converted to UTF-8.
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    enum CodingKeys: String, CodingKey { case name = "n", value = "v" }
}

extension Array where Element == MIMEParameter {
    /// Value of the first parameter with this name (case-insensitive).
    public func value(for name: String) -> String? {
        first { ASCII.equalsIgnoringCase($0.name, name) }?.value
    }
}
