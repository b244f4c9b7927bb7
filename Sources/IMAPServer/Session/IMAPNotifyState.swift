// What one session asked NOTIFY for (RFC 5465) and what it last told the client about each
// mailbox of its account. Pure: the session feeds it the account's mailboxes after each change
// signal and writes the responses it returns, so it is tested without a connection.
//
// Implementation notes:
// - Notifications come from comparing the account's mailboxes (names, counters, subscription)
//   with the last look, not from replaying individual store changes: signals may merge or be
//   lost, a comparison cannot drift, and a session costs one mailbox list per wake-up.
// - A mailbox keeps its id across RENAME, so a rename is a changed name under the same id.

import MailStore

struct IMAPNotifyState {
    /// The events of one mailbox, merged over every event group that covers it (RFC 5465 §6).
    struct Events: OptionSet {
        let rawValue: UInt8
        static let messageNew = Events(rawValue: 1 << 0)
        static let messageExpunge = Events(rawValue: 1 << 1)
        static let flagChange = Events(rawValue: 1 << 2)
        static let mailboxName = Events(rawValue: 1 << 3)
        static let subscriptionChange = Events(rawValue: 1 << 4)
        static let messageEvents: Events = [.messageNew, .messageExpunge, .flagChange]

        init(rawValue: UInt8) { self.rawValue = rawValue }

        init(_ events: [IMAPNotifyEvent]) {
            var result: Events = []
            for event in events {
                switch event {
                case .messageNew: result.insert(.messageNew)
                case .messageExpunge: result.insert(.messageExpunge)
                case .flagChange: result.insert(.flagChange)
                case .mailboxName: result.insert(.mailboxName)
                case .subscriptionChange: result.insert(.subscriptionChange)
                case .annotationChange, .mailboxMetadataChange, .serverMetadataChange, .other: break
                }
            }
            self = result
        }
    }

    /// SELECTED or SELECTED-DELAYED (RFC 5465 §6.1).
    struct SelectedEvents {
        var delayed: Bool
        var events: Events
        /// Asked for with MessageNew: sent in a FETCH after EXISTS (RFC 5465 §5.2).
        var fetchAttributes: [IMAPFetchAttribute]
    }

    private(set) var selected: SelectedEvents?
    private let groups: [(filter: IMAPNotifyFilter, events: Events)]
    /// The mailboxes as last reported (or snapshotted by NOTIFY SET), by id.
    private(set) var known: [MailboxID: Mailbox] = [:]
    /// The change hub's account generation at the last look.
    var accountGeneration: UInt64 = 0

    /// The event names of `groups` this server refuses (RFC 5465 §3.1 BADEVENT).
    static func unsupportedEvents(in groups: [IMAPNotifyEventGroup]) -> [IMAPNotifyEvent] {
        groups.flatMap(\.events).filter { !$0.isSupported }
    }

    init(groups: [IMAPNotifyEventGroup]) {
        var others: [(IMAPNotifyFilter, Events)] = []
        for group in groups {
            if group.filter.isSelected {
                var attributes: [IMAPFetchAttribute] = []
                for case .messageNew(let wanted) in group.events { attributes = wanted }
                selected = SelectedEvents(delayed: group.filter == .selectedDelayed, events: Events(group.events),
                                          fetchAttributes: attributes)
            } else {
                others.append((group.filter, Events(group.events)))
            }
        }
        self.groups = others
    }

    /// What the non-selected filters ask for about `mailbox` (RFC 5465 §6.2-6.6).
    func events(for mailbox: Mailbox) -> Events {
        var result: Events = []
        for group in groups where Self.covers(group.filter, mailbox) { result.formUnion(group.events) }
        return result
    }

    static func covers(_ filter: IMAPNotifyFilter, _ mailbox: Mailbox) -> Bool {
        switch filter {
        case .selected, .selectedDelayed: return false
        // RFC 5465 §6.3: Sieve may file a delivery into any mailbox, so the set of inboxes is
        // not easily computed and INBOXES means PERSONAL.
        case .inboxes, .personal: return true
        case .subscribed: return mailbox.subscribed
        case .subtree(let roots):
            return roots.contains { mailbox.name == $0.name || mailbox.name.hasPrefix($0.name + "/") }
        // RFC 5465 §6.6: exact names, no wildcard expansion.
        case .mailboxes(let names): return names.contains { $0.name == mailbox.name }
        }
    }

