// Sessions run on their channel's event loop; commands over many messages (or large APPENDs) leave
// it while they run, so the loop's other connections keep being served (IMAPSession+EventLoop.swift).

@testable import IMAPServer
import MailStore
import NIOCore
import NIOPosix
import Testing

@Suite("IMAP sessions on the event loop", .timeLimit(.minutes(2)))
struct IMAPEventLoopTests {
    // MARK: Which commands leave the loop

    static let view = SelectedMailboxResolveTests.view(Array(1...1000).map { UInt32($0) * 2 })
    static let small = SelectedMailboxResolveTests.view(Array(1...200).map { UInt32($0) })

    static func parse(_ line: String) throws -> IMAPCommandKind {
        try IMAPCommandParser.parse(IMAPCommandFrame("t " + line)).kind
    }

    @Test("which commands run off the loop", arguments: [
        // FETCH/STORE/COPY by sequence number: the messages the set covers decide.
        ("FETCH 1:256 (FLAGS)", true, false),
        ("FETCH 1:257 (FLAGS)", true, true),
        ("FETCH 1:* (FLAGS)", false, false),
        ("FETCH 1:100,150:306 (FLAGS)", true, true),
        ("FETCH 1:100,150:305 (FLAGS)", true, false),
        ("STORE 1:* +FLAGS (\\Seen)", true, true),
        ("COPY 990:* Archive", true, false),
        ("MOVE 1:* Archive", true, true),
        // UID forms count the UIDs that exist in the ranges (the big view holds even UIDs only).
        ("UID FETCH 1:512 (FLAGS)", true, false),
        ("UID FETCH 1:514 (FLAGS)", true, true),
        ("UID FETCH 1:* (UID FLAGS)", true, true),
        ("UID FETCH 1999:* BODY[]", true, false),
        ("UID EXPUNGE 1:*", true, true),
        ("UID STORE 4000:5000 +FLAGS (\\Seen)", true, false),
        // SEARCH, SORT, THREAD, EXPUNGE: the mailbox size, or keys that read message text.
        ("SEARCH UNSEEN", false, false),
        ("SEARCH UNSEEN", true, true),
        ("SEARCH FROM alice", false, false),
        ("SEARCH OR UNSEEN NOT BODY x", false, true),
        ("UID SEARCH HEADER X-Spam yes", false, true),
        ("SORT (DATE) UTF-8 ALL", false, false),
        ("SORT (DATE) UTF-8 ALL", true, true),
        ("UID THREAD REFERENCES UTF-8 TEXT hello", false, true),
        ("EXPUNGE", false, false),
        ("EXPUNGE", true, true),
        // Never: bounded by the account, or waiting, or pipeline changes.
        ("SELECT INBOX", true, false),
        ("NOOP", true, false),
        ("IDLE", true, false),
        ("STATUS INBOX (MESSAGES)", true, false),
        ("LIST \"\" *", true, false),
        ("APPEND INBOX {3}\r\nabc", true, false),
    ] as [(String, Bool, Bool)])
    func leavesTheLoop(_ line: String, large: Bool, expected: Bool) throws {
        let kind = try Self.parse(line)
        #expect(IMAPSession.leavesEventLoop(kind, selected: large ? Self.view : Self.small, saved: nil) == expected,
                "\(line) in \(large ? 1000 : 200) messages")
    }

    // APPEND: the octets MessagePreparer will parse, streamed or not, summed over MULTIAPPEND.
    @Test(arguments: [([3000], false), ([262_144], false), ([262_145], true), ([200_000, 200_000], true)])
    func appendsLeaveTheLoopByTheirSize(_ sizes: [Int], expected: Bool) {
        let messages = sizes.enumerated().map { ordinal, size in
            IMAPAppendMessage(data: .streamed(IMAPStreamedLiteral(ordinal: ordinal, octets: UInt64(size), isBinary: false)))
        }
        #expect(IMAPSession.leavesEventLoop(.append(IMAPMailboxName("INBOX"), messages), selected: nil, saved: nil) == expected)
        let inline = IMAPAppendMessage(data: .bytes(Array(repeating: 0x78, count: sizes[0])))
        #expect(IMAPSession.leavesEventLoop(.append(IMAPMailboxName("INBOX"), [inline]), selected: Self.small, saved: nil)
                == (sizes[0] > 262_144))
    }

    @Test("without a selected mailbox nothing counts as long, and $ counts the saved result")
    func noSelectionAndSavedResult() throws {
        #expect(!IMAPSession.leavesEventLoop(try Self.parse("FETCH 1:* (FLAGS)"), selected: nil, saved: nil))
        let dollar = try Self.parse("UID FETCH $ (FLAGS)")
        #expect(!IMAPSession.leavesEventLoop(dollar, selected: Self.view, saved: Array(1...256)))
        #expect(IMAPSession.leavesEventLoop(dollar, selected: Self.view, saved: Array(1...257)))
    }

    // `coveredCount` decides before the command runs: it must never count fewer than `resolve`
    // picks, and exactly as many for one range.
    @Test(arguments: [[], [3], [3, 8, 9, 40], Array(1...10), [1, 5, 4_000_000_000]] as [[UInt32]])
    func coveredCountBoundsTheResolvedSet(_ uids: [UInt32]) {
        let view = SelectedMailboxResolveTests.view(uids)
        let bounds = SelectedMailboxResolveTests.bounds + [.number(4_000_000_000), .number(.max)]
        for first in bounds {
            for last in bounds {
                let range = IMAPSequenceSet.Range(first, last)
                for byUID in [true, false] {
                    guard let resolved = view.resolve(.ranges([range]), byUID: byUID, saved: nil) else { continue }
                    #expect(view.coveredCount(.ranges([range]), byUID: byUID, saved: nil) == resolved.count,
                            "\(range) byUID \(byUID) in \(uids)")
                    #expect(view.coveredCount(.ranges([range, range]), byUID: byUID, saved: nil) >= resolved.count)
                }
            }
        }
    }

    // MARK: Where commands really run

    /// `count` small messages in INBOX, appended in one store call.
    static func fill(_ fixture: IMAPFixture, count: Int) async throws {
        let prepared = MessagePreparer.prepare(Array("Subject: filler\r\nFrom: a@example.test\r\n\r\nbody\r\n".utf8))
        let requests = (0..<count).map { _ in
            AppendRequest(accountID: fixture.alice.id, mailbox: .name("INBOX"), content: prepared.content,
                          metadata: prepared.metadata, searchFields: prepared.searchFields)
        }
        for result in try await fixture.store.append(requests) { _ = try result.get() }
    }

    @Test("a short FETCH runs on the connection's event loop, FETCH 1:* of a large mailbox off it")
    func commandsRunWhereThePolicySays() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await Self.fill(fixture, count: 300)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let metrics = LoopObservingMetricsFactory(loop: group.next())
        try await fixture.withServer(metricsFactory: metrics, eventLoopGroup: group) { _, port in
            let client = try await fixture.client(port: port)
            #expect(try await client.command("s", "SELECT INBOX").isOK)
            #expect(try await client.command("f1", "FETCH 1:50 (FLAGS BODY.PEEK[HEADER])").isOK)
            #expect(try await client.command("f2", "UID FETCH 1:* (FLAGS)").untagged.count == 300)
            #expect(try await client.command("f3", "FETCH 300 BODY.PEEK[]").isOK)
        }
        #expect(metrics.fetchesOnLoop == [true, false, true])
        try await group.shutdownGracefully()
    }

    @Test("while a long command runs, another connection on the same event loop is answered")
    func longCommandDoesNotStallTheLoop() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await Self.fill(fixture, count: 300)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let metrics = LoopObservingMetricsFactory(loop: group.next())
        try await fixture.withServer(metricsFactory: metrics, eventLoopGroup: group) { _, port in
            let long = try await fixture.client(port: port)
            let other = try await fixture.client(port: port, as: IMAPFixture.bob)
            #expect(try await long.command("s", "SELECT INBOX").isOK)
            let gate = metrics.holdNextFetch()
            // The FETCH's work is done and it waits in its metrics call until the other connection
            // has been answered: off the loop that takes a moment; had it run on the loop, the
            // NOOP would wait for the gate's 10 s timeout.
            try await long.send("f FETCH 1:* (FLAGS)\r\n")
            while metrics.fetchesOnLoop.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
            let clock = ContinuousClock()
            let started = clock.now
            #expect(try await other.command("n", "NOOP").isOK)
            #expect(clock.now - started < .seconds(5))
            gate.signal()
            #expect(try await long.reply("f").untagged.count == 300)
        }
        #expect(metrics.fetchesOnLoop == [false])
        try await group.shutdownGracefully()
    }
}
