// The stored envelope is written by hand (DeliveryEnvelope+StoredJSON.swift) and must stay the bytes
// JSONEncoder with sorted keys wrote before, so old and new rows decode and compare alike.
@testable import Delivery
import Foundation
import Testing

@Suite struct DeliveryEnvelopeJSONTests {
    static let controls = String(decoding: (0..<0x20).map { UInt8($0) } + [0x7F], as: UTF8.self)

    static let envelopes: [DeliveryEnvelope] = [
        DeliveryEnvelope(reversePath: "", recipients: []),
        DeliveryEnvelope(reversePath: "sender@remote.test", recipients: [.init(address: "alice@example.test")]),
        DeliveryEnvelope(reversePath: "a@b.test", body: "8BITMIME", smtpUTF8: true, dsnReturn: "HDRS",
                         dsnEnvelopeID: "QQ314159", recipients: [
                            .init(address: "bob@example.test", notify: "SUCCESS,FAILURE",
                                  originalRecipient: "rfc822;bob@example.test"),
                            .init(address: "carol@example.test", notify: "NEVER")]),
        DeliveryEnvelope(reversePath: "quote\"back\\slash/slash@x.test", body: "BINARYMIME",
                         recipients: [.init(address: "tab\there\nline\r\u{0C}\u{08}@x.test")]),
        DeliveryEnvelope(reversePath: "élodie@exemple.test", smtpUTF8: true,
                         recipients: [.init(address: "用户@例子.测试", originalRecipient: "utf-8;用户@例子.测试 😀")]),
        DeliveryEnvelope(reversePath: controls, dsnEnvelopeID: controls, recipients: [.init(address: controls)]),
        DeliveryEnvelope(reversePath: "x@y.test", dsnReturn: "FULL",
                         recipients: [.init(address: "u\u{2028}v\u{2029}w\u{FEFF}@y.test", notify: "DELAY")]),
    ]

    @Test(arguments: envelopes)
    func storedBytesMatchJSONEncoder(_ envelope: DeliveryEnvelope) throws {
        for index in -1...max(1, envelope.recipients.count) {
            let stored = envelope.stored(for: index)
            #expect(stored == envelope.storedWithJSONEncoder(for: index),
                    "\(String(decoding: stored, as: UTF8.self))")
            #expect(try DeliveryEnvelope.decode(stored).reversePath == envelope.reversePath)
        }
    }

    @Test func storedKeepsOnlyTheCopysRecipient() throws {
        let envelope = Self.envelopes[2]
        let decoded = try DeliveryEnvelope.decode(envelope.stored(for: 1))
        #expect(decoded.recipients == [envelope.recipients[1]])
        #expect(decoded.dsnEnvelopeID == "QQ314159" && decoded.smtpUTF8)
    }
}
