import Testing
@testable import Sieve

/// RFC 5228 §8.1 lexical rules, with positions.
struct SieveLexerTests {
    private func kinds(_ source: String) -> [SieveToken.Kind]? {
        try? SieveLexer.tokenize(source, limits: .default).get().map(\.kind)
    }

    @Test(arguments: [
        ("keep;", [SieveToken.Kind.identifier("keep"), .semicolon, .endOfInput]),
        ("FileInto :COPY \"x\";", [.identifier("fileinto"), .tag("copy"), .string("x"), .semicolon, .endOfInput]),
        ("size :over 100K", [.identifier("size"), .tag("over"), .number(102_400), .endOfInput]),
        ("1M 2g 0 12", [.number(1_048_576), .number(2_147_483_648), .number(0), .number(12), .endOfInput]),
        (#""a\"b\\c\d""#, [.string(#"a"b\cd"#), .endOfInput]),
        ("[\"a\", \"b\"]", [.leftBracket, .string("a"), .comma, .string("b"), .rightBracket, .endOfInput]),
        ("(true,false){}", [.leftParen, .identifier("true"), .comma, .identifier("false"), .rightParen,
                            .leftBrace, .rightBrace, .endOfInput]),
        ("# comment\nstop; /* multi\nline */ keep;", [.identifier("stop"), .semicolon, .identifier("keep"),
                                                       .semicolon, .endOfInput]),
        ("/* a * b **/stop", [.identifier("stop"), .endOfInput]),
        ("text:\r\nline 1\r\n..dot\r\n.\r\n", [.string("line 1\r\n.dot\r\n"), .endOfInput]),
        ("text: # comment\nhello\n.\n;", [.string("hello\r\n"), .semicolon, .endOfInput]),
        ("\"caf\u{E9}\"", [.string("caf\u{E9}"), .endOfInput]),
        ("_x9", [.identifier("_x9"), .endOfInput]),
    ])
    func tokens(source: String, expected: [SieveToken.Kind]) {
        #expect(kinds(source) == expected)
    }

    @Test func positionsCountLinesAndScalars() throws {
        let tokens = try SieveLexer.tokenize("# é\n  \"é\" keep\n\tstop;", limits: .default).get()
        #expect(tokens.map(\.position) == [
            SourcePosition(line: 2, column: 3), SourcePosition(line: 2, column: 7),
            SourcePosition(line: 3, column: 2), SourcePosition(line: 3, column: 6),
            SourcePosition(line: 3, column: 7),
        ])
        #expect(tokens[0].end == SourcePosition(line: 2, column: 6))
    }

    @Test(arguments: [
        ("\"abc", "1:1: unterminated string (missing '\"')"),
        ("keep;\n  /* open", "2:3: unterminated '/*' comment"),
        ("text:\nabc\n", "1:1: unterminated multi-line string (missing a line with only '.')"),
        ("text: x\n.\n", "1:1: expected end of line after 'text:'"),
        ("keep; @", "1:7: unexpected character '@'"),
        ("size :over 12x", "1:12: invalid number: unexpected letter after digits"),
        ("size :over 99999999999999999999", "1:12: number is too large"),
        ("keep : x", "1:6: expected a tag name after ':'"),
    ])
    func lexicalErrors(source: String, expected: String) {
        switch SieveLexer.tokenize(source, limits: .default) {
        case .success: Issue.record("expected an error for \(source)")
        case .failure(let error): #expect(error.description == expected)
        }
    }

    @Test func boundsScriptAndStringSize() {
        var limits = SieveLimits.default
        limits.maximumScriptSize = 10
        #expect((try? SieveLexer.tokenize(String(repeating: " ", count: 11), limits: limits).get()) == nil)
        limits = .default
        limits.maximumStringLength = 5
        #expect((try? SieveLexer.tokenize("\"123456\"", limits: limits).get()) == nil)
        #expect((try? SieveLexer.tokenize("\"12345\"", limits: limits).get()) != nil)
    }
}
