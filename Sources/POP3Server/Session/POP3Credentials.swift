// A user name and password on their way to the authenticator.

/// What USER/PASS or AUTH PLAIN supplied. `description` never shows the password (STYLE.md).
public struct POP3Credentials: Sendable, Equatable, CustomStringConvertible {
    public var user: String
    public var password: String

    public init(user: String, password: String) {
        self.user = user
        self.password = password
    }

    public var description: String { "POP3Credentials(user: \(user), password: <redacted>)" }
}
