// THREAD arguments: algorithm, charset and search criteria (RFC 5256 §3).

/// A parsed THREAD (or UID THREAD). Public because the parser hands it to the session.
public struct IMAPThreadCommand: Sendable, Hashable {
    public var algorithm: IMAPThreadAlgorithm
    /// Mandatory for THREAD (RFC 5256 §3).
    public var charset: String
    public var key: IMAPSearchKey

    public init(algorithm: IMAPThreadAlgorithm, charset: String, key: IMAPSearchKey) {
        self.algorithm = algorithm
        self.charset = charset
        self.key = key
    }
}

/// thread-alg (RFC 5256 §5): the two this server announces as THREAD=...
public enum IMAPThreadAlgorithm: String, Sendable, Hashable, CaseIterable {
    case orderedSubject = "ORDEREDSUBJECT"
    case references = "REFERENCES"
}

extension IMAPParseCursor {
    // thread          = ["UID" SP] "THREAD" SP thread-alg SP search-criteria
    // thread-alg      = "ORDEREDSUBJECT" / "REFERENCES" / thread-alg-ext   (RFC 5256 §5)
    mutating func parseThreadArguments() throws(IMAPParseError) -> IMAPThreadCommand {
        try expectSpace()
        let name = try parseAtom("a threading algorithm").uppercased()
        guard let algorithm = IMAPThreadAlgorithm(rawValue: name) else {
            throw IMAPParseError(.syntax, "unknown threading algorithm \(name)", offset: index)
        }
        try expectSpace()
        let (charset, key) = try parseSearchCriteria()
        return IMAPThreadCommand(algorithm: algorithm, charset: charset, key: key)
    }
}
