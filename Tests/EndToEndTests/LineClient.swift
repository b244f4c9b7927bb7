// A line-oriented TCP client over POSIX sockets: the simplest real client there is, for C:/S:
// transcripts against the running server. The blocking calls run on the client's own dispatch
// queue: blocking a cooperative-pool thread (two on this machine) would starve the server under test.
#if canImport(Glibc)
import Glibc
#endif
import Foundation

struct LineClientError: Error, CustomStringConvertible {
    var description: String
}

final class LineClient: @unchecked Sendable {
    // Safe: `buffer` is only touched on `queue`, and `fd` is immutable.
    private let queue = DispatchQueue(label: "LineClient")
    private let fd: Int32
    private var buffer: [UInt8] = []

    init(port: Int, host: String = "127.0.0.1") throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LineClientError(description: "socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &address.sin_addr)
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(fd)
            throw LineClientError(description: "connect to \(host):\(port) failed")
        }
    }

    deinit { close(fd) }

    func send(_ text: String) async throws {
        try await onQueue { try self.blockingSend(text) }
    }

    private func onQueue<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    private func blockingSend(_ text: String) throws {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw LineClientError(description: "send failed") }
            sent += n
        }
    }

    private func readLine() throws -> String {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[..<newline]
                buffer.removeFirst(newline + 1)
                return String(decoding: line.last == 13 ? line.dropLast() : line, as: UTF8.self)
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw LineClientError(description: "connection closed; pending \(String(decoding: buffer, as: UTF8.self))") }
            buffer.append(contentsOf: chunk[..<n])
        }
    }

    /// One SMTP reply, multi-line included: its code and its last line.
    func reply() async throws -> (code: Int, text: String) {
        try await onQueue { try self.blockingReply() }
    }

    private func blockingReply() throws -> (code: Int, text: String) {
        while true {
            let line = try readLine()
            let bytes = Array(line.utf8)
            if bytes.count < 4 || bytes[3] != UInt8(ascii: "-") {
                return (Int(line.prefix(3)) ?? 0, line)
            }
        }
    }

    func command(_ text: String) async throws -> Int {
        try await onQueue {
            try self.blockingSend(text + "\r\n")
            return try self.blockingReply().code
        }
    }
}
