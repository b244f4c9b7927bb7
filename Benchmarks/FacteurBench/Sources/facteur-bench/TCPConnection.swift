import Glibc

/// A blocking TCP connection to an IPv4 address. A benchmark client drives one connection one
/// command at a time, so blocking calls are its cheapest form: one `send` and as few `recv`s as the
/// kernel hands over, no readiness polling between them.
final class TCPConnection {
    private let descriptor: Int32

    init(host: String, port: Int, timeoutSeconds: Int) throws(BenchError) {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(truncatingIfNeeded: port).bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            throw BenchError("not an IPv4 address: \(host)")
        }
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw BenchError.system("socket") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        // Commands are small and each waits for its answer: send them at once.
        var one: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let error = BenchError.system("connect \(host):\(port)")
            close(descriptor)
            throw error
        }
    }

    deinit { close(descriptor) }

    func send(_ bytes: [UInt8]) throws(BenchError) {
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                Glibc.send(descriptor, buffer.baseAddress! + sent, buffer.count - sent, Int32(MSG_NOSIGNAL))
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw BenchError.system("send")
            }
            sent += count
        }
    }

    /// Receives at most `capacity` bytes at `destination`; at least one, or it throws (the server
    /// closed the connection, or nothing came within the timeout).
    func receive(into destination: UnsafeMutableRawPointer, capacity: Int) throws(BenchError) -> Int {
        while true {
            let count = recv(descriptor, destination, capacity, 0)
            if count > 0 { return count }
            if count == 0 { throw BenchError("the server closed the connection") }
            if errno == EINTR { continue }
            throw BenchError.system("recv")
        }
    }
}
