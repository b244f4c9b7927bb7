/// The parse tree of a script (RFC 5228 §8.2): commands with arguments, tests and blocks. Names are
/// lower-cased; strings are as written (variables are expanded at run time).
struct SieveArgument: Sendable, Equatable {
    enum Value: Sendable, Equatable {
        case tag(String)
        case number(Int)
        case string(String)
        /// `[ "a", "b" ]`; a single string is `.string`, so validators can tell the two apart.
        case stringList([String])
    }

    var value: Value
    var position: SourcePosition

    /// The argument as a list of strings, for positions that accept a string-list.
    var strings: [String]? {
        switch value {
        case .string(let string): [string]
        case .stringList(let list): list
        default: nil
        }
    }
}

/// A test: identifier, arguments and nested tests (one for `not`, a list for allof/anyof).
struct SieveTestNode: Sendable, Equatable {
    var name: String
    var position: SourcePosition
    var arguments: [SieveArgument]
    var tests: [SieveTestNode]
    /// True when the tests were written as a parenthesised test-list.
    var hasTestList: Bool
}

/// A command: identifier, arguments, optional test(s), and a block or nothing (';').
struct SieveCommandNode: Sendable, Equatable {
    var name: String
    var position: SourcePosition
    /// Where the ';' or '{' was expected, for messages about the command's end.
    var end: SourcePosition
    var arguments: [SieveArgument]
    var tests: [SieveTestNode]
    var hasTestList: Bool
    var block: [SieveCommandNode]?
}
