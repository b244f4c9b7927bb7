import Testing
@testable import SMTPServer

@Suite struct SMTPCommandParserTests {
    static func parse(_ line: String) -> Result<SMTPCommand, SMTPCommandError> {
        do throws(SMTPCommandError) {
            return .success(try SMTPCommandParser.parse(Array(line.utf8)))
        } catch {
            return .failure(error)
        }
    }

    static let valid: [(String, SMTPCommand)] = [
        ("EHLO client.example.org", .ehlo("client.example.org")),
        ("ehlo [192.0.2.1]", .ehlo("[192.0.2.1]")),
        ("EHLO MY_PC", .ehlo("MY_PC")),
        ("HELO relay.example.org", .helo("relay.example.org")),
        ("LHLO foo.edu", .lhlo("foo.edu")),
        ("MAIL FROM:<Smith@bar.com>", .mail(SMTPEnvelope(reversePath: "Smith@bar.com"))),
        ("mail from:<>", .mail(SMTPEnvelope(reversePath: ""))),
        ("MAIL FROM: <a@b.example>", .mail(SMTPEnvelope(reversePath: "a@b.example"))),
        ("MAIL FROM:<@hosta.int,@jkl.org:userc@d.bar.org>", .mail(SMTPEnvelope(reversePath: "userc@d.bar.org"))),
        ("MAIL FROM:<\"john doe\"@example.com>", .mail(SMTPEnvelope(reversePath: "\"john doe\"@example.com"))),
        ("MAIL FROM:<\"john\"@example.com>", .mail(SMTPEnvelope(reversePath: "john@example.com"))),
        ("MAIL FROM:<\"a\\\"b\"@example.com>", .mail(SMTPEnvelope(reversePath: "\"a\\\"b\"@example.com"))),
        ("MAIL FROM:<user@[192.0.2.1]>", .mail(SMTPEnvelope(reversePath: "user@[192.0.2.1]"))),
        ("MAIL FROM:<user@[IPv6:2001:db8::1]>", .mail(SMTPEnvelope(reversePath: "user@[IPv6:2001:db8::1]"))),
        ("MAIL FROM:<a@b.example> SIZE=1000 BODY=8bitmime",
         .mail(SMTPEnvelope(reversePath: "a@b.example", body: "8BITMIME", declaredSize: 1000))),
        ("MAIL FROM:<a@b.example> BODY=BINARYMIME", .mail(SMTPEnvelope(reversePath: "a@b.example", body: "BINARYMIME"))),
        ("MAIL FROM:<a@b.example> SIZE=99999999999999999999",
         .mail(SMTPEnvelope(reversePath: "a@b.example", declaredSize: Int.max))),
        ("MAIL FROM:<δοκιμή@παράδειγμα.δοκιμή> SMTPUTF8",
         .mail(SMTPEnvelope(reversePath: "δοκιμή@παράδειγμα.δοκιμή", smtpUTF8: true))),
        ("MAIL FROM:<a@b.example> RET=HDRS ENVID=QQ314159+2Bx",
         .mail(SMTPEnvelope(reversePath: "a@b.example", dsnReturn: "HDRS", dsnEnvelopeID: "QQ314159+x"))),
        ("RCPT TO:<Jones@foo.com>", .rcpt(SMTPRecipient(address: "Jones@foo.com"))),
        ("RCPT TO:<postmaster>", .rcpt(SMTPRecipient(address: "postmaster"))),
        ("RCPT TO:<Postmaster>", .rcpt(SMTPRecipient(address: "postmaster"))),
        ("RCPT TO:<Postmaster@foo.com>", .rcpt(SMTPRecipient(address: "Postmaster@foo.com"))),
        ("RCPT TO:<user+tag@example.com> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;user+2Btag@example.com",
         .rcpt(SMTPRecipient(address: "user+tag@example.com", notify: "SUCCESS,FAILURE",
                             originalRecipient: "rfc822;user+tag@example.com"))),
        ("RCPT TO:<a@b.example> NOTIFY=never", .rcpt(SMTPRecipient(address: "a@b.example", notify: "NEVER"))),
        ("DATA", .data),
        ("data ", .data),
        ("BDAT 86 LAST", .bdat(size: 86, last: true)),
        ("BDAT 0 last", .bdat(size: 0, last: true)),
        ("BDAT 100000", .bdat(size: 100_000, last: false)),
        ("RSET", .rset),
        ("NOOP", .noop),
        ("NOOP anything", .noop),
        ("QUIT", .quit),
        ("VRFY Smith", .vrfy("Smith")),
        ("EXPN Example-People", .expn("Example-People")),
        ("HELP", .help(nil)),
        ("HELP MAIL", .help("MAIL")),
        ("STARTTLS", .startTLS),
        ("AUTH PLAIN dGVzdAB0ZXN0AHRlc3Q=", .auth(mechanism: "PLAIN")),
    ]

    @Test(arguments: valid)
    func parsesValidCommand(line: String, expected: SMTPCommand) {
        #expect(Self.parse(line) == .success(expected))
    }

