// TLS from the first byte (smtps/submissions, imaps, pop3s; RFC 8314 §3.3): both the protocol's
// child pipeline and the refusal pipeline of a connection over the limits start with it.

import NIOCore
import NIOSSL

/// Namespace for the one step every implicit-TLS pipeline shares, so the session pipeline and
/// the refusal pipeline cannot disagree about it.
public enum ImplicitTLS {
    /// Puts the server side of TLS first on a fresh child pipeline when `tlsContext` is given;
    /// does nothing on a plain port (nil). Runs on the channel's event loop, inside the
    /// bootstrap's initializer.
    public static func addServerHandler(_ tlsContext: NIOSSLContext?, to channel: any Channel) throws {
        guard let tlsContext else { return }
        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tlsContext))
    }
}
