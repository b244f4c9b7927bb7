/// A parsed Content-Disposition field (RFC 2183): disposition type and parameters, as the
/// BODYSTRUCTURE `body-fld-dsp` carries them (RFC 9051 §7.5.2).
public struct ContentDisposition: Sendable, Codable, Hashable {
    /// Lower-cased disposition type ("inline", "attachment", or whatever the sender wrote).
    public var type: String
    public var parameters: [MIMEParameter]

    public init(type: String, parameters: [MIMEParameter] = []) {
        self.type = type.lowercased()
        self.parameters = parameters
    }

    /// Parses a field value; nil when the disposition type is missing.
    public init?(parsing value: String) {
        self.init(bytes: Array(value.utf8))
    }

    init?(bytes: [UInt8]) {
        let parsed = ParameterizedValue(bytes)
        guard !parsed.leading.isEmpty else { return nil }
        self.init(type: parsed.leading, parameters: parsed.parameters)
    }

    public var isAttachment: Bool { type == "attachment" }
    /// RFC 2183 §2.3, with RFC 2231 continuations already resolved.
    public var filename: String? { parameters.value(for: "filename") }

    enum CodingKeys: String, CodingKey { case type = "t", parameters = "p" }
}