    static let invalid: [(String, SMTPCommandError)] = [
        ("FOO bar", .unrecognizedCommand),
        ("", .unrecognizedCommand),
        ("MAIL FROM:<a@b\u{0}.example>", .invalidCharacters),
        ("NOOP\u{0}", .invalidCharacters),
        ("EHLO", .syntax("EHLO requires one domain name")),
        ("HELO a b", .syntax("HELO requires one domain name")),
        ("MAIL FROM:a@b.example", .syntax("address must be in <>")),
        ("MAIL TO:<a@b.example>", .syntax("expected MAIL FROM:<address>")),
        ("MAIL FROM:<a@b.example", .syntax("address must end with >")),
        ("MAIL FROM:<a.@b.example>", .syntax("bad local part")),
        ("MAIL FROM:<a@-b.example>", .syntax("bad domain")),
        ("MAIL FROM:<a@b..example>", .syntax("bad domain")),
        ("MAIL FROM:<a@[300.1.1.1]>", .syntax("bad address literal")),
        ("MAIL FROM:<@:a@b.example>", .syntax("bad domain")),
        ("MAIL FROM:<a@b.example> SIZE=abc", .syntax("SIZE needs a number")),
        ("MAIL FROM:<a@b.example> BODY=9BIT", .syntax("BODY must be 7BIT, 8BITMIME or BINARYMIME")),
        ("MAIL FROM:<a@b.example> SMTPUTF8=yes", .syntax("SMTPUTF8 takes no value")),
        ("MAIL FROM:<a@b.example> SIZE=1 SIZE=2", .syntax("duplicate SIZE")),
        ("MAIL FROM:<a@b.example> XFOO=bar", .unknownParameter("XFOO")),
        ("MAIL FROM:<a@b.example> AUTH=<>", .unknownParameter("AUTH")),
        ("MAIL FROM:<a@b.example> ENVID=a+zz", .syntax("bad ENVID")),
        ("MAIL FROM:<δοκιμή@example.com>", .nonASCIIAddress),
        ("RCPT TO:<a@b.example> NOTIFY=NEVER,SUCCESS", .syntax("bad NOTIFY")),
        ("RCPT TO:<a@b.example> ORCPT=nosemicolon", .syntax("bad ORCPT")),
        ("RCPT TO:<a@b.example> FOO", .unknownParameter("FOO")),
        ("RCPT TO:<>", .syntax("bad local part")),
        ("RCPT TO:", .syntax("address must be in <>")),
        ("DATA now", .syntax("DATA takes no argument")),
        ("BDAT", .syntax("BDAT needs a chunk size")),
        ("BDAT x", .syntax("invalid BDAT chunk size")),
        ("BDAT 1234567890123456789", .syntax("invalid BDAT chunk size")),
        ("BDAT 10 FIRST", .syntax("expected LAST")),
        ("QUIT now", .syntax("QUIT takes no argument")),
        ("VRFY", .syntax("VRFY needs an argument")),
        ("AUTH", .syntax("AUTH needs a mechanism")),
    ]

    @Test(arguments: invalid)
    func rejectsInvalidCommand(line: String, expected: SMTPCommandError) {
        #expect(Self.parse(line) == .failure(expected))
    }

    @Test func errorRepliesCarryEnhancedCodes() {
        #expect(SMTPCommandError.unrecognizedCommand.reply == SMTPReply(500, "5.5.2", "Command unrecognized"))
        #expect(SMTPCommandError.syntax("x").reply.code == 501)
        #expect(SMTPCommandError.syntax("x").reply.enhancedCode == "5.5.4")
        #expect(SMTPCommandError.unknownParameter("X").reply.code == 555)
        #expect(SMTPCommandError.invalidCharacters.reply.enhancedCode == "5.5.2")
        #expect(SMTPCommandError.nonASCIIAddress.reply.code == 553)
    }

    static let xtext: [(String, String?)] = [
        ("abc", "abc"), ("a+2Bb", "a+b"), ("+3D", "="), ("a+2", nil), ("a+zz", nil), ("a=b", nil), ("", ""),
    ]

    @Test(arguments: xtext)
    func decodesXtext(input: String, expected: String?) {
        #expect(SMTPCommandParser.decodeXtext(input) == expected)
    }

    /// RFC 5321 Appendix D.1 transcript, client side: every line parses.
    @Test func parsesAppendixDTranscriptCommands() {
        let lines = ["EHLO bar.com", "MAIL FROM:<Smith@bar.com>", "RCPT TO:<Jones@foo.com>",
                     "RCPT TO:<Green@foo.com>", "RCPT TO:<Brown@foo.com>", "DATA", "QUIT",
                     // D.2 relayed mail
                     "EHLO foo.com", "MAIL FROM:<JQP@bar.com>", "RCPT TO:<Jones@XYZ.COM>",
                     // D.3 verifying
                     "VRFY Crispin", "VRFY Crispin@foo.com",
                     // D.4 mailing-list expansion
                     "EXPN Example-People"]
        for line in lines {
            #expect((try? SMTPCommandParser.parse(Array(line.utf8))) != nil, "\(line)")
        }
    }
}
