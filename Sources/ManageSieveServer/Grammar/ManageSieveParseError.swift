// A command that the grammar refuses; the session answers NO with `message` and goes on.

/// Why a command line did not parse. `message` is safe to send to the client: it never quotes the
/// client's data back (a password might be in it).
public struct ManageSieveParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
