// IMAP flags as the store keeps them: five system flags in a bit set, keywords as given.
// RFC 9051 §2.3.2: system flags are predefined and case-insensitive; keywords are atoms, compared
// case-insensitively; \Recent is session state and never stored (RFC 9051 drops it entirely).
import Foundation

/// The flags of one message, normalised: what `StoredMessage.flags` is built from.
struct MessageFlags: Equatable, Sendable {
    /// Bit values stored in `messages.system_flags`; \Seen is bit 0 so SQL can count unseen mail.
    static let systemFlags: [(name: String, bit: Int64)] = [
        ("\\Seen", 1), ("\\Answered", 2), ("\\Flagged", 4), ("\\Deleted", 8), ("\\Draft", 16),
    ]
    static let seenBit: Int64 = 1
    /// Bounds from the store, not the RFC: a keyword longer than this or more keywords per message
    /// than this are refused, so one client cannot grow a row without limit.
    static let maxKeywordLength = 128
    static let maxKeywordCount = 64

    var system: Int64
    var keywords: [String]               // no duplicates (case-insensitively), order as first given

    init(system: Int64 = 0, keywords: [String] = []) {
        self.system = system
        self.keywords = keywords
    }

    /// Parses client-supplied flags; throws `.invalidName` for something that is not a flag.
    init(parsing flags: [String]) throws(StoreError) {
        self.init()
        for flag in flags {
            if flag.hasPrefix("\\") {
                if flag.caseInsensitiveCompare("\\Recent") == .orderedSame { continue }
                guard let bit = MessageFlags.bit(forSystemFlag: flag) else {
                    throw .invalidName("unknown system flag")
                }
                system |= bit
            } else {
                guard MessageFlags.isValidKeyword(flag) else { throw .invalidName("invalid keyword") }
                if !containsKeyword(flag) { keywords.append(flag) }
            }
        }
        guard keywords.count <= MessageFlags.maxKeywordCount else { throw .invalidName("too many keywords") }
    }

    /// Reads the stored form (`keywords` column is newline-separated).
    init(storedSystem: Int64, storedKeywords: String) {
        self.system = storedSystem
        self.keywords = storedKeywords.split(separator: "\n").map(String.init)
    }

    var storedKeywords: String { keywords.joined(separator: "\n") }

    var isSeen: Bool { system & MessageFlags.seenBit != 0 }

    /// Sorted list as `StoredMessage.flags` promises: system flags with their backslash, keywords.
    var names: [String] {
        // Every row read builds this: without keywords, one of 32 shared sorted arrays.
        if keywords.isEmpty, system >= 0, system < Int64(Self.sortedSystemNames.count) {
            return Self.sortedSystemNames[Int(system)]
        }
        var result = MessageFlags.systemFlags.filter { system & $0.bit != 0 }.map(\.name)
        result.append(contentsOf: keywords)
        return result.sorted()
    }

    /// `names` of each combination of the five system bits, sorted as `names` sorts.
    private static let sortedSystemNames: [[String]] = (0..<32).map { bits in
        systemFlags.filter { bits & $0.bit != 0 }.map(\.name).sorted()
    }

    func applying(_ operation: FlagOperation, _ change: MessageFlags) throws(StoreError) -> MessageFlags {
        var result = self
        switch operation {
        case .replace:
            result = change
        case .add:
            result.system |= change.system
            for keyword in change.keywords where !result.containsKeyword(keyword) {
                result.keywords.append(keyword)
            }
        case .remove:
            result.system &= ~change.system
            result.keywords.removeAll { change.containsKeyword($0) }
        }
        guard result.keywords.count <= MessageFlags.maxKeywordCount else { throw .invalidName("too many keywords") }
        return result
    }

    /// Equality of flag sets, keywords compared case-insensitively (RFC 9051 §2.3.2).
    func sameFlags(as other: MessageFlags) -> Bool {
        system == other.system && keywords.count == other.keywords.count
            && keywords.allSatisfy { other.containsKeyword($0) }
    }

    func containsKeyword(_ keyword: String) -> Bool {
        keywords.contains { $0.caseInsensitiveCompare(keyword) == .orderedSame }
    }

    static func bit(forSystemFlag flag: String) -> Int64? {
        systemFlags.first { $0.name.caseInsensitiveCompare(flag) == .orderedSame }?.bit
    }

    /// RFC 9051 §9 `flag-keyword = "$MDNSent" / "$Forwarded" / ... / atom`: atom characters only.
    static func isValidKeyword(_ keyword: String) -> Bool {
        let bytes = Array(keyword.utf8)
        guard !bytes.isEmpty, bytes.count <= maxKeywordLength else { return false }
        // atom-specials: ( ) { SP CTL list-wildcards quoted-specials resp-specials
        let forbidden: Set<UInt8> = Set("(){ %*\"\\]".utf8)
        return bytes.allSatisfy { $0 > 0x20 && $0 < 0x7F && !forbidden.contains($0) }
    }
}
