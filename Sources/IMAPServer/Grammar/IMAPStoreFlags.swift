// The flag change a STORE asks for: FLAGS / +FLAGS / -FLAGS [.SILENT].

/// `store-att-flags` (RFC 9051 §6.4.6).
public struct IMAPStoreFlags: Sendable, Hashable {
    public enum Operation: Sendable, Hashable { case replace, add, remove }

    public var operation: Operation
    /// `.SILENT`: no untagged FETCH for the change.
    public var silent: Bool
    public var flags: [IMAPFlag]

    public init(_ operation: Operation, silent: Bool = false, flags: [IMAPFlag]) {
        self.operation = operation
        self.silent = silent
        self.flags = flags
    }
}

extension IMAPParseCursor {
    // store-att-flags = (["+" / "-"] "FLAGS" [".SILENT"]) SP
    //                   (flag-list / (flag *(SP flag)))                  (RFC 9051 §9)
    mutating func parseStoreAttFlags() throws(IMAPParseError) -> IMAPStoreFlags {
        let operation: IMAPStoreFlags.Operation
        if consume(UInt8(ascii: "+")) { operation = .add } else if consume(UInt8(ascii: "-")) { operation = .remove } else { operation = .replace }
        let name = parseKeywordToken()
        let silent: Bool
        switch name {
        case "FLAGS": silent = false
        case "FLAGS.SILENT": silent = true
        default: throw error("expected FLAGS, +FLAGS or -FLAGS (optionally .SILENT)")
        }
        try expectSpace()
        if peek() == UInt8(ascii: "(") {
            return IMAPStoreFlags(operation, silent: silent, flags: try parseFlagList())
        }
        var flags = [try parseFlag()]
        while consume(UInt8(ascii: " ")) {
            guard flags.count < limits.maxListItems else { throw error("too many flags", .limitExceeded) }
            flags.append(try parseFlag())
        }
        return IMAPStoreFlags(operation, silent: silent, flags: flags)
    }
}
