import Foundation
import Testing
@testable import MailMessage

@Suite("Performance (prints timings, asserts nothing about speed)")
struct PerformanceTests {
    static func tenKilobyteMessage() -> [UInt8] {
        var text = """
            Return-Path: <sender@example.com>
            Received: from mail.example.com (mail.example.com [192.0.2.1]) by mx.example.test with ESMTPS id 1234
            \tfor <rcpt@example.test>; Tue, 1 Jul 2003 10:52:37 +0200
            DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=sel; h=from:to:subject:date;
            \tbh=abcdefghijklmnopqrstuvwxyz0123456789=; b=ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789
            From: "Sender Name" <sender@example.com>
            To: Recipient One <one@example.test>, two@example.test, "Three, Esq." <three@example.test>
            Cc: Team:alice@example.test,bob@example.test;
            Subject: =?utf-8?q?Quarterly_report_=E2=80=93_draft?=
            Date: Tue, 1 Jul 2003 10:52:37 +0200
            Message-ID: <20030701105237.1234@example.com>
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="mixed"

            --mixed
            Content-Type: multipart/alternative; boundary="alt"

            --alt
            Content-Type: text/plain; charset=utf-8
            Content-Transfer-Encoding: quoted-printable


            """
        text += String(repeating: "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\n", count: 30)
        text += "\n--alt\nContent-Type: text/html; charset=utf-8\n\n<html><body>"
        text += String(repeating: "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p>\n", count: 30)
        text += "</body></html>\n--alt--\n\n--mixed\nContent-Type: application/pdf; name=\"report.pdf\"\n"
        text += "Content-Disposition: attachment; filename=\"report.pdf\"\nContent-Transfer-Encoding: base64\n\n"
        text += String(repeating: "JVBERi0xLjQKJcOkw7zDtsOfCjIgMCBvYmoKPDwvTGVuZ3RoIDMgMCBSL0ZpbHRlci9GbGF0ZURlY29kZT4+\n", count: 45)
        text += "--mixed--\n"
        return Fixture.crlf(text)
    }

    @Test func parseTenKilobyteMessageThousandTimes() {
        let bytes = Self.tenKilobyteMessage()
        #expect(bytes.count > 9_000 && bytes.count < 12_000)
        var parts = 0
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for _ in 0..<1_000 { parts += MessageParser.parse(bytes).bodyStructure.partCount }
        }
        #expect(parts == 5_000)
        let perMessage = elapsed / 1_000
        print("MailMessage: parsed a \(bytes.count)-byte multipart message 1,000 times in \(elapsed); \(perMessage) per message")
        let summary = MessageParser.parse(bytes).summary
        let encodeTime = clock.measure { for _ in 0..<100 { _ = summary.encoded() } }
        let data = summary.encoded()
        let decodeTime = clock.measure { for _ in 0..<100 { _ = try? MessageSummary.decode(data) } }
        print("MailMessage: summary is \(data.count) bytes; encode \(encodeTime / 100), decode \(decodeTime / 100)")
    }
}
