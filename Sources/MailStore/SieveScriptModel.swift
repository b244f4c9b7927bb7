// What the store keeps of a user's Sieve scripts (RFC 5804 semantics: many scripts, at most one
// active). Delivery runs the active one; ManageSieve edits them.
import Foundation

/// One entry of LISTSCRIPTS (RFC 5804 §2.7): the name and whether it is the active script.
public struct SieveScriptEntry: Sendable, Equatable {
    public var name: String
    public var isActive: Bool

    public init(name: String, isActive: Bool) {
        self.name = name
        self.isActive = isActive
    }
}

/// The active script of an account, as delivery needs it: its name (for logs) and its source.
public struct ActiveSieveScript: Sendable, Equatable {
    public var name: String
    public var content: String

    public init(name: String, content: String) {
        self.name = name
        self.content = content
    }
}
