import Testing
@testable import Sieve

/// RFC 5228 §8.2 grammar and syntax error messages with exact positions.
struct SieveParserTests {
    @Test func parsesCommandsTestsAndBlocks() throws {
        let tree = try SieveParser.parse("""
            if anyof (header :is "a" "b", not exists ["c", "d"]) { fileinto "x"; } else { stop; }
            """, limits: .default).get()
        #expect(tree.count == 2)
        #expect(tree[0].name == "if")
        #expect(tree[0].tests.first?.name == "anyof")
        #expect(tree[0].tests.first?.hasTestList == true)
        #expect(tree[0].tests.first?.tests.map(\.name) == ["header", "not"])
        #expect(tree[0].tests.first?.tests[1].tests.first?.arguments.first?.value == .stringList(["c", "d"]))
        #expect(tree[0].block?.first?.arguments.first?.value == .string("x"))
        #expect(tree[1].name == "else")
        #expect(tree[1].block?.first?.name == "stop")
    }

    @Test(arguments: [
        ("require \"fileinto\";\nif true {\n  fileinto \"x\"\n}\n", "3:15: expected ';' after command 'fileinto'"),
        ("keep", "1:5: expected ';' after command 'keep'"),
        ("if true { keep;", "1:9: block of command 'if' is not closed: missing '}'"),
        ("keep; }", "1:7: unexpected '}' without a matching '{'"),
        ("if header :is [\"a\" \"b\"] \"c\" {}", "1:20: expected ',' or ']' in string list, found string"),
        ("if anyof (true false) {}", "1:16: test 'true' does not take a test"),
        ("if anyof () {}", "1:11: expected a test in the test list, found ')'"),
        ("\"x\";", "1:1: expected a command, found string"),
        ("if true { 12 }", "1:11: expected a command or '}', found number 12"),
    ])
    func syntaxErrors(source: String, expected: String) {
        #expect(errors(source) == [expected])
    }

    @Test func nestingIsBounded() {
        let deepTests = "if " + String(repeating: "not ", count: 100) + "true {}"
        #expect(errors(deepTests).first?.contains("nesting is deeper") == true)
        let deepBlocks = String(repeating: "if true {", count: 100) + String(repeating: "}", count: 100)
        #expect(errors(deepBlocks).first?.contains("nesting is deeper") == true)
    }

    /// Random bytes and mutated scripts must produce a result, never a crash or a hang.
    @Test func randomInputNeverCrashes() {
        var generator = SplitMix(seed: 42)
        let alphabet = Array("if{}()[],;:\"\\#/*text:\n .K0123 anyof not header :matches \"*?\" stop keep".utf8)
        for round in 0..<3000 {
            let length = Int(generator.next() % 200)
            var bytes: [UInt8] = []
            for _ in 0..<length {
                bytes.append(round % 2 == 0 ? UInt8(truncatingIfNeeded: generator.next())
                             : alphabet[Int(generator.next() % UInt64(alphabet.count))])
            }
            let source = String(decoding: bytes, as: UTF8.self)
            if case .success(let script) = SieveCompiler.compile(source) {
                _ = SieveInterpreter.run(script, message: SieveMessage(bytes: Array(Fixtures.simpleMessage.utf8)),
                                         envelope: Fixtures.envelope, context: FakeContext())
            }
        }
    }
}

/// Deterministic generator so robustness runs are reproducible.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
