/// A compile or runtime problem with where it happened, so `facteur sieve check` and ManageSieve
/// can print `line:column: message` the way users expect.
public struct SieveError: Error, Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    init(_ position: SourcePosition, _ message: String) {
        self.init(line: position.line, column: position.column, message: message)
    }

    public var description: String { "\(line):\(column): \(message)" }
}

/// Every error a compilation found (up to a limit), in source order.
public struct SieveErrors: Error, Sendable, Hashable, CustomStringConvertible {
    public var errors: [SieveError]

    public init(_ errors: [SieveError]) { self.errors = errors }

    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// Line and column of a token, both 1-based; columns count Unicode scalars, as editors do.
public struct SourcePosition: Sendable, Hashable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}
