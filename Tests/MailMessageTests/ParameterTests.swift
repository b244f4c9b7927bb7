import Testing
@testable import MailMessage

@Suite("Content-Type and Content-Disposition parameters (RFC 2045 §5.1, RFC 2231)")
struct ParameterTests {
    @Test("parameters", arguments: [
        ("text/plain; charset=us-ascii", "text/plain", ["charset=us-ascii"]),
        ("TEXT/Plain;Charset=\"UTF-8\"", "text/plain", ["charset=UTF-8"]),
        ("text/plain; charset=us-ascii (Plain text)", "text/plain", ["charset=us-ascii"]),
        ("text/plain (comment); format=flowed;; delsp=yes;", "text/plain", ["format=flowed", "delsp=yes"]),
        ("application/x-stuff; title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A", "application/x-stuff",
         ["title=This is ***fun***"]),
        ("message/external-body; access-type=URL; URL*0=\"ftp://\"; URL*1=\"cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar\"",
         "message/external-body", ["access-type=URL", "url=ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar"]),
        ("application/x-stuff; title*0*=us-ascii'en'This%20is%20even%20more%20; title*1*=%2A%2A%2Afun%2A%2A%2A%20; title*2=\"isn't it!\"",
         "application/x-stuff", ["title=This is even more ***fun*** isn't it!"]),
        ("application/pdf; name*1=\"b.pdf\"; name*0=\"a\"", "application/pdf", ["name=ab.pdf"]),
        ("application/pdf; name*=iso-8859-1''caf%E9.pdf", "application/pdf", ["name=café.pdf"]),
        ("text/plain; name=unquoted with spaces.txt", "text/plain", ["name=unquoted with spaces.txt"]),
        ("text/plain; novalue; x=\"a\\\"b\"", "text/plain", ["x=a\"b"]),
        ("text/plain; a=1; A=2", "text/plain", ["a=1"]),
    ])
    func contentType(input: String, type: String, parameters: [String]) throws {
        let parsed = try #require(ContentType(parsing: input))
        #expect(parsed.type + "/" + parsed.subtype == type)
        #expect(parsed.parameters.map { $0.name + "=" + $0.value } == parameters)
    }

    @Test("invalid content types", arguments: ["", "text", "/plain", "text/", "te@xt/plain", "; charset=x"])
    func invalid(input: String) {
        #expect(ContentType(parsing: input) == nil)
    }

    @Test func disposition() throws {
        let parsed = try #require(ContentDisposition(parsing: "Attachment; filename*=utf-8''%E2%82%AC.txt; size=3"))
        #expect(parsed.type == "attachment")
        #expect(parsed.filename == "€.txt")
        #expect(parsed.parameters.value(for: "SIZE") == "3")
    }

    @Test func parameterCountIsBounded() throws {
        let input = "text/plain" + (0..<500).map { "; p\($0)=v" }.joined()
        let parsed = try #require(ContentType(parsing: input))
        #expect(parsed.parameters.count == ParameterizedValue.maximumParameters)
    }
}
