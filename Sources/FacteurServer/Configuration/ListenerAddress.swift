// The `[listeners]` vocabulary: which services exist and the "host:port" each binds to.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The services Facteur can listen for, named as in `[listeners]`.
public enum ListenerName: String, Sendable, Hashable, CaseIterable, Comparable {
    case smtp, submission, submissions, lmtp, imap, imaps, pop3, pop3s, managesieve, http

    /// The unprivileged port used by development defaults (DESIGN.md).
    public var developmentPort: Int {
        switch self {
        case .smtp: return 2525
        case .submission: return 2587
        case .submissions: return 2465
        case .lmtp: return 2424
        case .imap: return 1143
        case .imaps: return 1993
        case .pop3: return 1110
        case .pop3s: return 1995
        case .managesieve: return 4190
        case .http: return 8080
        }
    }

    public static func < (lhs: ListenerName, rhs: ListenerName) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }
}

/// Where one listener binds. Port 0 asks the system for any free port.
public struct ListenerAddress: Sendable, Hashable, CustomStringConvertible {
    /// An IPv4 address, a host name, or an IPv6 address without brackets.
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Reads `"0.0.0.0:25"`, `"localhost:2525"` or `"[::1]:143"`; nil for anything else.
    public init?(parsing text: String) {
        guard text.utf8.count <= 300, let colon = text.lastIndex(of: ":") else { return nil }
        let hostPart = text[..<colon]
        let portPart = text[text.index(after: colon)...]
        guard !portPart.isEmpty, portPart.count <= 5, portPart.allSatisfy({ $0.isASCII && $0.isNumber }),
              let port = Int(portPart), (0...65_535).contains(port) else { return nil }
        if hostPart.hasPrefix("[") {
            guard hostPart.hasSuffix("]"), hostPart.count > 2 else { return nil }
            let address = String(hostPart.dropFirst().dropLast())
            guard Self.isIPv6(address) else { return nil }
            self.init(host: address, port: port)
        } else {
            guard !hostPart.isEmpty, hostPart.utf8.count <= 253,
                  hostPart.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_") })
            else { return nil }
            self.init(host: String(hostPart), port: port)
        }
    }

    /// `host:port`, with brackets around an IPv6 host, the form the config file uses.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    private static func isIPv6(_ text: String) -> Bool {
        var storage = in6_addr()
        return inet_pton(AF_INET6, text, &storage) == 1
    }
}
