// OK / NO / BAD with an optional response code and human-readable text.

/// `resp-cond-state` (RFC 9051 §7.1): used tagged (command completion) and untagged.
public struct IMAPStatusResponse: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case ok = "OK"
        case no = "NO"
        case bad = "BAD"
    }

    public var kind: Kind
    public var code: IMAPResponseCode?
    /// Human-readable; CR/LF are never sent (the encoder replaces them).
    public var text: String

    public init(_ kind: Kind, code: IMAPResponseCode? = nil, text: String) {
        self.kind = kind
        self.code = code
        self.text = text
    }

    public static func ok(_ text: String, code: IMAPResponseCode? = nil) -> Self { .init(.ok, code: code, text: text) }
    public static func no(_ text: String, code: IMAPResponseCode? = nil) -> Self { .init(.no, code: code, text: text) }
    public static func bad(_ text: String, code: IMAPResponseCode? = nil) -> Self { .init(.bad, code: code, text: text) }
}
