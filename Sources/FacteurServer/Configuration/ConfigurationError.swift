// Why a configuration file was refused, in the `file:line: message` form editors jump to.

/// A configuration problem. The server does not start with one (DESIGN.md).
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file as the user named it.
    public var file: String
    /// 1-based; nil when the problem is the file as a whole (unreadable, missing).
    public var line: Int?
    /// Names the key: `unknown key 'listners'`, `limits.max_message_size: expected a positive integer`.
    public var message: String

    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line {
            return "\(file):\(line): \(message)"
        }
        return "\(file): \(message)"
    }
}
