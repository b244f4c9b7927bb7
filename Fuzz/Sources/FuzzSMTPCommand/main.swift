// libFuzzer harness: SMTP/LMTP command lines (RFC 5321 §4.1.1 and extensions) from a client.
// The input is a choice byte (read size, line limit: see FramedLines) and a session transcript,
// cut into lines by the server's LineFramer and parsed one by one, as the framing handler does.
// Any trap, overflow or memory error is a finding; thrown SMTPCommandErrors are fine.
import FuzzSupport
import LineFraming
import SMTPGrammar

#if canImport(Glibc)
import Glibc
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    for case .line(let line) in FramedLines.lines(of: FuzzDriver.bytes(data, size), limit: 2048) {
        do {
            let command = try SMTPCommandParser.parse(line)
            _ = String(describing: command)
        } catch {
            _ = error.reply
        }
    }
    return 0
}

exit(FuzzDriver.run(testOneInput))
