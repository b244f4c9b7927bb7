/// Bounds on what a script may cost to compile and to run. A user uploads the script and a sender
/// chooses the message, so neither may make delivery slow or exhaust memory.
public struct SieveLimits: Sendable, Hashable {
    /// Script source size in bytes (ManageSieve's MAXSCRIPTSIZE should not exceed it).
    public var maximumScriptSize: Int
    /// Longest single string literal, in bytes.
    public var maximumStringLength: Int
    /// Strings in one string list.
    public var maximumStringListCount: Int
    /// Nesting of blocks plus nested tests (allof/anyof/not), counted together.
    public var maximumNesting: Int
    /// Compile errors collected before giving up.
    public var maximumErrors: Int
    /// Evaluation steps per run: one per command and test, one per 16 bytes compared, one per
    /// `:matches` scan step. Ten million is tens of milliseconds of work.
    public var maximumSteps: Int
    /// Redirect actions per message (a loop amplifier otherwise).
    public var maximumRedirects: Int
    /// Actions per message.
    public var maximumActions: Int
    /// Nested `include` depth (RFC 6609 §3.2 lets implementations bound it).
    public var maximumIncludeDepth: Int
    /// Longest value a variable may hold (RFC 5229 §3 allows truncation), in bytes.
    public var maximumVariableLength: Int
    /// Decoded text of one body part considered by the body test, in bytes.
    public var maximumBodyPartLength: Int

    public init(maximumScriptSize: Int = 1 << 20, maximumStringLength: Int = 64 * 1024,
                maximumStringListCount: Int = 4096, maximumNesting: Int = 32, maximumErrors: Int = 25,
                maximumSteps: Int = 10_000_000, maximumRedirects: Int = 4, maximumActions: Int = 64,
                maximumIncludeDepth: Int = 5, maximumVariableLength: Int = 16 * 1024,
                maximumBodyPartLength: Int = 1 << 20) {
        self.maximumScriptSize = maximumScriptSize
        self.maximumStringLength = maximumStringLength
        self.maximumStringListCount = maximumStringListCount
        self.maximumNesting = maximumNesting
        self.maximumErrors = maximumErrors
        self.maximumSteps = maximumSteps
        self.maximumRedirects = maximumRedirects
        self.maximumActions = maximumActions
        self.maximumIncludeDepth = maximumIncludeDepth
        self.maximumVariableLength = maximumVariableLength
        self.maximumBodyPartLength = maximumBodyPartLength
    }

    public static let `default` = SieveLimits()
}
