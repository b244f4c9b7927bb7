// Why a SEARCH could not be evaluated (the session answers these with a tagged NO or BAD).

/// Errors of `IMAPSearchEngine.search`; store errors from the reader pass through unchanged.
public enum IMAPSearchError: Error, Sendable, Equatable {
    /// A key nested deeper than `IMAPSearchEngine.maximumNestingDepth` (the parser allows far less;
    /// this only guards keys built in code).
    case nestingTooDeep
}
