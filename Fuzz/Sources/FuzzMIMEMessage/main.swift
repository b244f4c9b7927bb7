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
    FuzzDriver.check(whole.contains(parsed.header.range.lowerBound) && whole.contains(parsed.header.range.upperBound),
                     "header range outside the message")
    for field in parsed.header {
        _ = field.value
    }
    checkPart(parsed.bodyStructure, within: 0..<bytes.count, in: bytes)
    _ = MessageParser.headerFields(of: bytes)
    let stored = parsed.summary.encoded()
    guard let decoded = try? MessageSummary.decode(stored) else {
        FuzzDriver.check(false, "the summary does not decode"); return 0
    }
    FuzzDriver.check(decoded == parsed.summary, "the summary changes through encode/decode")
    return 0
}

/// Walks the tree: each part's header precedes its body and lies inside its parent's body (the
/// whole message for the root); each leaf's transfer encoding decodes.
private func checkPart(_ part: BodyStructure, within bounds: Range<Int>, in bytes: [UInt8]) {
    FuzzDriver.check(part.headerRange.lowerBound >= bounds.lowerBound && part.bodyRange.upperBound <= bounds.upperBound
                 && part.headerRange.upperBound <= part.bodyRange.lowerBound,
                 "part \(part.headerRange) \(part.bodyRange) outside \(bounds)")
    switch part.content {
    case .single:
        _ = ContentDecoder.decode(bytes[part.bodyRange], encoding: part.encoding, maximumLength: 1 << 20)
    case .multipart(let parts):
        for child in parts { checkPart(child, within: part.bodyRange, in: bytes) }
    case .message(let message):
        checkPart(message.body, within: part.bodyRange, in: bytes)
    }
}

exit(FuzzDriver.run(testOneInput))
