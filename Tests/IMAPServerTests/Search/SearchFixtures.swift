// A small mailbox for the search tests: real MIME messages parsed with MessageParser, stored the
// way delivery stores them (prefix + content, summary of the content as metadata), read through an
// in-memory IMAPMessageReader that records every read.

import Foundation
import MailMessage
import MailStore
import Synchronization
@testable import IMAPServer

/// Serves stored bytes from memory and logs each range asked for, so tests can check laziness.
enum SearchFixtures {
    static let prefix = "Return-Path: <bounce@lists.example.org>\r\nDelivered-To: bob@example.com\r\n"

    /// 00:00 UTC of the given day plus `hours`.
    static func date(_ year: Int, _ month: Int, _ day: Int, hours: Double = 0) -> Date {
        Date(timeIntervalSince1970: Double(SearchDay.number(year: year, month: month, day: day)) * 86_400 + hours * 3_600)
    }

    struct Spec {
        var uid: UInt32
        var flags: [String]
        var modSeq: UInt64
        var internalDate: Date
        var saveDate: Date
        var content: String
        var withMetadata = true
    }

    static func stored(_ spec: Spec) -> (StoredMessage, [UInt8]) {
        let content = Array(spec.content.utf8)
        let bytes = Array(prefix.utf8) + content
        let metadata = spec.withMetadata ? MessageParser.parse(content).summary.encoded() : Data()
        let message = StoredMessage(id: Int64(spec.uid), mailboxID: 1, uid: spec.uid, modSeq: spec.modSeq,
                                    flags: spec.flags, internalDate: spec.internalDate, saveDate: spec.saveDate,
                                    size: bytes.count, contentSHA256: "", prefixLength: prefix.utf8.count,
                                    metadata: metadata)
        return (message, bytes)
    }

    static let plain = """
        From: Alice Example <alice@example.org>\r
        To: Bob <bob@example.com>\r
        Subject: Hello World\r
        Date: Mon, 1 Jan 2024 23:30:00 -0500\r
        Message-ID: <one@example.org>\r
        \r
        The quick brown fox jumps over the lazy dog.\r

        """

    static let encoded = """
        From: =?ISO-8859-1?Q?Andr=E9?= <andre@example.fr>\r
        To: bob@example.com\r
        Cc: Carol <carol@example.net>\r
        Subject: =?UTF-8?B?Q2Fmw6kgY3LDqG1l?=\r
        Date: Thu, 15 Feb 2024 08:00:00 +0000\r
        X-Custom: Spam-Score\r
         5 (folded)\r
        MIME-Version: 1.0\r
        Content-Type: text/plain; charset=utf-8\r
        Content-Transfer-Encoding: base64\r
        \r
        \(Data("Le cœur a ses raisons que la raison ne connaît point.".utf8).base64EncodedString())\r

        """

    static let multipart = """
        From: dave@example.com\r
        To: bob@example.com\r
        Bcc: Eve <eve@example.com>\r
        Subject: Report\r
        MIME-Version: 1.0\r
        Content-Type: multipart/mixed; boundary="outer"\r
        \r
        --outer\r
        Content-Type: multipart/alternative; boundary="inner"\r
        \r
        --inner\r
        Content-Type: text/plain; charset=iso-8859-1\r
        Content-Transfer-Encoding: quoted-printable\r
        \r
        Gr=FC=DFe aus M=FCnchen, sagt die Stra=DFenbahn=\r
        fahrerin.\r
        --inner\r
        Content-Type: text/html; charset=utf-8\r
        \r
        <html><head><style>p { color: hotpink }</style></head><body><p>Hello <b>bold</b> world &amp; more &#233;t&#xE9;</p><script>secretword()</script></body></html>\r
        --inner--\r
        --outer\r
        Content-Type: application/pdf; name="report.pdf"\r
        Content-Disposition: attachment; filename="report.pdf"\r
        Content-Transfer-Encoding: base64\r
        \r
        \(Data("hiddenword inside a pdf".utf8).base64EncodedString())\r
        --outer--\r

        """

    static let forwarded = """
        From: Frank <frank@example.com>\r
        To: bob@example.com\r
        Subject: Fwd: lunch\r
        Date: Sun, 10 Mar 2024 12:00:00 +0100\r
        MIME-Version: 1.0\r
        Content-Type: multipart/mixed; boundary="b"\r
        \r
        --b\r
        Content-Type: text/plain\r
        \r
        See below.\r
        --b\r
        Content-Type: message/rfc822\r
        \r
        From: Grace <grace@example.com>\r
        Subject: Inner subject\r
        \r
        inner text about pizza\r
        --b--\r
        \(String(repeating: "padding line to make this message large\r\n", count: 50))
        """

    static let specs: [Spec] = [
        Spec(uid: 10, flags: ["\\Seen"], modSeq: 5, internalDate: date(2024, 1, 2, hours: 10),
             saveDate: date(2024, 1, 2, hours: 10), content: plain),
        Spec(uid: 20, flags: ["\\Flagged", "$Label1"], modSeq: 12, internalDate: date(2024, 2, 15, hours: 23.5),
             saveDate: date(2024, 4, 1), content: encoded),
        Spec(uid: 30, flags: ["\\Answered", "\\Deleted", "\\Draft"], modSeq: 20, internalDate: date(2024, 3, 1),
             saveDate: date(2024, 3, 1), content: multipart),
        Spec(uid: 40, flags: [], modSeq: 7, internalDate: date(2024, 3, 10, hours: 12),
             saveDate: date(2024, 3, 10, hours: 12), content: forwarded, withMetadata: false),
    ]

    /// The four messages as sequence numbers 1–4, and a reader serving their bytes.
    static func mailbox() -> ([IMAPSearchCandidate], InMemoryMessageReader) {
        let stored = specs.map(stored)
        let candidates = stored.enumerated().map { IMAPSearchCandidate(sequenceNumber: UInt32($0.offset + 1), message: $0.element.0) }
        let reader = InMemoryMessageReader(Dictionary(uniqueKeysWithValues: stored.map { ($0.0.uid, $0.1) }))
        return (candidates, reader)
    }

    /// Runs `key` over the mailbox and returns the matching UIDs.
    static func search(_ key: IMAPSearchKey, savedResult: [UInt32]? = nil,
                       now: Date = date(2024, 3, 11)) async throws -> [UInt32] {
        let (candidates, reader) = mailbox()
        let engine = IMAPSearchEngine(reader: reader, now: { now })
        return try await engine.search(key, candidates: candidates, highestSequenceNumber: 4, highestUID: 40,
                                       savedResult: savedResult).map(\.message.uid)
    }
}

extension IMAPDate {
    /// Test shorthand; the fixtures only name real days.
    static func day(_ year: Int, _ month: Int, _ day: Int) -> IMAPDate {
        IMAPDate(year: year, month: month, day: day) ?? IMAPDate(year: 1970, month: 1, day: 1)!
    }
}
