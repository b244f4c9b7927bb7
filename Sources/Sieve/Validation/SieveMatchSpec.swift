/// How a test compares (RFC 5228 §2.7): comparator, match type, address part and RFC 5260 §6 index,
/// resolved once at compile time so the interpreter never re-reads tags.
struct SieveMatchSpec: Sendable, Equatable {
    enum MatchType: Sendable, Equatable {
        case `is`, contains, matches
        case count(SieveRelation)   // RFC 5231 §4.2
        case value(SieveRelation)   // RFC 5231 §4.1
    }

    enum AddressPart: Sendable, Equatable {
        case all, localpart, domain
        case user, detail           // RFC 5233 §4
    }

    var comparator: SieveComparator = .asciiCasemap   // RFC 5228 §2.7.3 default
    var matchType: MatchType = .is                    // RFC 5228 §2.7.1 default
    var addressPart: AddressPart = .all               // RFC 5228 §2.7.4 default
    /// 1-based field index (RFC 5260 §6), counted from the end when `fromLast`.
    var index: Int?
    var fromLast = false
}

/// RFC 5231 §5 relational operators.
enum SieveRelation: String, Sendable, Equatable {
    case gt, ge, lt, le, eq, ne

    func holds(_ order: Int) -> Bool {
        switch self {
        case .gt: order > 0
        case .ge: order >= 0
        case .lt: order < 0
        case .le: order <= 0
        case .eq: order == 0
        case .ne: order != 0
        }
    }
}

/// A validated command or test with tags resolved: what the interpreter walks.
struct SieveInvocation: Sendable {
    var name: String
    var position: SourcePosition
    /// Tag name → its parameter, or `.tag(name)` for a tag without one.
    var tags: [String: SieveArgument.Value]
    var positional: [SieveArgument.Value]
    var tests: [SieveInvocation]
    var block: [SieveInvocation]?
    var match: SieveMatchSpec

    func has(_ tag: String) -> Bool { tags[tag] != nil }

    func tagString(_ tag: String) -> String? {
        if case .string(let value) = tags[tag] { return value }
        return nil
    }

    func tagNumber(_ tag: String) -> Int? {
        if case .number(let value) = tags[tag] { return value }
        return nil
    }

    func tagStrings(_ tag: String) -> [String]? {
        switch tags[tag] {
        case .string(let value): [value]
        case .stringList(let values): values
        default: nil
        }
    }

    func string(at position: Int) -> String {
        guard position < positional.count else { return "" }
        switch positional[position] {
        case .string(let value): return value
        case .stringList(let values): return values.first ?? ""
        default: return ""
        }
    }

    func strings(at position: Int) -> [String] {
        guard position < positional.count else { return [] }
        switch positional[position] {
        case .string(let value): return [value]
        case .stringList(let values): return values
        default: return []
        }
    }

    func number(at position: Int) -> Int {
        guard position < positional.count, case .number(let value) = positional[position] else { return 0 }
        return value
    }
}
