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
    public static let maximumHeaderOctets = 1 << 20
    /// Body octets (before transfer decoding) of text parts read per message for BODY and TEXT; text
    /// beyond this is not searched.
    public static let maximumBodyOctets = 16 << 20
    /// Parts of one message's MIME tree visited for BODY and TEXT.
    public static let maximumParts = 1_000

    /// Charsets a client may name in SEARCH CHARSET (RFC 9051 §6.4.4: "Servers MUST support
    /// US-ASCII and UTF-8"); the list goes into `NO [BADCHARSET (UTF-8 US-ASCII)]`.
    public static let supportedCharsets = ["UTF-8", "US-ASCII"]

    /// Whether the named CHARSET is supported (case-insensitive). Strings are always read as UTF-8,
    /// of which US-ASCII is a subset.
    public static func supportsCharset(_ name: String) -> Bool {
        supportedCharsets.contains { $0.caseInsensitiveCompare(name) == .orderedSame }
    }

    private let reader: any IMAPMessageReader
    private let now: @Sendable () -> Date

    public init(reader: any IMAPMessageReader) {
        self.init(reader: reader, now: { Date() })
    }

    /// `now` is the clock of OLDER/YOUNGER (RFC 5032); tests pass a fixed one.
    public init(reader: any IMAPMessageReader, now: @escaping @Sendable () -> Date) {
        self.reader = reader
        self.now = now
    }

    /// The candidates (every message of the selected mailbox, in sequence order) matching `key`.
    /// `*` in sequence sets / UID sets means `highestSequenceNumber` / `highestUID` of the mailbox
    /// (passed separately because the candidates may be a subset). `savedResult` is the SEARCHRES
    /// `$` (UIDs; nil = nothing saved, the empty set). Returns the matching candidates in the order
    /// given.
    public func search(_ key: IMAPSearchKey, candidates: [IMAPSearchCandidate], highestSequenceNumber: UInt32,
                       highestUID: UInt32, savedResult: [UInt32]?) async throws -> [IMAPSearchCandidate] {
        let compiler = SearchConditionCompiler(highestSequenceNumber: highestSequenceNumber, highestUID: highestUID,
                                               savedResult: savedResult, now: now())
        let condition = try compiler.compile(key)
        if case .constant(let value) = condition { return value ? candidates : [] }
        var matches: [IMAPSearchCandidate] = []
        for candidate in candidates {
            try Task.checkCancellation()
            let context = SearchMessageContext(candidate: candidate, reader: reader)
            if try await SearchEvaluator.matches(condition, context) { matches.append(candidate) }
        }
        return matches
    }
}
