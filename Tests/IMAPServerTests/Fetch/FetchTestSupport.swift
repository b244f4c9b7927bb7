// An in-memory store for FETCH tests: the bytes of one message and a log of what was read.

import Foundation
import IMAPServer
import MailMessage
import MailStore
import NIOCore
import Synchronization

/// A delivered message: prefix lines + content, with the summary delivery would store.
struct FetchFixture {
    static let prefix = "Return-Path: <a@b>\r\nDelivered-To: c@d\r\n"

    let message: StoredMessage
    let reader: InMemoryMessageReader

    init(message: StoredMessage, reader: InMemoryMessageReader) {
        self.message = message
        self.reader = reader
    }

    init(_ content: String, withMetadata: Bool = true, flags: [String] = ["\\Seen", "$Forwarded"]) {
        let contentBytes = Array(content.utf8)
        let stored = Array(Self.prefix.utf8) + contentBytes
        let summary = MessageParser.parse(contentBytes).summary
        message = StoredMessage(
            id: 42, mailboxID: 1, uid: 7, modSeq: 12345, flags: flags,
            internalDate: Date(timeIntervalSince1970: 1_700_000_000),   // 14-Nov-2023 22:13:20 UTC
            saveDate: Date(timeIntervalSince1970: 1_700_000_060),
            size: stored.count,
            contentSHA256: MessageContent.sha256Hex(of: contentBytes),
            prefixLength: Self.prefix.utf8.count,
            metadata: withMetadata ? summary.encoded() : Data())
        reader = InMemoryMessageReader(stored: stored)
    }

    /// The whole response as text, and the buffers it was emitted in.
    func fetch(_ attributes: [IMAPFetchAttribute], chunkSize: Int = 65_536,
               encoder: IMAPResponseEncoder = IMAPResponseEncoder()) async throws -> (text: String, buffers: [[UInt8]]) {
        let responder = IMAPFetchResponder(encoder: encoder, reader: reader, chunkSize: chunkSize)
        var buffers: [[UInt8]] = []
        try await responder.respond(sequenceNumber: 3, message: message, attributes: attributes) { buffer in
            buffers.append(Array(buffer.readableBytesView))
        }
        return (String(decoding: buffers.joined(), as: UTF8.self), buffers)
    }

    func fetchText(_ attributes: [IMAPFetchAttribute], chunkSize: Int = 65_536) async throws -> String {
        try await fetch(attributes, chunkSize: chunkSize).text
    }
}

enum FetchMessages {
    static let simple = """
        From: Alice Example <alice@example.org>\r
        To: bob@example.net, Friends: carol@example.com;\r
        Subject: Hello\r
         there\r
        Date: Mon, 1 Jan 2024 10:00:00 +0000\r
        Message-ID: <m1@example.org>\r
        \r
        Body line one\r
        Body line two\r

        """

    static let multipart = """
        From: a@example.org\r
        To: b@example.org\r
        Subject: Multi\r
        Date: Tue, 2 Jan 2024 10:00:00 +0000\r
        MIME-Version: 1.0\r
        Content-Type: multipart/mixed; boundary="XX"\r
        \r
        preamble\r
        --XX\r
        Content-Type: text/plain; charset=utf-8\r
        Content-Transfer-Encoding: quoted-printable\r
        \r
        Caf=C3=A9 =\r
        soft\r
        --XX\r
        Content-Type: application/octet-stream; name="a.bin"\r
        Content-Transfer-Encoding: base64\r
        Content-Disposition: attachment; filename="a.bin"\r
        \r
        AAECAwQ=\r
        --XX\r
        Content-Type: message/rfc822\r
        \r
        From: c@example.org\r
        Subject: Inner\r
        \r
        Inner body\r
        --XX--\r

        """
}

/// `{n}` CRLF and the text: how the encoder writes a literal.
func literal(_ text: String) -> String { "{\(text.utf8.count)}\r\n" + text }
