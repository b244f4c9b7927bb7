// libFuzzer harness: POP3 command lines (RFC 1939, RFC 2449, RFC 5034) from a client. The input
// is a session transcript; each line goes to the parser as the framing handler would pass it.
import FuzzSupport
import POP3Grammar

#if canImport(Glibc)
import Glibc
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    for line in FuzzDriver.lines(FuzzDriver.bytes(data, size)) {
        do {
            let command = try POP3CommandParser.parse(line)
            _ = String(describing: command)
        } catch {
            _ = String(describing: error)
        }
    }
    return 0
}

exit(FuzzDriver.run(testOneInput))
