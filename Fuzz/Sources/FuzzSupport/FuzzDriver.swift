// Starts libFuzzer from a SwiftPM executable.
//
// SwiftPM renames an executable's `main` (so that tests can link it), which means libFuzzer's
// own `main` never runs: a harness built the textbook way exits 0 without fuzzing anything.
// Each harness therefore calls libFuzzer's documented `LLVMFuzzerRunDriver` from its main.swift,
// passing its test function and the process arguments (libFuzzer flags and corpus folders).

#if canImport(Glibc)
import Glibc
#endif

@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// The entry point every harness uses; why: one place knows the libFuzzer calling convention.
public enum FuzzDriver {
    /// Runs libFuzzer with this process's arguments; returns its exit status (non-zero on a crash).
    public static func run(_ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        return LLVMFuzzerRunDriver(&argc, &argv, testOneInput)
    }

    /// The input as an array (libFuzzer passes a null pointer for the empty input).
    public static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
        guard let data, size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// A property the parser must keep. Unlike `precondition`, whose message release builds drop,
    /// this prints why before aborting, so the libFuzzer report names the broken property.
    public static func check(_ condition: Bool, _ message: @autoclosure () -> String) {
        guard !condition else { return }
        var text = "fuzz check failed: \(message())\n"
        text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
        abort()
    }
}
