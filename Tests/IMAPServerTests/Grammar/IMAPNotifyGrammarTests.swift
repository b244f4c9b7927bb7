import Testing
@testable import IMAPServer

/// NOTIFY (RFC 5465 §8) fixtures: the RFC's examples and the rules §5 and §6.1 state in prose.
@Suite struct IMAPNotifyGrammarTests {
    static func parse(_ text: String) -> Result<IMAPCommandKind, IMAPParseError> {
        do throws(IMAPParseError) {
            return .success(try IMAPCommandParser.parse(IMAPCommandFrame(text), options: .init(mailboxEncoding: .modifiedUTF7)).kind)
        } catch {
            return .failure(error)
        }
    }

    static func box(_ name: String) -> IMAPMailboxName { IMAPMailboxName(name) }

    static let valid: [(String, IMAPNotifyCommand)] = [
        ("a NOTIFY NONE", .none),
        ("a notify none", .none),
        ("e notify set (selected (MessageNew (uid flags) MessageExpunge)) (subtree Lists (MessageNew MessageExpunge)) (mailboxes misc (MessageNew MessageExpunge))",
         .set(status: false, groups: [
            IMAPNotifyEventGroup(.selected, [.messageNew([.uid, .flags]), .messageExpunge]),
            IMAPNotifyEventGroup(.subtree([box("Lists")]), [.messageNew([]), .messageExpunge]),
            IMAPNotifyEventGroup(.mailboxes([box("misc")]), [.messageNew([]), .messageExpunge]),
         ])),
        // RFC 5465 §6 examples.
        ("a notify set (mailboxes INBOX (Messagenew messageExpunge)) (personal (SubscriptionChange))",
         .set(status: false, groups: [
            IMAPNotifyEventGroup(.mailboxes([.inbox]), [.messageNew([]), .messageExpunge]),
            IMAPNotifyEventGroup(.personal, [.subscriptionChange]),
         ])),
        ("a notify set (selected (Messagenew (uid flags) messageExpunge)) (personal (MessageNew FlagChange MessageExpunge))",
         .set(status: false, groups: [
            IMAPNotifyEventGroup(.selected, [.messageNew([.uid, .flags]), .messageExpunge]),
            IMAPNotifyEventGroup(.personal, [.messageNew([]), .flagChange, .messageExpunge]),
         ])),
        ("a NOTIFY SET STATUS (INBOXES (MessageNew MessageExpunge)) (PERSONAL (MessageNew MessageExpunge MailboxName))",
         .set(status: true, groups: [
            IMAPNotifyEventGroup(.inboxes, [.messageNew([]), .messageExpunge]),
            IMAPNotifyEventGroup(.personal, [.messageNew([]), .messageExpunge, .mailboxName]),
         ])),
        ("a NOTIFY SET (SELECTED-DELAYED NONE) (SUBSCRIBED (MailboxName)) (SUBTREE (\"A b\" c/d) (MailboxName))",
         .set(status: false, groups: [
            IMAPNotifyEventGroup(.selectedDelayed, []),
            IMAPNotifyEventGroup(.subscribed, [.mailboxName]),
            IMAPNotifyEventGroup(.subtree([box("A b"), box("c/d")]), [.mailboxName]),
         ])),
        // Unsupported events parse: the session answers NO [BADEVENT] (§3.1), not BAD.
        ("a NOTIFY SET (PERSONAL (MailboxMetadataChange ServerMetadataChange Frobnicate))",
         .set(status: false, groups: [
            IMAPNotifyEventGroup(.personal, [.mailboxMetadataChange, .serverMetadataChange, .other("FROBNICATE")]),
         ])),
        ("a NOTIFY SET (SELECTED (MessageNew MessageExpunge AnnotationChange))",
         .set(status: false, groups: [
            IMAPNotifyEventGroup(.selected, [.messageNew([]), .messageExpunge, .annotationChange]),
         ])),
    ]

    @Test(arguments: valid)
    func parsesNotify(_ input: String, _ expected: IMAPNotifyCommand) throws {
        let kind = try Self.parse(input).get()
        #expect(kind == .notify(expected))
    }

    static let invalid: [(String, String)] = [
        ("a NOTIFY", "unexpected end"),
        ("a NOTIFY SET", "unexpected end"),
        ("a NOTIFY MAYBE", "expected SET or NONE"),
        ("a NOTIFY SET ()", "mailbox filter"),
        ("a NOTIFY SET (EVERYWHERE (MessageNew MessageExpunge))", "unknown mailbox filter"),
        ("a NOTIFY SET (PERSONAL MessageNew)", "\"(\""),
        ("a NOTIFY SET (PERSONAL ())", "empty event list"),
        ("a NOTIFY SET (PERSONAL (MailboxName)", "\")\""),
        // RFC 5465 §5: MessageNew and MessageExpunge together, FlagChange needs both. (The §3.1
        // example's `(selected MessageNew (...) MessageExpunge)` lacks the parentheses §8 requires.)
        ("b notify set status (selected MessageNew (uid) MessageExpunge) (subtree Lists MessageNew)", "\"(\""),
        ("a NOTIFY SET (PERSONAL (MessageNew))", "together"),
        ("a NOTIFY SET (PERSONAL (MessageExpunge))", "together"),
        ("a NOTIFY SET (PERSONAL (FlagChange))", "FlagChange"),
        // RFC 5465 §6.1: one SELECTED filter, message events only.
        ("a NOTIFY SET (SELECTED NONE) (SELECTED-DELAYED NONE)", "only once"),
        ("a NOTIFY SET (SELECTED (MailboxName))", "only message events"),
        // RFC 5465 §8: fetch attributes only for SELECTED.
        ("a NOTIFY SET (PERSONAL (MessageNew (UID) MessageExpunge))", "only with SELECTED"),
        ("a NOTIFY SET (SELECTED (MessageNew (FROB) MessageExpunge))", "fetch attribute"),
        ("a NOTIFY SET (SUBTREE () (MailboxName))", "empty mailbox list"),
    ]

    @Test(arguments: invalid)
    func rejectsMalformedNotify(_ input: String, _ phrase: String) {
        guard case .failure(let error) = Self.parse(input) else {
            Issue.record("parsed: \(input.debugDescription)")
            return
        }
        #expect(error.kind == .syntax, "\(error)")
        #expect(error.message.contains(phrase), "\(error.message)")
    }

    @Test func eventGroupCountIsBounded() {
        let group = " (MAILBOXES x (MailboxName))"
        let many = "a NOTIFY SET" + String(repeating: group, count: 1_001)
        guard case .failure(let error) = Self.parse(many) else {
            Issue.record("accepted 1,001 event groups")
            return
        }
        #expect(error.kind == .limitExceeded)
        #expect((try? Self.parse("a NOTIFY SET" + String(repeating: group, count: 1_000)).get()) != nil)
    }
}
