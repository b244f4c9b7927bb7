// NOTIFY (RFC 5465 §3.1): its arguments and their parser.

/// `notify` (RFC 5465 §8): what a client wants pushed to it, replacing what it asked before.
public enum IMAPNotifyCommand: Sendable, Equatable {
    /// NOTIFY NONE: no event at all, not even for the selected mailbox between commands.
    case none
    /// NOTIFY SET [STATUS] event-groups; `status` asks for the initial STATUS of every mailbox
    /// with message events (§3.1).
    case set(status: Bool, groups: [IMAPNotifyEventGroup])
}

/// `event-group` (RFC 5465 §8): a mailbox filter and its events (empty for NONE).
public struct IMAPNotifyEventGroup: Sendable, Equatable {
    public var filter: IMAPNotifyFilter
    public var events: [IMAPNotifyEvent]

    public init(_ filter: IMAPNotifyFilter, _ events: [IMAPNotifyEvent]) {
        self.filter = filter
        self.events = events
    }
}

extension IMAPParseCursor {
    // notify          = "NOTIFY" SP (notify-set / notify-none)
    // notify-set      = "SET" [status-indicator] SP event-groups
    // notify-none     = "NONE"
    // status-indicator = SP "STATUS"
    // event-groups    = event-group *(SP event-group)                 (RFC 5465 §8)
    //
    // The rules §5 and §6.1 state in prose are checked here too, as the syntax errors (BAD) the
    // RFC asks for; unsupported events parse, for the session's NO [BADEVENT].
    mutating func parseNotify() throws(IMAPParseError) -> IMAPNotifyCommand {
        try expectSpace()
        if consumeKeyword("NONE") { return .none }
        guard consumeKeyword("SET") else { throw error("expected SET or NONE") }
        try expectSpace()
        let status = consumeKeyword("STATUS")
        if status { try expectSpace() }
        var groups: [IMAPNotifyEventGroup] = []
        while true {
            guard groups.count < limits.maxListItems else {
                throw error("more than \(limits.maxListItems) event groups", .limitExceeded)
            }
            groups.append(try parseNotifyEventGroup())
            if isAtEnd { break }
            try expectSpace()
        }
        // RFC 5465 §6.1: only one of SELECTED and SELECTED-DELAYED in a command.
        if groups.filter({ $0.filter.isSelected }).count > 1 {
            throw error("SELECTED or SELECTED-DELAYED may appear only once")
        }
        return .set(status: status, groups: groups)
    }

    // event-group     = "(" filter-mailboxes SP events ")"             (RFC 5465 §8)
    mutating func parseNotifyEventGroup() throws(IMAPParseError) -> IMAPNotifyEventGroup {
        try expect(UInt8(ascii: "("), "\"(\" to open an event group")
        let filter = try parseNotifyFilter()
        try expectSpace()
        let events: [IMAPNotifyEvent]
        if consumeKeyword("NONE") {
            events = []
        } else {
            events = try parseParenthesizedList(allowEmpty: false, what: "event list") { (cursor: inout IMAPParseCursor) throws(IMAPParseError) in
                try cursor.parseNotifyEvent()
            }
        }
        try expect(UInt8(ascii: ")"), "\")\" to close the event group")
        try checkNotifyEvents(events, filter: filter)
        return IMAPNotifyEventGroup(filter, events)
    }

    // filter-mailboxes = filter-mailboxes-selected / filter-mailboxes-other
    // filter-mailboxes-other = "inboxes" / "personal" / "subscribed" /
    //                 ( "subtree" SP one-or-more-mailbox ) /
    //                 ( "mailboxes" SP one-or-more-mailbox )
    // filter-mailboxes-selected = "selected" / "selected-delayed"      (RFC 5465 §8)
    mutating func parseNotifyFilter() throws(IMAPParseError) -> IMAPNotifyFilter {
        let start = index
        switch parseKeywordToken() {
        case "SELECTED": return .selected
        case "SELECTED-DELAYED": return .selectedDelayed
        case "INBOXES": return .inboxes
        case "PERSONAL": return .personal
        case "SUBSCRIBED": return .subscribed
        case "SUBTREE": try expectSpace(); return .subtree(try parseOneOrMoreMailbox())
        case "MAILBOXES": try expectSpace(); return .mailboxes(try parseOneOrMoreMailbox())
        case let other:
            throw IMAPParseError(.syntax, other.isEmpty ? "expected a mailbox filter" : "unknown mailbox filter \(other)", offset: start)
        }
    }

