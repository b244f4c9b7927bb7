// IMAPSearchKey → SearchCondition (RFC 9051 §6.4.4, RFC 3501 §6.4.4, RFC 7162 §3.1.5,
// RFC 5032, RFC 5182, RFC 8514).

import Foundation

/// Compiles a parsed key against one mailbox state. Recursion follows the key's nesting, which the
/// parser bounds (IMAPGrammarLimits.maxNestingDepth); `maximumDepth` bounds keys built in code too.
struct SearchConditionCompiler {
    static let maximumDepth = 64

    var highestSequenceNumber: UInt32
    var highestUID: UInt32
    /// SEARCHRES `$`: UIDs; nil (nothing saved since SELECT) is the empty set (RFC 5182 §2.1).
    var savedResult: [UInt32]?
    var now: Date

    func compile(_ key: IMAPSearchKey) throws -> SearchCondition {
        try compile(key, depth: 0)
    }

    private func compile(_ key: IMAPSearchKey, depth: Int) throws -> SearchCondition {
        guard depth < Self.maximumDepth else { throw IMAPSearchError.nestingTooDeep }
        switch key {
        case .all: return .constant(true)
        case .answered: return .flag("\\Answered", isSet: true)
        case .deleted: return .flag("\\Deleted", isSet: true)
        case .draft: return .flag("\\Draft", isSet: true)
        case .flagged: return .flag("\\Flagged", isSet: true)
        case .seen: return .flag("\\Seen", isSet: true)
        case .unanswered: return .flag("\\Answered", isSet: false)
        case .undeleted: return .flag("\\Deleted", isSet: false)
        case .undraft: return .flag("\\Draft", isSet: false)
        case .unflagged: return .flag("\\Flagged", isSet: false)
        case .unseen: return .flag("\\Seen", isSet: false)
        // RFC 3501 §6.4.4: NEW = RECENT UNSEEN, OLD = NOT RECENT. No message is ever \Recent here
        // (IMAP4rev2 removed it, RFC 9051 §E.4), so RECENT and NEW match nothing and OLD everything.
        case .recent, .new: return .constant(false)
        case .old: return .constant(true)
        case .keyword(let keyword): return .flag(keyword, isSet: true)
        case .unkeyword(let keyword): return .flag(keyword, isSet: false)
        case .from(let text): return .envelope(.from, SearchPattern(text))
        case .to(let text): return .envelope(.to, SearchPattern(text))
        case .cc(let text): return .envelope(.cc, SearchPattern(text))
        case .bcc(let text): return .envelope(.bcc, SearchPattern(text))
        case .subject(let text): return .envelope(.subject, SearchPattern(text))
        case .body(let text): return .body(SearchPattern(text))
        case .text(let text): return .text(SearchPattern(text))
        case .header(let field, let value): return .header(field: field, SearchPattern(value))
        case .before(let date): return .internalDay(.before(SearchDay.number(date)))
        case .on(let date): return .internalDay(.on(SearchDay.number(date)))
        case .since(let date): return .internalDay(.since(SearchDay.number(date)))
        case .sentBefore(let date): return .sentDay(.before(SearchDay.number(date)))
        case .sentOn(let date): return .sentDay(.on(SearchDay.number(date)))
        case .sentSince(let date): return .sentDay(.since(SearchDay.number(date)))
        case .savedBefore(let date): return .savedDay(.before(SearchDay.number(date)))
        case .savedOn(let date): return .savedDay(.on(SearchDay.number(date)))
        case .savedSince(let date): return .savedDay(.since(SearchDay.number(date)))
        // RFC 8514 §4.3: every message here has a save date.
        case .savedDateSupported: return .constant(true)
        case .larger(let size): return .larger(size)
        case .smaller(let size): return .smaller(size)
        // `$` holds UIDs whether it stands for a sequence-set or a UID set (RFC 5182 §2.1: "SEARCH $"
        // and "UID SEARCH UID $" select the same messages), so both test UIDs.
        case .sequenceNumbers(.lastCommand), .uid(.lastCommand): return .uids(SearchNumberSet(numbers: savedResult ?? []))
        case .sequenceNumbers(.ranges(let ranges)): return .sequenceNumbers(SearchNumberSet(ranges, largest: highestSequenceNumber))
        case .uid(.ranges(let ranges)): return .uids(SearchNumberSet(ranges, largest: highestUID))
        // RFC 7162 §3.1.5: a server without per-flag mod-sequences "MUST ignore <entry-name> and
        // <entry-type-req>".
        case .modSequence(let modSequence): return .modSequenceAtLeast(modSequence.value)
        // RFC 5032 §3: OLDER matches INTERNALDATE <= now - n, YOUNGER INTERNALDATE >= now - n.
        case .older(let seconds): return .internalDateAtOrBefore(now.addingTimeInterval(-Double(seconds)))
        case .younger(let seconds): return .internalDateAtOrAfter(now.addingTimeInterval(-Double(seconds)))
        // todo(rfc): RFC 8474 EMAILID/THREADID need the object ids FETCH will report; until the
        // session defines them no message has the id the client names.
        case .emailID, .threadID: return .constant(false)
        case .not(let inner):
            switch try compile(inner, depth: depth + 1) {
            case .constant(let value): return .constant(!value)
            case .not(let doubled): return doubled
            case let condition: return .not(condition)
            }
        case .or(let first, let second):
            let first = try compile(first, depth: depth + 1)
            let second = try compile(second, depth: depth + 1)
            if first == .constant(true) || second == .constant(true) { return .constant(true) }
            if first == .constant(false) { return second }
            if second == .constant(false) { return first }
            return first.cost <= second.cost ? .or(first, second) : .or(second, first)
        case .and(let keys):
            var conditions: [SearchCondition] = []
            for key in keys {
                switch try compile(key, depth: depth + 1) {
                case .constant(true): continue
                case .constant(false): return .constant(false)
                case let condition: conditions.append(condition)
                }
            }
            if conditions.isEmpty { return .constant(true) }
            if conditions.count == 1 { return conditions[0] }
            // Stable by cost: the client's order among equally cheap keys is kept.
            let ordered = conditions.enumerated().sorted { ($0.element.cost, $0.offset) < ($1.element.cost, $1.offset) }
            return .and(ordered.map(\.element))
        }
    }
}
