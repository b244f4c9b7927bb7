// Everything the server sends: tagged completions, untagged data, continuation requests.

/// One server response line (with any literals it carries), RFC 9051 §7.
public enum IMAPResponse: Sendable, Equatable {
    /// `tag OK|NO|BAD [code] text`: completes the command with that tag.
    case tagged(tag: String, IMAPStatusResponse)
    /// `* ...`.
    case untagged(IMAPUntaggedResponse)
    /// `+ text` or `+ base64` (RFC 9051 §7.5): literal accepted, IDLE started, SASL challenge.
    case continuation(IMAPContinuationRequest)
}

/// The content of a continuation request.
public enum IMAPContinuationRequest: Sendable, Equatable {
    case text(String)
    /// A SASL challenge, base64-encoded on the wire (`+ ` alone for an empty one).
    case challenge([UInt8])
}
