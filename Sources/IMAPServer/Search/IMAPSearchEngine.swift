// SEARCH evaluation (RFC 9051 §6.4.4, RFC 3501 §6.4.4): the parsed key is compiled once, then
// tested against each message, reading the summary, header or body octets only when a key
// cannot be decided without them.

import Foundation
import MailMessage
import MailStore

/// Evaluates SEARCH keys over the messages of the selected mailbox. A value type holding only the
/// reader, so the session can keep one and use it from any task.
public struct IMAPSearchEngine: Sendable {
    /// Deepest key nesting evaluated (the parser stops at 32, IMAPGrammarLimits.maxNestingDepth).
    public static let maximumNestingDepth = SearchConditionCompiler.maximumDepth
    /// Header octets read per header block: enough for any real header, bounded for hostile ones.
    public static let maximumHeaderOctets = MessageSearchText.maximumHeaderOctets
    /// Body octets (before transfer decoding) of text parts read per message for BODY and TEXT; text
    /// beyond this is not searched.
    public static let maximumBodyOctets = 16 << 20
    /// Parts of one message's MIME tree visited for BODY and TEXT.
    public static let maximumParts = MessageSearchText.maximumParts

    /// Charsets a client may name in SEARCH CHARSET (RFC 9051 §6.4.4: "Servers MUST support
    /// US-ASCII and UTF-8"); the list goes into `NO [BADCHARSET (UTF-8 US-ASCII)]`.
    public static let supportedCharsets = ["UTF-8", "US-ASCII"]

    /// Whether the named CHARSET is supported (case-insensitive). Strings are always read as UTF-8,
    /// of which US-ASCII is a subset.
    public static func supportsCharset(_ name: String) -> Bool {
        supportedCharsets.contains { $0.caseInsensitiveCompare(name) == .orderedSame }
    }

    /// Asks the store which UIDs may contain a string (`MailStore.fullTextCandidates`); nil when
    /// the store cannot narrow that search. The session binds it to the selected mailbox.
    public typealias FullTextLookup = @Sendable (_ term: String, _ field: FullTextField) async throws -> Set<UInt32>?

    private let reader: any IMAPMessageReader
    private let now: @Sendable () -> Date
    private let fullText: FullTextLookup?

    public init(reader: any IMAPMessageReader) {
        self.init(reader: reader, now: { Date() })
    }

    /// `now` is the clock of OLDER/YOUNGER (RFC 5032); tests pass a fixed one. `fullText` narrows
    /// BODY and TEXT keys to the index's candidates; without it every message is read.
    public init(reader: any IMAPMessageReader, now: @escaping @Sendable () -> Date, fullText: FullTextLookup? = nil) {
        self.reader = reader
        self.now = now
        self.fullText = fullText
    }

    /// A key compiled against the mailbox and narrowed by the full-text index, ready to test.
    public struct Plan: Sendable {
        let condition: SearchCondition
        /// Only these UIDs can match (nil: any message can). The session loads just these rows:
        /// `SEARCH TEXT word` in 10,000 messages reads the few the index names.
        public let candidateUIDs: Set<UInt32>?

        /// False when the stored rows alone (flags, UIDs, dates, sizes, MODSEQ) decide the
        /// condition: the candidates may then be loaded without their summaries.
        public var needsSummaries: Bool { condition.cost > 0 }

        /// True when each message's stored summary decides the key (SEARCH FROM "x"): the store
        /// can then test the summaries in place with `summaryTest`.
        public var decidedBySummary: Bool { candidateUIDs == nil && condition.isDecidedBySummary }

        /// The test for `MailStore.searchSummaries` (see `decidedBySummary`).
        public var summaryTest: @Sendable (Data) -> Bool? { condition.summaryTest }

        /// True when the folded header text stored at delivery decides the key (SEARCH FROM "x",
        /// not SENT*): the store can then test it with `foldedFieldSearch`.
        public var decidedByFoldedFields: Bool { decidedBySummary && condition.isDecidedByFoldedFields }

        /// The tests for `MailStore.searchFoldedFields` (see `decidedByFoldedFields`).
        public var foldedFieldSearch: FoldedFieldSearch {
            FoldedFieldSearch(folded: condition.foldedFieldTest, summary: condition.summaryTest)
        }

        /// Flags every match has and lacks, when nothing else decides the key (SEARCH UNSEEN):
        /// `MailStore.uids(mailboxID:flagged:unflagged:)` then answers it without message rows.
        public var flagsOnly: (flagged: [String], unflagged: [String])? {
            candidateUIDs == nil ? condition.flagConjunction : nil
        }
    }

