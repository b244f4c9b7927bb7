// Where each SEARCH envelope key (RFC 9051 §6.4.4 FROM, TO, CC, BCC, SUBJECT) finds its text.

import MailMessage

extension SearchCondition.EnvelopeField {
    /// The decoded header text kept in the summary (RFC 2047 words decoded, addresses as written,
    /// e.g. `"Jane Doe" <jane@example.org>`, every occurrence joined).
    func text(in search: SearchText) -> String {
        switch self {
        case .from: return search.from
        case .to: return search.to
        case .cc: return search.cc
        case .bcc: return search.bcc
        case .subject: return search.subject
        }
    }

    /// The same text's place in a stored summary.
    var storedField: StoredSearchTextLayout.Field {
        switch self {
        case .from: return .from
        case .to: return .to
        case .cc: return .cc
        case .bcc: return .bcc
        case .subject: return .subject
        }
    }

    /// The same text's place in the stored folded fields.
    var foldedField: FoldedSearchFields.Field {
        switch self {
        case .from: return .from
        case .to: return .to
        case .cc: return .cc
        case .bcc: return .bcc
        case .subject: return .subject
        }
    }
}
