// Why the server's certificate or key could not be used; always names the file involved.

/// A TLS setup failure. The server does not start with one.
public struct TLSMaterialError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The certificate or key file at fault, or the directory that could not be written.
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
