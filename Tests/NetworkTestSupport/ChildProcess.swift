// Runs a command-line tool (openssl, argon2, mkpasswd…) from a test and collects its output.
//
// Why not Foundation's Process: in Swift 6.3.1 on Linux, Process.run scans /proc/self/fd copying
// a whole 256-byte name out of each directory entry, and reads past glibc's buffer now and then:
// this suite crashed with SIGSEGV in Process.run (TestCertificate, 2026-11-30), the failure fixed
// upstream by swift-corelibs-foundation PR #5472. The more descriptors the test process holds
// (sockets, SQLite connections) the likelier. posix_spawn needs no such scan.
#if canImport(Glibc)
import Glibc
#endif

public enum ChildProcess {
    public struct Result: Sendable {
        /// The exit code, or -1 when the tool was killed by a signal.
        public let status: Int32
        public let output: [UInt8]
        public var succeeded: Bool { status == 0 }
        public var text: String { String(decoding: output, as: UTF8.self) }
    }

    public struct SpawnFailed: Error {
        public let code: Int32
    }

    /// Runs `executable arguments…` with `input` on its stdin (small: written before the output is
    /// read), stdout collected, stderr to /dev/null, and no other descriptor of the test process.
    public static func run(_ executable: String, _ arguments: [String], input: [UInt8] = []) throws -> Result {
        _ = ignoreBrokenPipe
        var stdinPipe: [Int32] = [-1, -1]
        var stdoutPipe: [Int32] = [-1, -1]
        guard pipe(&stdinPipe) == 0 else { throw SpawnFailed(code: errno) }
        guard pipe(&stdoutPipe) == 0 else {
            close(stdinPipe[0]); close(stdinPipe[1])
            throw SpawnFailed(code: errno)
        }
        // pipe2 is not in Swift's Glibc module; the child closes everything above 2 anyway.
        for descriptor in stdinPipe + stdoutPipe { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)   // dup2 clears close-on-exec
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        if let closeFrom { _ = closeFrom(&actions, 3) }

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        close(stdinPipe[0])
        close(stdoutPipe[1])
        guard spawned == 0 else {
            close(stdinPipe[1]); close(stdoutPipe[0])
            throw SpawnFailed(code: spawned)
        }
        input.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(stdinPipe[1], bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 && errno == EINTR { continue }
                if written <= 0 { break }   // the tool stopped reading: it answers on its own
                offset += written
            }
        }
        close(stdinPipe[1])
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(stdoutPipe[0], $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            output += chunk[0..<count]
        }
        close(stdoutPipe[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // <sys/wait.h>: exited normally when the low 7 bits are 0; the code is the next byte.
        let exitCode = status & 0x7f == 0 ? (status >> 8) & 0xff : -1
        return Result(status: exitCode, output: output)
    }

    /// A tool that exits before reading its stdin must not kill the test process with SIGPIPE.
    private static let ignoreBrokenPipe: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    /// glibc's posix_spawn_file_actions_addclosefrom_np (2.34+), not in Swift's Glibc module.
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let closeFrom: CloseFrom? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: CloseFrom.self)
    }()
}
