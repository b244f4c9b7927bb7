// RFC 5804 §4 commands: (input → command) and (input → error) tables.

import Testing
@testable import ManageSieveServer

struct ManageSieveCommandParserTests {
    static func line(_ parts: ManageSieveCommandLine.Segment...) -> ManageSieveCommandLine { .init(parts) }

    static let valid: [(ManageSieveCommandLine, ManageSieveCommand)] = [
        (.init(text: "CAPABILITY"), .capability),
        (.init(text: "capability"), .capability),
        (.init(text: "Logout"), .logout),
        (.init(text: "STARTTLS"), .startTLS),
        (.init(text: "NOOP"), .noop(tag: nil)),
        (.init(text: "NOOP \"STARTTLS-SYNC-42\""), .noop(tag: Array("STARTTLS-SYNC-42".utf8))),
        (.init(text: "AUTHENTICATE \"PLAIN\""), .authenticate(mechanism: "PLAIN", initialResponse: nil)),
        (.init(text: "Authenticate \"plain\" \"AGEAYg==\""),
         .authenticate(mechanism: "PLAIN", initialResponse: Array("AGEAYg==".utf8))),
        (.init(text: "AUTHENTICATE PLAIN"), .authenticate(mechanism: "PLAIN", initialResponse: nil)),
        (line(.text(Array("AUTHENTICATE \"PLAIN\" ".utf8)), .literal(Array("AGEAYg==".utf8)), .text([])),
         .authenticate(mechanism: "PLAIN", initialResponse: Array("AGEAYg==".utf8))),
        (.init(text: "HAVESPACE \"myscript\" 999999"), .haveSpace(name: "myscript", size: 999_999)),
        (.init(text: "HAVESPACE \"a\" 0"), .haveSpace(name: "a", size: 0)),
        (line(.text(Array("Putscript \"foo\" ".utf8)), .literal(Array("keep;".utf8)), .text([])),
         .putScript(name: "foo", content: Array("keep;".utf8))),
        (.init(text: "PUTSCRIPT \"foo\" \"keep;\""), .putScript(name: "foo", content: Array("keep;".utf8))),
        (line(.text(Array("CHECKSCRIPT ".utf8)), .literal(Array("keep;".utf8)), .text([])),
         .checkScript(content: Array("keep;".utf8))),
        (.init(text: "LISTSCRIPTS"), .listScripts),
        (.init(text: "SETACTIVE \"\""), .setActive(name: "")),
        (.init(text: "SETACTIVE \"vacation\""), .setActive(name: "vacation")),
        (.init(text: "GETSCRIPT \"quote\\\"d\\\\\""), .getScript(name: "quote\"d\\")),
        (.init(text: "DELETESCRIPT \"été\""), .deleteScript(name: "été")),
        (line(.text(Array("RENAMESCRIPT ".utf8)), .literal(Array("a b".utf8)), .text([32]), .literal([99]), .text([])),
         .renameScript(from: "a b", to: "c")),
        (.init(text: "UNAUTHENTICATE"), .unauthenticate),
    ]

    @Test(arguments: valid)
    func parses(_ line: ManageSieveCommandLine, _ expected: ManageSieveCommand) throws {
        #expect(try ManageSieveCommandParser.parse(line) == expected)
    }

    static let invalid: [String] = [
        "",
        "\"CAPABILITY\"",
        "FROBNICATE",
        "CAPABILITY now",
        "LOGOUT \"x\"",
        "HAVESPACE \"a\"",
        "HAVESPACE \"a\" -1",
        "HAVESPACE \"a\" 4294967296",
        "HAVESPACE \"a\" 007",
        "HAVESPACE a 7",
        "GETSCRIPT",
        "GETSCRIPT \"a\" \"b\"",
        "GETSCRIPT \"unterminated",
        "GETSCRIPT \"bad\\escape\"",
        "GETSCRIPT \"a\"\"b\"",
        "NOOP 12",
        "NOOP {}",
        "AUTHENTICATE",
        "AUTHENTICATE \"PLAIN\" \"a\" \"b\"",
        "RENAMESCRIPT \"a\"",
        "PUTSCRIPT \"a\"",
        "GETSCRIPT \"" + String(repeating: "x", count: 1025) + "\"",
    ]

    @Test(arguments: invalid)
    func refuses(_ text: String) {
        #expect(throws: ManageSieveParseError.self) { try ManageSieveCommandParser.parse(.init(text: text)) }
    }

    @Test func refusesNonUTF8Names() {
        let line = ManageSieveCommandLine([.text(Array("GETSCRIPT ".utf8)), .literal([0xFF, 0xFE]), .text([])])
        #expect(throws: ManageSieveParseError.self) { try ManageSieveCommandParser.parse(line) }
    }

    @Test func quotedStringOf1024OctetsIsAccepted() throws {
        let name = String(repeating: "x", count: 1024)
        #expect(try ManageSieveCommandParser.parse(.init(text: "GETSCRIPT \"\(name)\"")) == .getScript(name: name))
    }

    @Test func saslResponses() throws {
        #expect(try ManageSieveCommandParser.parseSASLResponse(.init(text: "\"AGEAYg==\"")) == Array("AGEAYg==".utf8))
        #expect(try ManageSieveCommandParser.parseSASLResponse(.init(text: "\"*\"")) == [UInt8(ascii: "*")])
        let literal = ManageSieveCommandLine([.text([]), .literal(Array("AGEAYg==".utf8)), .text([])])
        #expect(try ManageSieveCommandParser.parseSASLResponse(literal) == Array("AGEAYg==".utf8))
        #expect(throws: ManageSieveParseError.self) { try ManageSieveCommandParser.parseSASLResponse(.init(text: "AGEAYg==")) }
        #expect(throws: ManageSieveParseError.self) { try ManageSieveCommandParser.parseSASLResponse(.init(text: "\"a\" \"b\"")) }
    }
}