    /// NOTIFY SET STATUS (RFC 5465 §3.1): a STATUS for every mailbox with message events other
    /// than the selected one. Also takes the snapshot later changes are compared with.
    mutating func start(with mailboxes: [Mailbox], selectedID: MailboxID?, condStore: Bool,
                        sendStatus: Bool) -> [IMAPUntaggedResponse] {
        known = Dictionary(mailboxes.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        guard sendStatus else { return [] }
        var responses: [IMAPUntaggedResponse] = []
        for mailbox in mailboxes.sorted(by: { $0.name < $1.name }) where mailbox.id != selectedID {
            let events = events(for: mailbox)
            guard !events.isDisjoint(with: .messageEvents) else { continue }
            responses.append(Self.status(mailbox, counts: true,
                                         modSeq: condStore || events.contains(.flagChange)))
        }
        return responses
    }

    /// The notifications for what changed since the last look, in name order; the snapshot moves
    /// on. `announceNames` false leaves out MailboxName and SubscriptionChange (RFC 5465 §5: not
    /// for the session's own CREATE, DELETE, RENAME or SUBSCRIBE).
    mutating func changes(now mailboxes: [Mailbox], selectedID: MailboxID?, condStore: Bool,
                          announceNames: Bool = true) -> [IMAPUntaggedResponse] {
        let tree = MailboxTree(mailboxes)
        let current = Dictionary(mailboxes.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var responses: [IMAPUntaggedResponse] = []
        let renamedFrom = known.values.compactMap { old in
            current[old.id].flatMap { $0.name != old.name ? old.name : nil }
        }
        for mailbox in mailboxes.sorted(by: { $0.name < $1.name }) {
            let events = events(for: mailbox)
            guard let old = known[mailbox.id] else {
                // RFC 5465 §5.4: a created mailbox.
                if announceNames && events.contains(.mailboxName) {
                    responses.append(.list(Self.listResponse(mailbox, tree: tree)))
                }
                continue
            }
            if old.name != mailbox.name {
                // RFC 5465 §5.4: one LIST with OLDNAME per rename; children renamed with their
                // parent are not announced again.
                let movedWithParent = renamedFrom.contains { old.name.hasPrefix($0 + "/") }
                if announceNames && !movedWithParent
                    && (events.contains(.mailboxName) || self.events(for: old).contains(.mailboxName)) {
                    responses.append(.list(Self.listResponse(mailbox, tree: tree, oldName: old.name)))
                }
            } else if old.subscribed != mailbox.subscribed && announceNames
                        && (events.contains(.subscriptionChange) || self.events(for: old).contains(.subscriptionChange)) {
                // RFC 5465 §5.5.
                responses.append(.list(Self.listResponse(mailbox, tree: tree)))
            }
            // RFC 5465 §3.1: the selected mailbox gets the SELECTED filter's events only.
            if mailbox.id != selectedID, let status = Self.statusChange(from: old, to: mailbox, events: events,
                                                                         condStore: condStore) {
                responses.append(status)
            }
        }
        // RFC 5465 §5.4: a deleted mailbox is listed \NonExistent.
        for old in known.values.sorted(by: { $0.name < $1.name }) where current[old.id] == nil {
            if announceNames && events(for: old).contains(.mailboxName) {
                responses.append(.list(IMAPListResponse(attributes: ["\\NonExistent"], delimiter: "/",
                                                        mailbox: IMAPMailboxName(old.name))))
            }
        }
        known = current
        return responses
    }

    /// RFC 5465 §5.1-5.3: which STATUS, if any, tells the client about this change.
    static func statusChange(from old: Mailbox, to new: Mailbox, events: Events,
                             condStore: Bool) -> IMAPUntaggedResponse? {
        let countsChanged = old.messageCount != new.messageCount || old.uidNext != new.uidNext
            || old.uidValidity != new.uidValidity
        if countsChanged && !events.isDisjoint(with: [.messageNew, .messageExpunge]) {
            return status(new, counts: true, modSeq: condStore)
        }
        // §5.1: flag changes show as UNSEEN, or as HIGHESTMODSEQ once CONDSTORE is on.
        let flagsChanged = old.unseenCount != new.unseenCount || (condStore && old.highestModSeq != new.highestModSeq)
        if events.contains(.flagChange) && (flagsChanged || countsChanged) {
            return status(new, counts: countsChanged, modSeq: condStore)
        }
        return nil
    }

    static func status(_ mailbox: Mailbox, counts: Bool, modSeq: Bool) -> IMAPUntaggedResponse {
        var values: [IMAPStatusValue] = []
        if counts {
            values.append(.number(.messages, UInt64(max(mailbox.messageCount, 0))))
            values.append(.number(.uidNext, UInt64(mailbox.uidNext)))
        }
        values.append(.number(.uidValidity, UInt64(mailbox.uidValidity)))
        values.append(.number(.unseen, UInt64(max(mailbox.unseenCount, 0))))
        if modSeq { values.append(.number(.highestModSeq, mailbox.highestModSeq)) }
        return .mailboxStatus(IMAPMailboxName(mailbox.name), values)
    }

    /// RFC 5465 §5.4-5.5: attributes computed as LIST would, \Subscribed exactly when subscribed.
    static func listResponse(_ mailbox: Mailbox, tree: MailboxTree, oldName: String? = nil) -> IMAPListResponse {
        var attributes: [String] = []
        if mailbox.subscribed { attributes.append("\\Subscribed") }
        attributes.append(tree.hasChildren(mailbox.name) ? "\\HasChildren" : "\\HasNoChildren")
        return IMAPListResponse(attributes: attributes, delimiter: "/", mailbox: IMAPMailboxName(mailbox.name),
                                oldName: oldName.map(IMAPMailboxName.init))
    }
}
