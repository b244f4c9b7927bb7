// RFC 5804 §1.7: the capability lines sent on connect, after STARTTLS and for CAPABILITY.

import NIOCore

/// What the server announces in one state of a session.
public struct ManageSieveCapabilities: Sendable, Equatable {
    /// IMPLEMENTATION: name and version.
    public var implementation: String
    /// SASL: mechanisms usable now; empty only when STARTTLS is offered (§1.7).
    public var saslMechanisms: [String]
    /// SIEVE: the `require` names the engine supports.
    public var sieveExtensions: String
    /// Offer STARTTLS (only before TLS and before authentication, §1.7).
    public var startTLS: Bool
    /// MAXREDIRECTS: redirects per script run.
    public var maxRedirects: Int
    /// OWNER: the logged-in user, only once authenticated.
    public var owner: String?

    public init(implementation: String, saslMechanisms: [String], sieveExtensions: String, startTLS: Bool,
                maxRedirects: Int, owner: String?) {
        self.implementation = implementation
        self.saslMechanisms = saslMechanisms
        self.sieveExtensions = sieveExtensions
        self.startTLS = startTLS
        self.maxRedirects = maxRedirects
        self.owner = owner
    }

    /// (name, value) pairs in the order sent. NOTIFY is left out: no "enotify" (§1.7 requires it
    /// only with that extension).
    public var lines: [(String, String?)] {
        var lines: [(String, String?)] = [
            ("IMPLEMENTATION", implementation),
            ("SASL", saslMechanisms.joined(separator: " ")),
            ("SIEVE", sieveExtensions),
        ]
        if startTLS { lines.append(("STARTTLS", nil)) }
        lines.append(("MAXREDIRECTS", String(maxRedirects)))
        if let owner { lines.append(("OWNER", owner)) }
        // RFC 5804 §2.14: the UNAUTHENTICATE extension.
        lines.append(("UNAUTHENTICATE", nil))
        lines.append(("VERSION", "1.0"))
        return lines
    }

    // single-capability = capability-name [SP string] CRLF
    public func encode(into buffer: inout ByteBuffer) {
        for (name, value) in lines {
            ManageSieveString.encode(name, into: &buffer)
            if let value {
                buffer.writeString(" ")
                ManageSieveString.encode(value, into: &buffer)
            }
            buffer.writeString("\r\n")
        }
    }
}
