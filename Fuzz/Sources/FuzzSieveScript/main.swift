// libFuzzer harness: the Sieve compiler (RFC 5228 lexer, parser, validator and extensions),
// which reads scripts users upload with ManageSieve or the CLI. Scripts are UTF-8 text
// (RFC 5228 §2.2); other bytes are decoded with replacement characters, as the callers do.
// A script that compiles is then run against a fixed multipart message, as delivery would.
import Foundation
import FuzzSupport
import MailMessage
import Sieve

#if canImport(Glibc)
import Glibc
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let source = String(decoding: FuzzDriver.bytes(data, size), as: UTF8.self)
    switch SieveCompiler.compile(source) {
    case .success(let script):
        _ = SieveInterpreter.run(script, message: sampleMessage, envelope: sampleEnvelope, context: FixedContext())
    case .failure(let errors): _ = errors.description
    }
    return 0
}

/// A context without I/O and with a fixed clock, so a run depends only on the input.
private struct FixedContext: SieveRuntimeContext {
    func now() -> (date: Date, zoneOffset: Int) { (Date(timeIntervalSince1970: 1_796_000_000), 3600) }
}

private let sampleEnvelope = SieveEnvelope(from: "alice+list@example.org", to: "bob@example.com",
                                           originalRecipient: "bob+fuzz@example.com", detail: "fuzz")

private let sampleMessage = SieveMessage(bytes: Array("""
    From: "Alice" <alice@example.org>\r
    To: bob@example.com, =?UTF-8?Q?J=C3=B6rg?= <joerg@example.de>\r
    Subject: [dev] Weekly report =?ISO-8859-1?Q?caf=E9?=\r
    Date: Mon, 30 Nov 2026 03:10:00 +0100\r
    List-Id: <dev.lists.example.org>\r
    X-Spam-Score: 7\r
    Message-ID: <1234@example.org>\r
    MIME-Version: 1.0\r
    Content-Type: multipart/mixed; boundary="b"\r
    \r
    --b\r
    Content-Type: text/plain; charset=utf-8\r
    Content-Transfer-Encoding: quoted-printable\r
    \r
    Please unsubscribe me. Caf=C3=A9.\r
    --b\r
    Content-Type: text/html\r
    \r
    <p>Hello <b>Bob</b></p>\r
    --b--\r

    """.utf8))

exit(FuzzDriver.run(testOneInput))
