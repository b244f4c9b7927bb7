// REPLACE and UID REPLACE arguments (RFC 8508 §6).

extension IMAPParseCursor {
    // replace         = "REPLACE" SP seq-number SP mailbox append-message   (RFC 8508 §6)
    // uid-replace     = "UID" SP replace
    // append-message  = append-opts SP append-data                         (RFC 4466 §2.1.1)
    /// One number (or `*`) as a one-element set, so the session resolves it like any other set.
    mutating func parseReplaceArguments() throws(IMAPParseError) -> (IMAPSequenceSet, IMAPMailboxName, IMAPAppendMessage) {
        try expectSpace()
        let start = index
        let set = try parseSequenceSet()
        guard case .ranges(let ranges) = set, ranges.count == 1, ranges[0].first == ranges[0].last else {
            throw IMAPParseError(.syntax, "REPLACE takes one message number", offset: start)
        }
        try expectSpace()
        let mailbox = try parseMailbox()
        return (set, mailbox, try parseAppendMessage())
    }
}
