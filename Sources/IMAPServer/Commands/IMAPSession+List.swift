// LIST with LIST-EXTENDED selection and return options (RFC 9051 §6.3.9, RFC 5258, RFC 6154,
// RFC 3348) and the IMAP4rev1 LSUB (RFC 3501 §6.3.9).

import MailStore

extension IMAPSession {
    mutating func list(_ command: IMAPListCommand, account: Account) async throws -> CommandOutcome {
        // §6.3.9: an empty pattern asks for the delimiter and the root.
        if command.patterns.allSatisfy(\.isEmpty) {
            queue(.untagged(.list(IMAPListResponse(attributes: ["\\Noselect"], delimiter: "/", mailbox: IMAPMailboxName("")))))
            return .done(.ok("LIST completed"))
        }
        guard let patterns = Self.patterns(reference: command.reference, command.patterns) else {
            return .done(.bad("Pattern too long"))
        }
        let mailboxes = try await store.mailboxes(accountID: account.id)
        let tree = MailboxTree(mailboxes)
        let selectSubscribed = command.selectionOptions.contains(.subscribed)
        let selectSpecialUse = command.selectionOptions.contains(.specialUse)
        let recursive = command.selectionOptions.contains(.recursiveMatch)
        let returnSubscribed = selectSubscribed || command.returnOptions.contains(.subscribed)
        let statusAttributes: [IMAPStatusAttribute]? = command.returnOptions.lazy.compactMap { option in
            if case .status(let attributes) = option { return attributes }
            return nil
        }.first
        if statusAttributes?.contains(.highestModSeq) == true { enableCondStore() }
        let extended = rev2Enabled || !command.selectionOptions.isEmpty || !command.returnOptions.isEmpty
            || command.patterns.count > 1

        for name in tree.names {
            guard patterns.contains(where: { $0.matches(name) }) else { continue }
            let mailbox = tree.existing[name]
            var childInfo: [String] = []
            if selectSubscribed && mailbox?.subscribed != true {
                // RFC 5258 §3.5 RECURSIVEMATCH: a parent of subscribed mailboxes is listed for them.
                guard recursive, tree.hasDescendant(of: name, where: { $0.subscribed }) else { continue }
                childInfo = ["SUBSCRIBED"]
            }
            if selectSpecialUse && mailbox?.specialUse == nil {
                guard recursive, tree.hasDescendant(of: name, where: { $0.specialUse != nil }) else { continue }
                childInfo.append("SPECIAL-USE")
            }
            // A parent that does not exist is listed only where a `%` level needs it (§6.3.9).
            if mailbox == nil && childInfo.isEmpty && !patterns.contains(where: { $0.matchesWithoutStar(name) }) { continue }
            var attributes: [String] = []
            if let mailbox {
                if let use = mailbox.specialUse { attributes.append(use.rawValue) }
                if returnSubscribed && mailbox.subscribed { attributes.append("\\Subscribed") }
            } else {
                attributes.append(extended ? "\\NonExistent" : "\\Noselect")
            }
            attributes.append(tree.hasChildren(name) ? "\\HasChildren" : "\\HasNoChildren")
            queue(.untagged(.list(IMAPListResponse(attributes: attributes, delimiter: "/",
                                                   mailbox: IMAPMailboxName(name), childInfo: childInfo))))
            // RFC 5819 §2: STATUS follows the LIST line of every selectable mailbox listed.
            if let mailbox, let statusAttributes {
                queue(try await statusResponse(mailbox, statusAttributes))
            }
        }
        return .done(.ok("LIST completed"))
    }

    mutating func lsub(reference: String, pattern: String, account: Account) async throws -> CommandOutcome {
        guard let patterns = Self.patterns(reference: reference, [pattern]) else { return .done(.bad("Pattern too long")) }
        let mailboxes = try await store.mailboxes(accountID: account.id)
        for mailbox in mailboxes.sorted(by: { $0.name < $1.name }) where mailbox.subscribed {
            guard patterns.contains(where: { $0.matches(mailbox.name) }) else { continue }
            queue(.untagged(.lsub(IMAPListResponse(attributes: [], delimiter: "/", mailbox: IMAPMailboxName(mailbox.name)))))
        }
        return .done(.ok("LSUB completed"))
    }

    /// The reference and each pattern joined (§6.3.9 leaves the joining to the server: the
    /// reference is a prefix). Nil when a pattern is unreasonably long.
    static func patterns(reference: String, _ patterns: [String]) -> [MailboxPattern]? {
        var result: [MailboxPattern] = []
        for pattern in patterns where !pattern.isEmpty {
            let joined = reference + pattern
            guard joined.utf8.count <= 1024 else { return nil }
            result.append(MailboxPattern(joined))
        }
        return result
    }
}

/// Every name of an account's hierarchy: the mailboxes and the parents implied by them.
struct MailboxTree {
    let existing: [String: Mailbox]
    /// Sorted, INBOX first (clients show it first anyway; the order is otherwise unspecified).
    let names: [String]
    private let withChildren: Set<String>

    init(_ mailboxes: [Mailbox]) {
        var existing: [String: Mailbox] = [:]
        var all = Set<String>()
        var parents = Set<String>()
        for mailbox in mailboxes {
            existing[mailbox.name] = mailbox
            all.insert(mailbox.name)
            var components = mailbox.name.split(separator: "/", omittingEmptySubsequences: false)
            while components.count > 1 {
                components.removeLast()
                let parent = components.joined(separator: "/")
                all.insert(parent)
                parents.insert(parent)
            }
        }
        self.existing = existing
        self.withChildren = parents
        self.names = all.sorted { left, right in
            if left == "INBOX" { return right != "INBOX" }
            if right == "INBOX" { return false }
            return left < right
        }
    }

    func hasChildren(_ name: String) -> Bool { withChildren.contains(name) }

    func hasDescendant(of name: String, where predicate: (Mailbox) -> Bool) -> Bool {
        let prefix = name + "/"
        return existing.values.contains { $0.name.hasPrefix(prefix) && predicate($0) }
    }
}

/// A LIST pattern: `*` matches any run of characters, `%` any run without the delimiter
/// (RFC 9051 §6.3.9). INBOX matches case-insensitively.
struct MailboxPattern {
    private let characters: [Character]

    init(_ pattern: String) {
        var text = pattern
        // RFC 9051 §5.1: "INBOX" is case-insensitive, also as the first level of a pattern.
        if text.count >= 5, text.prefix(5).caseInsensitiveCompare("INBOX") == .orderedSame,
           text.count == 5 || text.dropFirst(5).first == "/" {
            text = "INBOX" + text.dropFirst(5)
        }
        characters = Array(text)
    }

    func matchesWithoutStar(_ name: String) -> Bool {
        !characters.contains("*") && matches(name)
    }

    /// Dynamic programming over (pattern position, name position): O(m·n), no recursion.
    func matches(_ name: String) -> Bool {
        let text = Array(name)
        var row = [Bool](repeating: false, count: text.count + 1)
        row[0] = true
        for symbol in characters {
            var next = [Bool](repeating: false, count: text.count + 1)
            switch symbol {
            case "*":
                var reachable = false
                for index in 0...text.count {
                    reachable = reachable || row[index]
                    next[index] = reachable
                }
            case "%":
                var reachable = false
                for index in 0...text.count {
                    if index > 0 && text[index - 1] == "/" { reachable = false }
                    reachable = reachable || row[index]
                    next[index] = reachable
                }
            default:
                for index in 1..<(text.count + 1) where row[index - 1] && text[index - 1] == symbol {
                    next[index] = true
                }
            }
            row = next
        }
        return row[text.count]
    }
}