    /// Compiles `key` and asks the full-text index about its BODY/TEXT strings. `*` in sequence
    /// sets / UID sets means `highestSequenceNumber` / `highestUID` of the mailbox. `savedResult` is
    /// the SEARCHRES `$` (UIDs; nil = nothing saved, the empty set).
    public func plan(_ key: IMAPSearchKey, highestSequenceNumber: UInt32, highestUID: UInt32,
                     savedResult: [UInt32]?) async throws -> Plan {
        let compiler = SearchConditionCompiler(highestSequenceNumber: highestSequenceNumber, highestUID: highestUID,
                                               savedResult: savedResult, now: now())
        var condition = try compiler.compile(key)
        if let fullText {
            var lookups: [LookupKey: Set<UInt32>?] = [:]
            condition = try await Self.narrowed(condition, fullText, &lookups, depth: 0)
        }
        return Plan(condition: condition, candidateUIDs: Self.requiredUIDs(condition))
    }

    /// The candidates (messages of the selected mailbox, in sequence order) matching the plan, in
    /// the order given. Candidates outside `plan.candidateUIDs` may be left out by the caller.
    public func evaluate(_ plan: Plan, candidates: [IMAPSearchCandidate]) async throws -> [IMAPSearchCandidate] {
        if case .constant(let value) = plan.condition { return value ? candidates : [] }
        var matches: [IMAPSearchCandidate] = []
        for candidate in candidates {
            try Task.checkCancellation()
            let context = SearchMessageContext(candidate: candidate, reader: reader)
            if try await SearchEvaluator.matches(plan.condition, context) { matches.append(candidate) }
        }
        return matches
    }

    /// The candidates (every message of the selected mailbox, in sequence order) matching `key`.
    /// `*` in sequence sets / UID sets means `highestSequenceNumber` / `highestUID` of the mailbox
    /// (passed separately because the candidates may be a subset). `savedResult` is the SEARCHRES
    /// `$` (UIDs; nil = nothing saved, the empty set). Returns the matching candidates in the order
    /// given.
    public func search(_ key: IMAPSearchKey, candidates: [IMAPSearchCandidate], highestSequenceNumber: UInt32,
                       highestUID: UInt32, savedResult: [UInt32]?) async throws -> [IMAPSearchCandidate] {
        let plan = try await plan(key, highestSequenceNumber: highestSequenceNumber, highestUID: highestUID,
                                  savedResult: savedResult)
        return try await evaluate(plan, candidates: candidates)
    }

    private struct LookupKey: Hashable {
        let term: String
        let isBody: Bool
    }

    /// Puts the index's candidates in front of each BODY/TEXT key: `.and([candidates, key])` tests
    /// the same messages as `key` (the candidates are a superset of its matches), so NOT and OR
    /// keep their meaning. Recursion follows the compiled nesting (SearchConditionCompiler.maximumDepth).
    private static func narrowed(_ condition: SearchCondition, _ lookup: FullTextLookup,
                                 _ lookups: inout [LookupKey: Set<UInt32>?], depth: Int) async throws -> SearchCondition {
        guard depth < SearchConditionCompiler.maximumDepth else { return condition }
        switch condition {
        case .body(let pattern), .text(let pattern):
            guard !pattern.isEmpty else { return condition }
            let isBody: Bool
            if case .body = condition { isBody = true } else { isBody = false }
            let key = LookupKey(term: pattern.source, isBody: isBody)
            let uids: Set<UInt32>?
            if let known = lookups[key] {
                uids = known
            } else {
                uids = try await lookup(pattern.source, isBody ? .body : .text)
                lookups[key] = uids
            }
            guard let uids else { return condition }
            return .and([.fullTextCandidates(uids), condition])
        case .not(let inner):
            return .not(try await narrowed(inner, lookup, &lookups, depth: depth + 1))
        case .or(let first, let second):
            return .or(try await narrowed(first, lookup, &lookups, depth: depth + 1),
                       try await narrowed(second, lookup, &lookups, depth: depth + 1))
        case .and(let conditions):
            var result: [SearchCondition] = []
            for inner in conditions { result.append(try await narrowed(inner, lookup, &lookups, depth: depth + 1)) }
            return .and(result)
        default:
            return condition
        }
    }

    /// UIDs outside which `condition` cannot hold, when the full-text index says so; nil otherwise.
    private static func requiredUIDs(_ condition: SearchCondition, depth: Int = 0) -> Set<UInt32>? {
        guard depth < SearchConditionCompiler.maximumDepth else { return nil }
        switch condition {
        case .constant(false): return []
        case .fullTextCandidates(let uids): return uids
        case .and(let conditions):
            var result: Set<UInt32>?
            for inner in conditions {
                guard let required = requiredUIDs(inner, depth: depth + 1) else { continue }
                result = result.map { $0.intersection(required) } ?? required
            }
            return result
        case .or(let first, let second):
            guard let one = requiredUIDs(first, depth: depth + 1),
                  let other = requiredUIDs(second, depth: depth + 1) else { return nil }
            return one.union(other)
        default:
            return nil
        }
    }
}
