/// One lexical unit of a Sieve script (RFC 5228 §8.1) with where it starts, so every later error
/// can point at a line and column.
struct SieveToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case identifier(String)     // lower-cased: RFC 5228 §2.9 identifiers are case-insensitive
        case tag(String)            // without the colon, lower-cased
        case number(Int)
        case string(String)         // quoted or multi-line, escapes and dot-stuffing removed
        case leftBracket, rightBracket, leftParen, rightParen, leftBrace, rightBrace
        case comma, semicolon
        case endOfInput
    }

    var kind: Kind
    var position: SourcePosition
    /// Position just after the token, for "expected ';' after …" messages that point at the gap.
    var end: SourcePosition

    var displayName: String {
        switch kind {
        case .identifier(let name): "identifier '\(name)'"
        case .tag(let name): "tag ':\(name)'"
        case .number(let value): "number \(value)"
        case .string: "string"
        case .leftBracket: "'['"
        case .rightBracket: "']'"
        case .leftParen: "'('"
        case .rightParen: "')'"
        case .leftBrace: "'{'"
        case .rightBrace: "'}'"
        case .comma: "','"
        case .semicolon: "';'"
        case .endOfInput: "end of script"
        }
    }
}
