// Items of STATUS and of LIST ... RETURN (STATUS (...)).

/// A STATUS data item (RFC 9051 §6.3.11 and extensions).
public enum IMAPStatusAttribute: String, Sendable, Hashable, CaseIterable {
    case messages = "MESSAGES"
    case uidNext = "UIDNEXT"
    case uidValidity = "UIDVALIDITY"
    case unseen = "UNSEEN"
    case deleted = "DELETED"
    /// RFC 8438.
    case size = "SIZE"
    /// IMAP4rev1 only (RFC 3501 §6.3.10).
    case recent = "RECENT"
    /// RFC 7162 §3.1.6.
    case highestModSeq = "HIGHESTMODSEQ"
    /// RFC 7889 §3.2.
    case appendLimit = "APPENDLIMIT"
    /// RFC 8474 §4.
    case mailboxID = "MAILBOXID"
}

extension IMAPParseCursor {
    // status-att      = "MESSAGES" / "UIDNEXT" / "UIDVALIDITY" /
    //                   "UNSEEN" / "DELETED" / "SIZE"                    (RFC 9051 §9)
    // status-att      =/ "RECENT"                                        (RFC 3501 §9)
    // status-att      =/ "HIGHESTMODSEQ"                                 (RFC 7162 §7)
    // status-att      =/ "APPENDLIMIT"                                   (RFC 7889 §5)
    // status-att      =/ "MAILBOXID"                                     (RFC 8474 §7)
    mutating func parseStatusAtt() throws(IMAPParseError) -> IMAPStatusAttribute {
        let start = index
        let name = parseKeywordToken()
        guard let attribute = IMAPStatusAttribute(rawValue: name) else {
            throw IMAPParseError(.syntax, name.isEmpty ? "expected a status item" : "unknown status item \(name)", offset: start)
        }
        return attribute
    }

    // "(" status-att *(SP status-att) ")"                                (RFC 9051 §9 status)
    mutating func parseStatusAttList() throws(IMAPParseError) -> [IMAPStatusAttribute] {
        try parseParenthesizedList(allowEmpty: false, what: "status item list") { (cursor: inout IMAPParseCursor) throws(IMAPParseError) in
            try cursor.parseStatusAtt()
        }
    }
}
