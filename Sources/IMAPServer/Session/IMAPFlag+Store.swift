// Flags in the other direction: what the session hands the store, and what SELECT lists.

extension IMAPFlag {
    /// The store's spelling (the wire form, `description`, is the same).
    var storedName: String { description }

    /// The system flags of RFC 9051 §2.3.2, in the order FLAGS lists them.
    static let systemFlags: [IMAPFlag] = [.answered, .flagged, .deleted, .seen, .draft]
}
