import Testing
@testable import POP3Server

@Suite struct POP3CommandParserTests {
    static let good: [(String, POP3Command)] = [
        ("USER alice@example.test", .user("alice@example.test")),
        ("user alice", .user("alice")),
        ("PASS secret", .pass("secret")),
        ("PASS with spaces  inside ", .pass("with spaces  inside ")),
        ("PASS  leading", .pass(" leading")),
        ("PASS pässwörd", .pass("pässwörd")),
        ("QUIT", .quit),
        ("quit", .quit),
        ("STAT", .stat),
        ("LIST", .list(nil)),
        ("LIST 1", .list(1)),
        ("list  12 ", .list(12)),
        ("RETR 1", .retr(1)),
        ("RETR 0", .retr(0)),
        ("RETR 4294967296", .retr(4_294_967_296)),
        ("DELE 7", .dele(7)),
        ("NOOP", .noop),
        ("RSET", .rset),
        ("TOP 1 0", .top(message: 1, lines: 0)),
        ("TOP 3 10", .top(message: 3, lines: 10)),
        ("UIDL", .uidl(nil)),
        ("UIDL 2", .uidl(2)),
        ("CAPA", .capa),
        ("AUTH", .auth(mechanism: nil, initialResponse: nil)),
        ("AUTH plain", .auth(mechanism: "PLAIN", initialResponse: nil)),
        ("AUTH PLAIN AGFsaWNlAHNlY3JldA==", .auth(mechanism: "PLAIN", initialResponse: "AGFsaWNlAHNlY3JldA==")),
        ("AUTH PLAIN =", .auth(mechanism: "PLAIN", initialResponse: "")),
        ("STLS", .stls),
        ("UTF8", .utf8),
    ]

    @Test(arguments: good)
    func parsesGoodForms(input: String, expected: POP3Command) throws {
        #expect(try POP3CommandParser.parse(Array(input.utf8)) == expected)
    }

    static let bad: [(String, POP3CommandError)] = [
        ("", .empty),
        ("APOP alice 0123456789abcdef", .unknownCommand),
        ("XYZZY", .unknownCommand),
        ("RETRX 1", .unknownCommand),
        ("USER", .missingArgument),
        ("USER a b", .tooManyArguments),
        ("PASS", .missingArgument),
        ("PASS ", .missingArgument),
        ("RETR", .missingArgument),
        ("RETR 1 2", .tooManyArguments),
        ("RETR -1", .invalidNumber),
        ("RETR +1", .invalidNumber),
        ("RETR 1x", .invalidNumber),
        ("LIST abc", .invalidNumber),
        ("RETR 99999999999", .invalidNumber),
        ("RETR 123456789012345678901234567890", .invalidNumber),
        ("DELE 0x10", .invalidNumber),
        ("TOP 1", .missingArgument),
        ("TOP 1 -1", .invalidNumber),
        ("TOP 1 2 3", .tooManyArguments),
        ("STAT now", .tooManyArguments),
        ("QUIT please", .tooManyArguments),
        ("AUTH PLAIN a b", .tooManyArguments),
        ("USER \(String(repeating: "a", count: 256))", .argumentTooLong),
        ("PASS \(String(repeating: "p", count: 256))", .argumentTooLong),
    ]

    @Test(arguments: bad)
    func refusesBadForms(input: String, expected: POP3CommandError) {
        #expect(throws: expected) { try POP3CommandParser.parse(Array(input.utf8)) }
    }

    @Test(arguments: [
        Array("USER a\u{0}b".utf8),
        Array("NOOP\r".utf8),
        [0x55, 0x53, 0x45, 0x52, 0x20, 0xFF, 0xFE],        // USER + invalid UTF-8
        Array("PASS a\u{7F}".utf8),
        [0x00],
    ])
    func refusesControlCharactersAndInvalidUTF8(input: [UInt8]) {
        #expect(throws: POP3CommandError.invalidCharacters) { try POP3CommandParser.parse(input) }
    }

    @Test func hugeArgumentsAreBoundedNotCrashing() {
        let huge = Array("RETR ".utf8) + Array(repeating: UInt8(ascii: "9"), count: 100_000)
        #expect(throws: POP3CommandError.argumentTooLong) { try POP3CommandParser.parse(huge) }
        let manyArguments = Array("LIST".utf8) + Array(repeating: Array(" 1".utf8), count: 10_000).flatMap { $0 }
        #expect(throws: POP3CommandError.tooManyArguments) { try POP3CommandParser.parse(manyArguments) }
    }

    @Test func keywordNamesTheMetricDimension() throws {
        #expect(try POP3CommandParser.parse(Array("top 1 2".utf8)).keyword == "TOP")
        #expect(POP3Command.auth(mechanism: nil, initialResponse: nil).keyword == "AUTH")
    }
}