    // one-or-more-mailbox = mailbox / many-mailboxes
    // many-mailboxes  = "(" mailbox *(SP mailbox) ")"                  (RFC 5465 §8)
    mutating func parseOneOrMoreMailbox() throws(IMAPParseError) -> [IMAPMailboxName] {
        if peek() == UInt8(ascii: "(") {
            return try parseParenthesizedList(allowEmpty: false, what: "mailbox list") { (cursor: inout IMAPParseCursor) throws(IMAPParseError) in
                try cursor.parseMailbox()
            }
        }
        return [try parseMailbox()]
    }

    // event           = message-event / mailbox-event / user-event / event-ext
    // message-event   = ( "MessageNew" [SP "(" fetch-att *(SP fetch-att) ")" ] )
    //                 / "MessageExpunge" / "FlagChange" / "AnnotationChange"
    // mailbox-event   = "MailboxName" / "SubscriptionChange" / "MailboxMetadataChange"
    // user-event      = "ServerMetadataChange"
    // event-ext       = atom                                           (RFC 5465 §8)
    mutating func parseNotifyEvent() throws(IMAPParseError) -> IMAPNotifyEvent {
        let start = index
        let name = try parseAtom("an event name").uppercased()
        switch name {
        case "MESSAGENEW":
            // The fetch-att list follows after a space, inside the event list.
            guard peek() == UInt8(ascii: " "), peek(1) == UInt8(ascii: "(") else { return .messageNew([]) }
            advance()
            return .messageNew(try parseParenthesizedList(allowEmpty: false, what: "fetch attribute list") { (cursor: inout IMAPParseCursor) throws(IMAPParseError) in
                try cursor.parseFetchAtt()
            })
        case "MESSAGEEXPUNGE": return .messageExpunge
        case "FLAGCHANGE": return .flagChange
        case "ANNOTATIONCHANGE": return .annotationChange
        case "MAILBOXNAME": return .mailboxName
        case "SUBSCRIPTIONCHANGE": return .subscriptionChange
        case "MAILBOXMETADATACHANGE": return .mailboxMetadataChange
        case "SERVERMETADATACHANGE": return .serverMetadataChange
        default:
            guard name.utf8.count <= 64 else { throw IMAPParseError(.syntax, "event name too long", offset: start) }
            return .other(name)
        }
    }

    /// The rules RFC 5465 states in prose, each a BAD.
    private func checkNotifyEvents(_ events: [IMAPNotifyEvent], filter: IMAPNotifyFilter) throws(IMAPParseError) {
        let hasNew = events.contains { if case .messageNew = $0 { return true } else { return false } }
        let hasExpunge = events.contains(.messageExpunge)
        // RFC 5465 §5: MessageNew and MessageExpunge come together.
        if hasNew != hasExpunge { throw error("MessageNew and MessageExpunge must be requested together") }
        // RFC 5465 §5: FlagChange and AnnotationChange need both of them.
        if (events.contains(.flagChange) || events.contains(.annotationChange)) && !hasNew {
            throw error("FlagChange and AnnotationChange need MessageNew and MessageExpunge")
        }
        for event in events {
            // RFC 5465 §6.1: SELECTED filters take message events only.
            if filter.isSelected && !event.isMessageEvent {
                if case .other = event { continue }   // unknown: the session answers BADEVENT
                throw error("only message events are allowed with SELECTED")
            }
            // RFC 5465 §8: the fetch-att list is only for the SELECTED filters.
            if case .messageNew(let attributes) = event, !attributes.isEmpty, !filter.isSelected {
                throw error("fetch attributes are allowed only with SELECTED")
            }
        }
    }
}
