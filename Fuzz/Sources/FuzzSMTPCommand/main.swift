// libFuzzer harness: SMTP/LMTP command lines (RFC 5321 §4.1.1 and extensions) from a client.
// The input is a session transcript; each line goes to the parser as the framing handler would
// pass it. Any trap, overflow or memory error is a finding; thrown SMTPCommandErrors are fine.
import FuzzSupport
import SMTPGrammar

#if canImport(Glibc)
import Glibc
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    for line in FuzzDriver.lines(FuzzDriver.bytes(data, size)) {
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
