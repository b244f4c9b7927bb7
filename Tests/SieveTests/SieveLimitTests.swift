import Foundation
import Testing
@testable import Sieve

/// Bounded work: hostile patterns, step budgets, action limits, and a timing benchmark.
struct SieveLimitTests {
    @Test(arguments: [
        ("a*b", "aXXb", ["aXXb", "XX"]),
        ("*", "", ["", ""]),
        ("a\\*b", "a*b", ["a*b"]),
        ("a\\*b", "aXb", nil),
        ("a\\?b\\\\", "a?b\\", ["a?b\\"]),
        ("?", "é", ["é", "é"]),
        ("*.*", "a.b.c", ["a.b.c", "a", "b.c"]),
        ("*@*", "x@y@z", ["x@y@z", "x", "y@z"]),
        ("A*", "abc", ["abc", "bc"]),
        ("", "", [""]),
        ("", "x", nil),
        ("x*y*z", "xaaayz", ["xaaayz", "aaa", ""]),
    ] as [(String, String, [String]?)])
    func wildcardMatcher(pattern: String, text: String, expected: [String]?) {
        var steps = 0
        #expect(SieveWildcardMatcher(pattern: pattern, comparator: .asciiCasemap).match(text, steps: &steps) == expected)
    }

    @Test func octetMatcherIsCaseSensitive() {
        var steps = 0
        #expect(SieveWildcardMatcher(pattern: "A*", comparator: .octet).match("abc", steps: &steps) == nil)
    }

    @Test func pathologicalPatternStaysPolynomial() {
        var steps = 0
        let pattern = String(repeating: "*a", count: 200) + "b"
        let text = String(repeating: "a", count: 5000)
        let start = Date()
        #expect(SieveWildcardMatcher(pattern: pattern, comparator: .octet).match(text, steps: &steps) == nil)
        #expect(Date().timeIntervalSince(start) < 5)
        #expect(steps < 5000 * 402)
    }

    @Test func hugeMatchesPatternHitsStepBudget() {
        var limits = SieveLimits.default
        limits.maximumSteps = 20_000
        let pattern = String(repeating: "*a", count: 2000) + "b"
        let message = "Subject: " + String(repeating: "a", count: 20_000) + "\r\n\r\nx\r\n"
        let start = Date()
        let result = run("if header :matches \"subject\" \"\(pattern)\" { discard; }", message: message, limits: limits)
        #expect(result.errors.first?.message == "script used more than 20000 evaluation steps")
        #expect(result.actions == [.keep(flags: [], implicit: true)])
        #expect(Date().timeIntervalSince(start) < 5)
    }

    @Test func longContainsIsLinear() {
        let value = String(repeating: "a", count: 60_000)
        let key = String(repeating: "a", count: 5_000) + "b"
        let start = Date()
        let absent = SieveComparator.octet.contains(value, key)
        let present = SieveComparator.asciiCasemap.contains(value + "B", String(repeating: "A", count: 500) + "b")
        #expect(!absent)
        #expect(present)
        #expect(SieveComparator.octet.contains("abcabd", "abd"))
        #expect(!SieveComparator.octet.contains("ab", "abc"))
        #expect(Date().timeIntervalSince(start) < 2)
    }

    @Test func manyUnclosedEncodedCharactersCompileQuickly() {
        let start = Date()
        let source = "require \"encoded-character\"; keep :flags \"" + String(repeating: "${", count: 30_000) + "\";"
        _ = compile(source)
        #expect(Date().timeIntervalSince(start) < 3)
    }

    @Test func actionCountIsBounded() {
        var limits = SieveLimits.default
        limits.maximumActions = 3
        let result = run("require \"fileinto\"; fileinto \"a\"; fileinto \"b\"; fileinto \"c\"; fileinto \"d\";",
                         limits: limits)
        #expect(result.errors.first?.message == "more than 3 actions")
    }

    @Test func variableLengthIsBounded() {
        var limits = SieveLimits.default
        limits.maximumVariableLength = 10
        let result = run("""
            require ["variables", "fileinto"];
            set "a" "0123456789abcdef";
            set "b" "${a}${a}${a}";
            fileinto "${b}";
            """, limits: limits)
        #expect(result.actions.first == .fileinto(mailbox: "0123456789", flags: [], create: false, copy: false))
    }

    /// Compiles a 50-rule script and runs it over 1,000 messages; prints the time (no assertion on it).
    @Test func benchmarkFiftyRulesThousandMessages() throws {
        var rules = "require [\"fileinto\", \"envelope\", \"variables\", \"relational\", \"imap4flags\", \"body\", \"subaddress\"];\n"
        for rule in 0..<50 {
            switch rule % 5 {
            case 0: rules += "if header :contains \"subject\" \"topic\(rule)\" { fileinto \"t\(rule)\"; stop; }\n"
            case 1: rules += "if address :domain :is \"from\" \"domain\(rule).example\" { addflag \"f\(rule)\"; }\n"
            case 2: rules += "if header :matches \"list-id\" \"*<list\(rule).*>*\" { fileinto \"lists.${2}\"; }\n"
            case 3: rules += "if envelope :detail \"to\" \"tag\(rule)\" { fileinto \"tags\"; }\n"
            default: rules += "if allof (size :over 10K, header :value \"ge\" \"x-spam-score\" \"\(rule % 10)\") { fileinto \"Junk\"; }\n"
            }
        }
        let compileStart = Date()
        let script = try compile(rules).get()
        let compileTime = Date().timeIntervalSince(compileStart)
        let messages = (0..<1000).map { index in
            SieveMessage(bytes: Array("""
                From: user\(index)@domain\(index % 60).example\r
                To: bob+tag\(index % 50)@example.com\r
                Subject: about topic\(index % 97)\r
                List-Id: Some list <list\(index % 53).example.org>\r
                X-Spam-Score: \(index % 10)\r
                \r
                Body of message \(index).\r

                """.utf8))
        }
        let context = FakeContext()
        let runStart = Date()
        var fileintos = 0
        for message in messages {
            let result = SieveInterpreter.run(script, message: message, envelope: Fixtures.envelope, context: context)
            fileintos += result.actions.filter { if case .fileinto = $0 { true } else { false } }.count
        }
        let runTime = Date().timeIntervalSince(runStart)
        print("Sieve benchmark: compile 50 rules \(Int(compileTime * 1000)) ms; 1000 messages \(Int(runTime * 1000)) ms; \(fileintos) fileinto actions")
        #expect(fileintos > 0)
    }
}
