// libFuzzer harness: the MIME message parser (RFC 5322, RFC 2045-2047, RFC 2231), which reads
// every message received by SMTP/LMTP and every IMAP APPEND. Beyond "no trap", it checks what
// the IMAP FETCH code relies on: every byte range in the structure lies inside the message, and
// the stored summary decodes back to the same value.
import FuzzSupport
import MailMessage

#if canImport(Glibc)
import Glibc
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = FuzzDriver.bytes(data, size)
    let parsed = MessageParser.parse(bytes)
    let whole = 0...bytes.count
    precondition(whole.contains(parsed.header.range.lowerBound) && whole.contains(parsed.header.range.upperBound),
                 "header range outside the message")
    for field in parsed.header {
        _ = field.value
    }
    check(parsed.bodyStructure, in: bytes)
    _ = MessageParser.headerFields(of: bytes)
    let stored = parsed.summary.encoded()
    guard let decoded = try? MessageSummary.decode(stored) else {
        preconditionFailure("the summary does not decode")
    }
    precondition(decoded == parsed.summary, "the summary changes through encode/decode")
    return 0
}

/// Walks the tree: ranges inside the message, and the transfer decoding of each leaf.
private func check(_ part: BodyStructure, in bytes: [UInt8]) {
    let whole = 0...bytes.count
    for range in [part.headerRange, part.bodyRange] {
        precondition(whole.contains(range.lowerBound) && whole.contains(range.upperBound),
                     "part range \(range) outside a message of \(bytes.count) bytes")
    }
    if let message = part.message {
        check(message.body, in: bytes)
    } else if part.isMultipart {
        for child in part.parts { check(child, in: bytes) }
    } else {
        _ = ContentDecoder.decode(bytes[part.bodyRange], encoding: part.encoding, maximumLength: 1 << 20)
    }
}

exit(FuzzDriver.run(testOneInput))
