// libFuzzer harness: the Sieve compiler (RFC 5228 lexer, parser, validator and extensions),
// which reads scripts users upload with ManageSieve or the CLI. Scripts are UTF-8 text
// (RFC 5228 §2.2); other bytes are decoded with replacement characters, as the callers do.
import FuzzSupport
import Sieve

#if canImport(Glibc)
import Glibc
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let source = String(decoding: FuzzDriver.bytes(data, size), as: UTF8.self)
    switch SieveCompiler.compile(source) {
    case .success(let script): _ = script.requiredExtensions
    case .failure(let errors): _ = errors.description
    }
    return 0
}

exit(FuzzDriver.run(testOneInput))
