// The search key compiled once per SEARCH: sets resolved against the mailbox, strings folded,
// dates turned into day numbers, and each AND/OR ordered so that cheap tests run first.

import Foundation

/// An `IMAPSearchKey` ready to be tested against many messages.
indirect enum SearchCondition: Sendable, Equatable {
    case constant(Bool)
    /// A flag (with its backslash for system flags), compared case-insensitively.
    case flag(String, isSet: Bool)
    case sequenceNumbers(SearchNumberSet)
    case uids(SearchNumberSet)
    case internalDay(DayTest)
    case sentDay(DayTest)
    case savedDay(DayTest)
    /// RFC 5032 OLDER/YOUNGER: internal date compared with an instant fixed when compiled.
    case internalDateAtOrBefore(Date)
    case internalDateAtOrAfter(Date)
    case larger(UInt64)
    case smaller(UInt64)
    case modSequenceAtLeast(UInt64)
    /// UIDs the store's full-text index says may match the BODY/TEXT key this guards (issue 4):
    /// a superset of the matches, tested before the key so the others are never read.
    case fullTextCandidates(Set<UInt32>)
    case envelope(EnvelopeField, SearchPattern)
    case header(field: String, SearchPattern)
    case body(SearchPattern)
    case text(SearchPattern)
    case not(SearchCondition)
    case or(SearchCondition, SearchCondition)
    case and([SearchCondition])

    enum DayTest: Sendable, Equatable {
        case before(Int), on(Int), since(Int)

        func accepts(_ day: Int) -> Bool {
            switch self {
            case .before(let limit): return day < limit
            case .on(let limit): return day == limit
            case .since(let limit): return day >= limit
            }
        }
    }

    enum EnvelopeField: Sendable, Equatable { case from, to, cc, bcc, subject }

    /// The flags a message must have and must lack when the condition tests nothing else (SEARCH
    /// UNSEEN, DELETED, FLAGGED UNSEEN…): the store can then answer with UIDs from an index.
    var flagConjunction: (flagged: [String], unflagged: [String])? {
        var flagged: [String] = [], unflagged: [String] = []
        let tests: [SearchCondition]
        switch self {
        case .flag: tests = [self]
        case .and(let conditions): tests = conditions
        default: return nil
        }
        for test in tests {
            guard case .flag(let name, let isSet) = test else { return nil }
            if isSet { flagged.append(name) } else { unflagged.append(name) }
        }
        return (flagged, unflagged)
    }

    /// What deciding the condition costs, so AND and OR try the cheaper side first:
    /// 0 the row alone, 1 the stored summary, 2 the header octets, 3 the body octets.
    var cost: Int {
        switch self {
        case .constant, .flag, .sequenceNumbers, .uids, .internalDay, .savedDay, .internalDateAtOrBefore,
             .internalDateAtOrAfter, .larger, .smaller, .modSequenceAtLeast, .fullTextCandidates:
            return 0
        case .sentDay, .envelope: return 1
        case .header: return 2
        case .body, .text: return 3
        case .not(let inner): return inner.cost
        case .or(let first, let second): return max(first.cost, second.cost)
        case .and(let conditions): return conditions.map(\.cost).max() ?? 0
        }
    }
}
