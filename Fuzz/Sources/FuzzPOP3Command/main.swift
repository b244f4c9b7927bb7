// libFuzzer harness: POP3 command lines (RFC 1939, RFC 2449, RFC 5034) from a client. The input
// is a choice byte (read size, line limit: see FramedLines) and a session transcript, cut into
// lines by the server's LineFramer (512: the default command line limit) and parsed one by one.
import FuzzSupport
import LineFraming
import POP3Grammar

#if canImport(Glibc)
import Glibc
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    for case .line(let line) in FramedLines.lines(of: FuzzDriver.bytes(data, size), limit: 512) {
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
