// Validation and normalisation of mailbox names. Names are data, never file paths (DESIGN.md
// rule 3): the store only ever uses them as column values.
import Foundation

/// A checked mailbox name: "/"-separated, no empty component, bounded length and depth, INBOX
/// spelled "INBOX" whatever case the client used.
struct MailboxName: Hashable, Sendable, CustomStringConvertible {
    static let delimiter: Character = "/"
    static let inbox = "INBOX"
    /// Store limits (not from an RFC): enough for any real folder tree, small enough to bound
    /// the work of a rename that moves a whole subtree.
    static let maxBytes = 1024
    static let maxDepth = 32

    let value: String
    var description: String { value }

    init(_ raw: String) throws(StoreError) {
        guard !raw.isEmpty, raw.utf8.count <= MailboxName.maxBytes else {
            throw .invalidName("mailbox name length")
        }
        // Control characters have no place in a name and would corrupt LIST responses.
        guard !raw.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw .invalidName("mailbox name contains control characters")
        }
        var components = raw.split(separator: MailboxName.delimiter, omittingEmptySubsequences: false)
            .map(String.init)
        guard components.count <= MailboxName.maxDepth else { throw .invalidName("mailbox name too deep") }
        guard !components.contains(where: \.isEmpty) else {
            throw .invalidName("mailbox name has an empty component")
        }
        // RFC 9051 §5.1: INBOX is case-insensitive. Its children are normalised too, so "inbox/x"
        // and "INBOX/x" cannot exist side by side.
        if components[0].caseInsensitiveCompare(MailboxName.inbox) == .orderedSame {
            components[0] = MailboxName.inbox
        }
        value = components.joined(separator: String(MailboxName.delimiter))
    }

    var isInbox: Bool { value == MailboxName.inbox }

    /// "a/b/c" → ["a", "a/b"]: the superior names CREATE and RENAME make on the way
    /// (RFC 9051 §6.3.4, §6.3.6).
    var ancestors: [String] {
        let parts = value.split(separator: MailboxName.delimiter).map(String.init)
        guard parts.count > 1 else { return [] }
        return (1..<parts.count).map { parts[0..<$0].joined(separator: String(MailboxName.delimiter)) }
    }

    /// True when `other` lies strictly below this name in the hierarchy.
    func isAncestor(of other: String) -> Bool {
        other.hasPrefix(value + String(MailboxName.delimiter))
    }
}
