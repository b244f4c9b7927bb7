// Conditions the stored summary alone decides (FROM, TO, CC, BCC, SUBJECT, SENT*, and AND/OR/NOT
// of them): the store can test them where it keeps the summaries and hand back UIDs (issue 8).

import Foundation
import MailMessage

extension SearchCondition {
    /// True when every leaf is an envelope string, a sent date or a constant.
    var isDecidedBySummary: Bool { decidedBySummary(depth: 0) }

    private func decidedBySummary(depth: Int) -> Bool {
        guard depth < SearchConditionCompiler.maximumDepth else { return false }
        switch self {
        case .envelope, .sentDay, .constant: return true
        case .not(let inner): return inner.decidedBySummary(depth: depth + 1)
        case .or(let first, let second):
            return first.decidedBySummary(depth: depth + 1) && second.decidedBySummary(depth: depth + 1)
        case .and(let conditions): return conditions.allSatisfy { $0.decidedBySummary(depth: depth + 1) }
        default: return false
        }
    }

    /// The test `MailStore.searchSummaries` runs on each stored summary: nil when the summary
    /// cannot be read in place (a JSON row, damage), so the message is tested the usual way,
    /// which falls back to its bytes exactly as before.
    var summaryTest: @Sendable (Data) -> Bool? {
        let condition = self
        return { data in
            guard let layout = try? StoredSearchTextLayout.locate(in: data) else { return nil }
            return condition.matches(layout, data, depth: 0)
        }
    }

    /// SearchEvaluator's answer for these leaves, from the located layout. Recursion follows the
    /// compiled nesting (SearchConditionCompiler.maximumDepth).
    private func matches(_ layout: StoredSearchTextLayout, _ data: Data, depth: Int) -> Bool {
        guard depth < SearchConditionCompiler.maximumDepth else { return false }
        switch self {
        case .constant(let value):
            return value
        case .envelope(let field, let pattern):
            return layout.withBytes(of: field.storedField, in: data) { pattern.occurs(inUTF8: $0) }
        case .sentDay(let test):
            // A message without a parsable Date: header has no sent date, so no SENT* key matches it.
            guard let sent = layout.sentDate else { return false }
            return test.accepts(SearchDay.number(sent))
        case .not(let inner):
            return !inner.matches(layout, data, depth: depth + 1)
        case .or(let first, let second):
            return first.matches(layout, data, depth: depth + 1) || second.matches(layout, data, depth: depth + 1)
        case .and(let conditions):
            return conditions.allSatisfy { $0.matches(layout, data, depth: depth + 1) }
        default:
            return false   // not reached: isDecidedBySummary admits no other leaf
        }
    }
}
