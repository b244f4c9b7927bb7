// Tests one compiled condition against one message, short-circuiting AND and OR.

import Foundation
import MailMessage
import MailStore

enum SearchEvaluator {
    /// Recursion follows the condition's nesting, bounded by SearchConditionCompiler.maximumDepth.
    static func matches(_ condition: SearchCondition, _ context: SearchMessageContext) async throws -> Bool {
        let message = context.message
        switch condition {
        case .constant(let value):
            return value
        case .flag(let name, let isSet):
            // RFC 9051 §2.3.2: flag and keyword names are case-insensitive.
            return message.flags.contains { $0.caseInsensitiveCompare(name) == .orderedSame } == isSet
        case .sequenceNumbers(let set):
            return set.contains(context.candidate.sequenceNumber)
        case .uids(let set):
            return set.contains(message.uid)
        case .internalDay(let test):
            return test.accepts(SearchDay.number(message.internalDate))
        case .savedDay(let test):
            return test.accepts(SearchDay.number(message.saveDate))
        case .internalDateAtOrBefore(let instant):
            return message.internalDate <= instant
        case .internalDateAtOrAfter(let instant):
            return message.internalDate >= instant
        case .larger(let size):
            return UInt64(max(0, message.size)) > size
        case .smaller(let size):
            return UInt64(max(0, message.size)) < size
        case .modSequenceAtLeast(let value):
            return message.modSeq >= value
        case .fullTextCandidates(let uids):
            return uids.contains(message.uid)
        case .sentDay(let test):
            // A message without a parsable Date: header has no sent date, so no SENT* key matches it.
            guard let sent = try await context.sentDate() else { return false }
            return test.accepts(SearchDay.number(sent))
        case .envelope(let field, let pattern):
            return try await context.field(field, contains: pattern)
        case .header(let name, let pattern):
            return try await headerMatches(name, pattern, context)
        case .body(let pattern):
            return try await bodyMatches(pattern, context)
        case .text(let pattern):
            if pattern.occurs(in: try await context.headerText()) { return true }
            if try await bodyMatches(pattern, context) { return true }
            return try await context.partHeaderTexts().contains { pattern.occurs(in: $0) }
        case .not(let inner):
            return try await !matches(inner, context)
        case .or(let first, let second):
            if try await matches(first, context) { return true }
            return try await matches(second, context)
        case .and(let conditions):
            for inner in conditions {
                if try await !matches(inner, context) { return false }
            }
            return true
        }
    }

    /// HEADER field string (RFC 9051 §6.4.4): some field of that name whose value contains the
    /// string; the empty string tests presence. Address fields with a non-empty string are answered
    /// from the summary, which holds all their occurrences decoded, without reading the header.
    private static func headerMatches(_ name: String, _ pattern: SearchPattern,
                                      _ context: SearchMessageContext) async throws -> Bool {
        if !pattern.isEmpty, let field = summaryField(name) {
            return try await context.field(field, contains: pattern)
        }
        return try await context.header().contains { field in
            field.name.caseInsensitiveCompare(name) == .orderedSame && pattern.occurs(in: field.foldedValue)
        }
    }

    private static func summaryField(_ name: String) -> SearchCondition.EnvelopeField? {
        switch name.lowercased() {
        case "from": return .from
        case "to": return .to
        case "cc": return .cc
        case "bcc": return .bcc
        default: return nil
        }
    }

    private static func bodyMatches(_ pattern: SearchPattern, _ context: SearchMessageContext) async throws -> Bool {
        try await context.bodyTexts().contains { pattern.occurs(in: $0) }
    }
}
