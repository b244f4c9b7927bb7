// Conditions the folded header text stored at delivery decides (FROM, TO, CC, BCC, SUBJECT, and
// AND/OR/NOT of them): the store tests each message's `FoldedSearchFields` in place (issue 8).

import MailMessage

extension SearchCondition {
    /// True when every leaf is an envelope string or a constant (SENT* needs the summary's date,
    /// with its zone, which the folded fields do not keep).
    var isDecidedByFoldedFields: Bool { decidedByFoldedFields(depth: 0) }

    private func decidedByFoldedFields(depth: Int) -> Bool {
        guard depth < SearchConditionCompiler.maximumDepth else { return false }
        switch self {
        case .envelope, .constant: return true
        case .not(let inner): return inner.decidedByFoldedFields(depth: depth + 1)
        case .or(let first, let second):
            return first.decidedByFoldedFields(depth: depth + 1) && second.decidedByFoldedFields(depth: depth + 1)
        case .and(let conditions): return conditions.allSatisfy { $0.decidedByFoldedFields(depth: depth + 1) }
        default: return false
        }
    }

    /// The test `MailStore.searchFoldedFields` runs on each stored value: nil when it cannot be
    /// read (another format, damage), so the message is tested the usual way.
    var foldedFieldTest: @Sendable (UnsafeRawBufferPointer) -> Bool? {
        let condition = self
        return { bytes in
            guard let fields = FoldedSearchFields.locate(in: bytes) else { return nil }
            return condition.matches(fields, bytes, depth: 0)
        }
    }

    /// SearchEvaluator's answer for these leaves: each field was folded as the pattern is, so a
    /// substring of the folded octets is exactly `SearchPattern.occurs(in:)` of the decoded text.
    /// Recursion follows the compiled nesting (SearchConditionCompiler.maximumDepth).
    private func matches(_ fields: FoldedSearchFields, _ bytes: UnsafeRawBufferPointer, depth: Int) -> Bool {
        guard depth < SearchConditionCompiler.maximumDepth else { return false }
        switch self {
        case .constant(let value):
            return value
        case .envelope(let field, let pattern):
            return pattern.occurs(inFolded: fields.bytes(of: field.foldedField, in: bytes))
        case .not(let inner):
            return !inner.matches(fields, bytes, depth: depth + 1)
        case .or(let first, let second):
            return first.matches(fields, bytes, depth: depth + 1) || second.matches(fields, bytes, depth: depth + 1)
        case .and(let conditions):
            return conditions.allSatisfy { $0.matches(fields, bytes, depth: depth + 1) }
        default:
            return false   // not reached: isDecidedByFoldedFields admits no other leaf
        }
    }
}
