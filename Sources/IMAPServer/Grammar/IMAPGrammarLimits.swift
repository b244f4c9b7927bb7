// The bounds every IMAP parser and framer enforces on untrusted input (DESIGN.md rule 2).

/// Limits on what one client command may contain. Each exists so that a hostile or broken
/// client costs a bounded amount of memory and time; the defaults are generous for real clients.
public struct IMAPGrammarLimits: Sendable, Equatable {
    /// Elements (numbers or ranges) in one sequence set. `1:4294967295` is one element.
    public var maxSequenceSetElements: Int = 10_000
    /// Depth of part numbers in a section (`BODY[1.2.3]` has depth 3).
    public var maxSectionDepth: Int = 32
    /// Nesting of parentheses, NOT and OR in SEARCH, and of nested option values.
    public var maxNestingDepth: Int = 32
    /// Items in any other list (fetch attributes, flags, header field names, patterns, ...).
    public var maxListItems: Int = 1_000
    /// Messages in one MULTIAPPEND command (RFC 3502).
    public var maxAppendMessages: Int = 1_000

    public init() {}
}
