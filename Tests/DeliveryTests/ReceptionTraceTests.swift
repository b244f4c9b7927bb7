import Delivery
import Foundation
import Testing

@Suite struct ReceptionTraceTests {
    @Test func receivedFieldFollowsRFC5321Section4_4() {
        let trace = ReceptionTrace(heloName: "client.test", remoteAddress: "192.0.2.1", protocolName: "ESMTPS",
                                   tlsDescription: "TLSv1.3 cipher=TLS_AES_128_GCM_SHA256", traceID: "abc",
                                   receivedAt: Date(timeIntervalSince1970: 0))
        #expect(trace.receivedField(byHost: "mx.test", singleRecipient: "u@mx.test") ==
            "Received: from client.test ([192.0.2.1])\r\n\tby mx.test (Facteur) with ESMTPS\r\n\t(TLSv1.3 cipher=TLS_AES_128_GCM_SHA256)\r\n\tid abc\r\n\tfor <u@mx.test>; Thu, 01 Jan 1970 00:00:00 +0000\r\n")
    }

    @Test func clientTextCannotInjectHeaderLines() {
        let trace = ReceptionTrace(heloName: "evil\r\nBcc: victim@x", remoteAddress: "192.0.2.1",
                                   protocolName: "SMTP", traceID: "id")
        let field = trace.receivedField(byHost: "mx", singleRecipient: nil)
        #expect(!field.contains("\r\nBcc:"))
        #expect(ReceptionTrace.deliveryPrefix(reversePath: "a\r\nX: y", deliveredTo: "b@c")
            == Array("Return-Path: <aX: y>\r\nDelivered-To: b@c\r\n".utf8))
    }

    @Test func traceIDsAreDistinct() {
        let ids = Set((0..<1000).map { _ in ReceptionTrace.makeTraceID() })
        #expect(ids.count == 1000)
    }
}
