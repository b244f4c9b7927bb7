import NIOCore
import Testing
@testable import SMTPServer

@Suite struct SMTPReplyEncodingTests {
    @Test func singleLineWithEnhancedCode() {
        #expect(SMTPReply(250, "2.1.5", "Ok").wireText == "250 2.1.5 Ok\r\n")
    }

    @Test func singleLineWithoutEnhancedCode() {
        #expect(SMTPReply(220, nil, "mx.example.test ESMTP Facteur").wireText == "220 mx.example.test ESMTP Facteur\r\n")
    }

    @Test func multiLineUsesDashContinuation() {
        let reply = SMTPReply(code: 250, enhancedCode: nil, lines: ["mx.example.test", "PIPELINING", "SIZE 1000"])
        #expect(reply.wireText == "250-mx.example.test\r\n250-PIPELINING\r\n250 SIZE 1000\r\n")
    }

    @Test func multiLineRepeatsEnhancedCode() {
        let reply = SMTPReply(code: 550, enhancedCode: "5.1.1", lines: ["No such user", "Try again"])
        #expect(reply.wireText == "550-5.1.1 No such user\r\n550 5.1.1 Try again\r\n")
    }

    @Test func lineBreaksInTextCannotInjectLines() {
        #expect(SMTPReply(550, "5.7.1", "bad\r\n250 ok").wireText == "550 5.7.1 bad  250 ok\r\n")
    }

    @Test func emptyLinesBecomeOneLine() {
        #expect(SMTPReply(code: 250, enhancedCode: nil, lines: []).wireText == "250 \r\n")
    }
}
