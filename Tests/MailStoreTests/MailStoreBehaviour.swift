// The behaviour every MailStore backend must show, written against the protocol only. A backend's
// suite runs every case of `MailStoreBehaviourCase` with its own fixture.
import Foundation
import MailStore
import Testing

struct MailStoreBehaviour: Sendable {
    let fixture: any MailStoreFixture
    var store: any MailStore { fixture.store }

    // MARK: Helpers

    @discardableResult
    func makeAccount(_ address: String, quota: Int64? = nil) async throws -> Account {
        let at = try #require(address.lastIndex(of: "@"))
        let domain = String(address[address.index(after: at)...])
        if try await store.domain(named: domain) == nil { try await store.addDomain(domain) }
        return try await store.addAccount(address: address, passwordHash: "$argon2id$v=19$test", quotaBytes: quota)
    }

    func inbox(_ account: Account) async throws -> Mailbox {
        try #require(await store.mailbox(accountID: account.id, name: "INBOX"))
    }

    static func content(_ text: String) -> MessageContent {
        MessageContent(bytes: Array(text.utf8))
    }

    static func randomContent(bytes count: Int) -> MessageContent {
        var generator = SystemRandomNumberGenerator()
        return MessageContent(bytes: (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    func appendOne(_ account: Account, _ content: MessageContent, mailbox: MailboxSelector = .inbox,
                   flags: [String] = [], prefix: [UInt8] = []) async throws -> AppendedMessage {
        let results = try await store.append([AppendRequest(accountID: account.id, mailbox: mailbox, prefix: prefix,
                                                            content: content, flags: flags)])
        return try #require(results.first).get()
    }

    /// Compares the kind of error only: the texts are for logs and may differ between backends.
    func expectError(_ expected: StoreError, _ body: () async throws -> Void,
                     sourceLocation: SourceLocation = #_sourceLocation) async {
        do {
            try await body()
            Issue.record("expected \(expected), got success", sourceLocation: sourceLocation)
        } catch let error as StoreError {
            #expect(Self.kind(of: error) == Self.kind(of: expected), "\(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected \(expected), got \(error)", sourceLocation: sourceLocation)
        }
    }

    static func kind(of error: StoreError) -> String {
        switch error {
        case .notFound: "notFound"
        case .alreadyExists: "alreadyExists"
        case .invalidName: "invalidName"
        case .overQuota(let id): "overQuota(\(id))"
        case .messageTooLarge: "messageTooLarge"
        case .inUse: "inUse"
        case .backend: "backend"
        }
    }

    func expectInvalidName(_ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async {
        do {
            try await body()
            Issue.record("expected invalidName, got success", sourceLocation: sourceLocation)
        } catch let error as StoreError {
            guard case .invalidName = error else {
                Issue.record("expected invalidName, got \(error)", sourceLocation: sourceLocation)
                return
            }
        } catch {
            Issue.record("expected invalidName, got \(error)", sourceLocation: sourceLocation)
        }
    }
}

/// Every behaviour, by name, so a backend suite can run them as one parameterised test.
enum MailStoreBehaviourCase: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case domains, accounts, aliases, defaultMailboxes
    case appendAssignsIncreasingUIDsAndModSeqs, appendOutcomesInRequestOrder, quotaRejectsOnlyTheOverflowingRequest
    case prefixPlusContentIsTheMessage, largeBodyRoundTrip, sharedContentServesEveryRecipient, wrongDigestIsRefused
    case flagOperations, expungeRecordsLogAndReleasesSpace
    case mailboxCreateRenameDelete, renameInboxMovesMessages, subscriptions
    case changeFeedDeliversCommittedChanges, concurrentAppendersAreStoredOnce
    case reopenedStoreSeesEverything, secondInstanceSeesChangesWithoutRestart, removeAccountRemovesItsMail
    case sieveScriptLifecycle, sieveScriptBounds, sieveScriptsGoWithTheAccount
    case scramCredentialsFollowThePassword, appPasswordLifecycle
    case copyKeepsFlagsDateAndBytes, copyRespectsQuotaMoveDoesNotNeedIt, copiesOutliveTheirOriginal
    case moveExpungesFromTheSource, copyAndMoveStayInTheAccount, copyAndMovePublishChanges
    case messageIndexFollowsUIDsAndModSeqs, messagesForManyUIDs, messageBytesReadsRanges,
         renderMessagesLendsWholeMessages, filledChunksAreTheMessage
    case conditionalFlagUpdateSkipsNewerMessages
    case messageQuotaCountsMessages
    case flagSearchAgreesWithTheIndex, summarySearchLendsEachSummary

    var testDescription: String { rawValue }

    func run(_ behaviour: MailStoreBehaviour) async throws {
        switch self {
        case .conditionalFlagUpdateSkipsNewerMessages: try await behaviour.conditionalFlagUpdateSkipsNewerMessages()
        case .messageQuotaCountsMessages: try await behaviour.messageQuotaCountsMessages()
        case .flagSearchAgreesWithTheIndex: try await behaviour.flagSearchAgreesWithTheIndex()
        case .summarySearchLendsEachSummary: try await behaviour.summarySearchLendsEachSummary()
        case .domains: try await behaviour.domains()
        case .accounts: try await behaviour.accounts()
        case .aliases: try await behaviour.aliases()
        case .defaultMailboxes: try await behaviour.defaultMailboxes()
        case .appendAssignsIncreasingUIDsAndModSeqs: try await behaviour.appendAssignsIncreasingUIDsAndModSeqs()
        case .appendOutcomesInRequestOrder: try await behaviour.appendOutcomesInRequestOrder()
        case .quotaRejectsOnlyTheOverflowingRequest: try await behaviour.quotaRejectsOnlyTheOverflowingRequest()
        case .prefixPlusContentIsTheMessage: try await behaviour.prefixPlusContentIsTheMessage()
        case .largeBodyRoundTrip: try await behaviour.largeBodyRoundTrip()
        case .sharedContentServesEveryRecipient: try await behaviour.sharedContentServesEveryRecipient()
        case .wrongDigestIsRefused: try await behaviour.wrongDigestIsRefused()
        case .flagOperations: try await behaviour.flagOperations()
        case .expungeRecordsLogAndReleasesSpace: try await behaviour.expungeRecordsLogAndReleasesSpace()
        case .mailboxCreateRenameDelete: try await behaviour.mailboxCreateRenameDelete()
        case .renameInboxMovesMessages: try await behaviour.renameInboxMovesMessages()
        case .subscriptions: try await behaviour.subscriptions()
        case .changeFeedDeliversCommittedChanges: try await behaviour.changeFeedDeliversCommittedChanges()
        case .concurrentAppendersAreStoredOnce: try await behaviour.concurrentAppendersAreStoredOnce()
        case .reopenedStoreSeesEverything: try await behaviour.reopenedStoreSeesEverything()
        case .secondInstanceSeesChangesWithoutRestart: try await behaviour.secondInstanceSeesChangesWithoutRestart()
        case .removeAccountRemovesItsMail: try await behaviour.removeAccountRemovesItsMail()
        case .sieveScriptLifecycle: try await behaviour.sieveScriptLifecycle()
        case .sieveScriptBounds: try await behaviour.sieveScriptBounds()
        case .sieveScriptsGoWithTheAccount: try await behaviour.sieveScriptsGoWithTheAccount()
        case .scramCredentialsFollowThePassword: try await behaviour.scramCredentialsFollowThePassword()
        case .appPasswordLifecycle: try await behaviour.appPasswordLifecycle()
        case .copyKeepsFlagsDateAndBytes: try await behaviour.copyKeepsFlagsDateAndBytes()
        case .copyRespectsQuotaMoveDoesNotNeedIt: try await behaviour.copyRespectsQuotaMoveDoesNotNeedIt()
        case .copiesOutliveTheirOriginal: try await behaviour.copiesOutliveTheirOriginal()
        case .moveExpungesFromTheSource: try await behaviour.moveExpungesFromTheSource()
        case .copyAndMoveStayInTheAccount: try await behaviour.copyAndMoveStayInTheAccount()
        case .copyAndMovePublishChanges: try await behaviour.copyAndMovePublishChanges()
        case .messageIndexFollowsUIDsAndModSeqs: try await behaviour.messageIndexFollowsUIDsAndModSeqs()
        case .messagesForManyUIDs: try await behaviour.messagesForManyUIDs()
        case .messageBytesReadsRanges: try await behaviour.messageBytesReadsRanges()
        case .renderMessagesLendsWholeMessages: try await behaviour.renderMessagesLendsWholeMessages()
        case .filledChunksAreTheMessage: try await behaviour.filledChunksAreTheMessage()
        }
    }
}
