import MailStore
import Testing
@testable import IMAPServer

/// The notification logic without a connection: which change gives which response (RFC 5465 §5).
@Suite struct IMAPNotifyStateTests {
    static func mailbox(_ id: Int64, _ name: String, messages: Int = 0, uidNext: UInt32 = 1, unseen: Int = 0,
                        modSeq: UInt64 = 1, subscribed: Bool = true) -> Mailbox {
        Mailbox(id: MailboxID(id), accountID: AccountID(1), name: name, uidValidity: 7, uidNext: uidNext,
                highestModSeq: modSeq, specialUse: nil, subscribed: subscribed, messageCount: messages,
                unseenCount: unseen, totalBytes: 0)
    }

    static func state(_ groups: [IMAPNotifyEventGroup], _ mailboxes: [Mailbox]) -> IMAPNotifyState {
        var state = IMAPNotifyState(groups: groups)
        _ = state.start(with: mailboxes, selectedID: nil, condStore: false, sendStatus: false)
        return state
    }

    @Test func filtersCoverTheRightMailboxes() {
        let lists = Self.mailbox(1, "Lists")
        let child = Self.mailbox(2, "Lists/Swift")
        let other = Self.mailbox(3, "Listserv", subscribed: false)
        #expect(IMAPNotifyState.covers(.subtree([IMAPMailboxName("Lists")]), lists))
        #expect(IMAPNotifyState.covers(.subtree([IMAPMailboxName("Lists")]), child))
        #expect(!IMAPNotifyState.covers(.subtree([IMAPMailboxName("Lists")]), other))
        #expect(!IMAPNotifyState.covers(.mailboxes([IMAPMailboxName("Lists")]), child))
        #expect(!IMAPNotifyState.covers(.mailboxes([IMAPMailboxName("List*")]), lists))   // §6.6: no wildcards
        #expect(IMAPNotifyState.covers(.subscribed, lists))
        #expect(!IMAPNotifyState.covers(.subscribed, other))
        #expect(IMAPNotifyState.covers(.inboxes, other))
        #expect(!IMAPNotifyState.covers(.selected, lists))
    }

    @Test func newMessageGivesStatusOnlyWhenAsked() {
        let before = [Self.mailbox(1, "INBOX"), Self.mailbox(2, "Lists")]
        let after = [Self.mailbox(1, "INBOX", messages: 1, uidNext: 2, unseen: 1), Self.mailbox(2, "Lists", messages: 1, uidNext: 2, unseen: 1)]
        var state = Self.state([IMAPNotifyEventGroup(.mailboxes([IMAPMailboxName("Lists")]), [.messageNew([]), .messageExpunge])], before)
        let responses = state.changes(now: after, selectedID: nil, condStore: false)
        #expect(responses == [.mailboxStatus(IMAPMailboxName("Lists"), [.number(.messages, 1), .number(.uidNext, 2),
                                                                          .number(.uidValidity, 7), .number(.unseen, 1)])])
        // The snapshot moved on: the same state again says nothing.
        #expect(state.changes(now: after, selectedID: nil, condStore: false).isEmpty)
    }

    @Test func selectedMailboxGetsNoStatus() {
        var state = Self.state([IMAPNotifyEventGroup(.personal, [.messageNew([]), .messageExpunge])], [Self.mailbox(1, "INBOX")])
        #expect(state.changes(now: [Self.mailbox(1, "INBOX", messages: 1, uidNext: 2)], selectedID: MailboxID(1), condStore: false).isEmpty)
    }

    @Test func flagChangeNeedsFlagChangeEvent() {
        let before = [Self.mailbox(1, "Lists", messages: 1, uidNext: 2, unseen: 1)]
        let after = [Self.mailbox(1, "Lists", messages: 1, uidNext: 2, unseen: 0, modSeq: 5)]
        var newOnly = Self.state([IMAPNotifyEventGroup(.personal, [.messageNew([]), .messageExpunge])], before)
        #expect(newOnly.changes(now: after, selectedID: nil, condStore: false).isEmpty)
        var flags = Self.state([IMAPNotifyEventGroup(.personal, [.messageNew([]), .messageExpunge, .flagChange])], before)
        #expect(flags.changes(now: after, selectedID: nil, condStore: true)
                == [.mailboxStatus(IMAPMailboxName("Lists"), [.number(.uidValidity, 7), .number(.unseen, 0), .number(.highestModSeq, 5)])])
    }

    @Test func renameOfAParentIsOneListWithOldName() {
        let before = [Self.mailbox(1, "A"), Self.mailbox(2, "A/B")]
        let after = [Self.mailbox(1, "C"), Self.mailbox(2, "C/B")]
        var state = Self.state([IMAPNotifyEventGroup(.personal, [.mailboxName])], before)
        let responses = state.changes(now: after, selectedID: nil, condStore: false)
        #expect(responses == [.list(IMAPListResponse(attributes: ["\\Subscribed", "\\HasChildren"], delimiter: "/",
                                                     mailbox: IMAPMailboxName("C"), oldName: IMAPMailboxName("A")))])
    }

    @Test func ownChangesAreSnapshottedSilently() {
        var state = Self.state([IMAPNotifyEventGroup(.personal, [.mailboxName, .subscriptionChange])], [Self.mailbox(1, "INBOX")])
        let after = [Self.mailbox(1, "INBOX", subscribed: false), Self.mailbox(2, "New")]
        #expect(state.changes(now: after, selectedID: nil, condStore: false, announceNames: false).isEmpty)
        #expect(state.changes(now: [Self.mailbox(1, "INBOX", subscribed: false)], selectedID: nil, condStore: false)
                == [.list(IMAPListResponse(attributes: ["\\NonExistent"], delimiter: "/", mailbox: IMAPMailboxName("New")))])
    }
}
