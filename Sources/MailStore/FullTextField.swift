// Which text a full-text search looks in (RFC 9051 §6.4.4 BODY and TEXT).

/// BODY searches the body; TEXT the header and the body. Public: the IMAP search engine names it
/// when it asks the store for candidates.
public enum FullTextField: Sendable, Equatable {
    case body
    case text
}
