import Testing
@testable import MailMessage

@Suite("Addresses (RFC 5322 §3.4)")
struct AddressTests {
    /// name | route | local | domain, with "(" ")" markers for groups, to keep tables short.
    static func render(_ addresses: [Address]) -> [String] {
        addresses.map { address in
            switch address.kind {
            case .groupStart: return "(\(address.localPart ?? "")"
            case .groupEnd: return ")"
            case .mailbox:
                return [address.displayName ?? "-", address.route ?? "-", address.localPart ?? "-", address.domain ?? "-"]
                    .joined(separator: "|")
            }
        }
    }

    @Test("RFC 2822 Appendix A and common forms", arguments: [
        ("John Doe <jdoe@machine.example>", ["John Doe|-|jdoe|machine.example"]),
        ("\"Joe Q. Public\" <john.q.public@example.com>", ["Joe Q. Public|-|john.q.public|example.com"]),
        ("Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>",
         ["Mary Smith|-|mary|x.test", "-|-|jdoe|example.org", "Who?|-|one|y.test"]),
        ("<boss@nil.test>, \"Giant; \\\"Big\\\" Box\" <sysservices@example.net>",
         ["-|-|boss|nil.test", "Giant; \"Big\" Box|-|sysservices|example.net"]),
        ("A Group:Chris Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;",
         ["(A Group", "Chris Jones|-|c|a.test", "-|-|joe|where.test", "John|-|jdoe|one.test", ")"]),
        ("Undisclosed recipients:;", ["(Undisclosed recipients", ")"]),
        ("undisclosed-recipients:;", ["(undisclosed-recipients", ")"]),
        // A.5: comments everywhere
        ("Pete(A wonderful \\) chap) <pete(his account)@silly.test(his host)>", ["Pete|-|pete|silly.test"]),
        ("A Group(Some people)\r\n     :Chris Jones <c@(Chris's host.)public.example>,\r\n         joe@example.org,\r\n  John <jdoe@one.test> (my dear friend); (the end of the group)",
         ["(A Group", "Chris Jones|-|c|public.example", "-|-|joe|example.org", "John|-|jdoe|one.test", ")"]),
        ("(Empty list)(start)Undisclosed recipients  :(nobody(that I know))  ;", ["(Undisclosed recipients", ")"]),
        // A.6.1: obsolete forms
        ("Joe Q. Public <john.q.public@example.com>", ["Joe Q. Public|-|john.q.public|example.com"]),
        ("Mary Smith <@machine.tld:mary@example.net>, , jdoe@test   . example",
         ["Mary Smith|@machine.tld|mary|example.net", "-|-|jdoe|test.example"]),
        ("<@a.test,@b.test:x@c.test>", ["-|@a.test,@b.test|x|c.test"]),
        ("John Doe <jdoe@machine(comment).  example>", ["John Doe|-|jdoe|machine.example"]),
        // quoted local parts
        ("\"john doe\"@example.com", ["-|-|\"john doe\"|example.com"]),
        ("\"plain\"@example.com", ["-|-|plain|example.com"]),
        ("<\"a\\\"b\"@example.com>", ["-|-|\"a\\\"b\"|example.com"]),
        ("x@[192.0.2.1]", ["-|-|x|[192.0.2.1]"]),
        ("=?utf-8?q?J=C3=BCrgen?= <j@example.de>", ["=?utf-8?q?J=C3=BCrgen?=|-|j|example.de"]),
    ])
    func parse(input: String, expected: [String]) {
        #expect(Self.render(AddressParser.parse(input)) == expected)
    }

    @Test("garbage never traps", arguments: [
        ("", [String]()),
        ("undisclosed-recipients", ["-|-|undisclosed-recipients|MISSING_DOMAIN"]),
        ("<>", []),
        ("Name <>", ["Name|-|MISSING_MAILBOX|MISSING_DOMAIN"]),
        ("@@@", []),
        ("John Smith john@example.com", ["John Smith|-|john|example.com"]),
        ("\"unterminated <a@b>", ["-|-|\"unterminated <a@b>\"|MISSING_DOMAIN"]),
        ("a@b <c@d>", ["-|-|c|d"]),
        (",,,;;;>>><<<", []),
        ("Group: a@b; Other: ;", ["(Group", "-|-|a|b", ")", "(Other", ")"]),
        ("Unclosed group: a@b", ["(Unclosed group", "-|-|a|b", ")"]),
        ("(((((", []),
    ])
    func garbage(input: String, expected: [String]) {
        #expect(Self.render(AddressParser.parse(input)) == expected)
    }

    @Test func decodedDisplayName() {
        let address = AddressParser.parse("=?utf-8?q?J=C3=BCrgen?= <j@example.de>")[0]
        #expect(address.decodedDisplayName == "Jürgen")
        #expect(address.description == "Jürgen <j@example.de>")
    }

    @Test func addressCountIsBounded() {
        let list = Array(repeating: "a@b", count: AddressParser.maximumAddresses + 50).joined(separator: ",")
        #expect(AddressParser.parse(list).count == AddressParser.maximumAddresses)
    }
}
