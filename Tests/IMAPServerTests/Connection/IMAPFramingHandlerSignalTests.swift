// IDLE change signals, the autologout timer and graceful shutdown.

import NIOCore
import NIOEmbedded
import Testing
@testable import IMAPServer

@Suite struct IMAPFramingHandlerSignalTests {
    typealias Harness = IMAPFramingHarness

    /// A connection that has just answered "a1 IDLE" with "+ idling" and waits for DONE.
    static func idling(_ harness: Harness) throws {
        try harness.feed("a1 IDLE\r\n")
        #expect(try harness.frame() == Harness.command("a1 IDLE"))
        #expect(try harness.answer("+ idling\r\n", then: .idle) == "+ idling\r\n")
    }

    @Test func changeWhileIdlingIsDeliveredAtOnceAndLinesKeepComing() throws {
        let harness = try Harness()
        try Self.idling(harness)
        #expect(try harness.frame() == nil)
        harness.signal(IMAPMailboxChangedEvent())
        #expect(try harness.frame() == .mailboxChanged)
        try harness.answer("* 4 EXISTS\r\n", then: .idle)
        try harness.feed("DONE\r\na2 NOOP\r\n")
        #expect(try harness.frame() == Harness.command("DONE"))
        try harness.answer("a1 OK IDLE terminated\r\n")
        #expect(try harness.next() == Harness.command("a2 NOOP"))
    }

    @Test func changesWhileTheSessionIsBusyAreCoalesced() throws {
        let harness = try Harness()
        try harness.feed("a1 IDLE\r\n")
        #expect(try harness.frame() == Harness.command("a1 IDLE"))
        // Before IDLE has started: remembered, not delivered.
        harness.signal(IMAPMailboxChangedEvent())
        harness.signal(IMAPMailboxChangedEvent())
        #expect(try harness.frame() == nil)
        try harness.answer("+ idling\r\n", then: .idle)
        #expect(try harness.frame() == .mailboxChanged)
        // Three more while the session reports the first: one frame once it idles again.
        for _ in 0..<3 { harness.signal(IMAPMailboxChangedEvent()) }
        #expect(try harness.frame() == nil)
        try harness.answer("* 5 EXISTS\r\n", then: .idle)
        #expect(try harness.frame() == .mailboxChanged)
        try harness.answer("* 6 EXISTS\r\n", then: .idle)
        #expect(try harness.frame() == nil)
    }

    // Outside IDLE the session looks for changes on every command itself.
    @Test func pendingChangeIsDroppedWhenTheSessionResumesWithCommand() throws {
        let harness = try Harness()
        harness.signal(IMAPMailboxChangedEvent())   // waiting, but not idling
        try harness.feed("a1 NOOP\r\n")
        #expect(try harness.frame() == Harness.command("a1 NOOP"))
        harness.signal(IMAPMailboxChangedEvent())   // busy
        try harness.answer("a1 OK\r\n")
        #expect(try harness.frame() == nil)
        try Self.idling(harness)
        #expect(try harness.frame() == nil)
    }

    @Test func pendingChangeIsDroppedWhenIdleEndsWithIt() throws {
        let harness = try Harness()
        try Self.idling(harness)
        try harness.feed("DONE\r\n")
        #expect(try harness.frame() == Harness.command("DONE"))
        harness.signal(IMAPMailboxChangedEvent())
        try harness.answer("a1 OK\r\n")
        #expect(try harness.frame() == nil)
        try harness.feed("a2 NOOP\r\n")
        #expect(try harness.frame() == Harness.command("a2 NOOP"))
    }

    @Test func otherOutboundEventsPassThrough() throws {
        struct Unrelated: Sendable {}
        let harness = try Harness()
        let promise = harness.channel.eventLoop.makePromise(of: Void.self)
        harness.channel.pipeline.triggerUserOutboundEvent(Unrelated(), promise: promise)
        // EmbeddedChannel's head refuses unknown outbound events: the handler did not swallow it.
        #expect(throws: (any Error).self) { try promise.futureResult.wait() }
    }

    // RFC 9051 §5.4: the timer runs while the server waits for the client, not while it works.
    @Test func autologoutFiresOnlyWhileWaitingForTheClient() throws {
        let harness = try Harness(autologout: .seconds(60), greet: false)
        harness.advance(.seconds(600))
        #expect(try harness.frame() == nil)   // paused before the greeting
        try harness.answer("* OK\r\n")
        harness.advance(.seconds(59))
        #expect(try harness.frame() == nil)
        try harness.feed("a1 NOOP\r\n")
        #expect(try harness.frame() == Harness.command("a1 NOOP"))
        harness.advance(.seconds(600))        // the session is busy
        #expect(try harness.frame() == nil)
        try harness.answer("a1 OK\r\n")
        harness.advance(.seconds(59))
        #expect(try harness.frame() == nil)
        harness.advance(.seconds(2))
        #expect(try harness.frame() == .timedOut)
        #expect(try harness.answer("* BYE Autologout\r\n", then: .close) == "* BYE Autologout\r\n")
    }

    @Test func autologoutRunsDuringIdle() throws {
        let harness = try Harness(autologout: .minutes(30))
        try Self.idling(harness)
        harness.advance(.minutes(29))
        #expect(try harness.frame() == nil)
        harness.advance(.minutes(2))
        #expect(try harness.frame() == .timedOut)
    }

    @Test func incomingBytesRestartTheTimer() throws {
        let harness = try Harness(autologout: .seconds(60))
        harness.advance(.seconds(50))
        try harness.feed("a1 NO")
        harness.advance(.seconds(50))
        #expect(try harness.frame() == nil)
        try harness.feed("OP\r\n")
        #expect(try harness.frame() == Harness.command("a1 NOOP"))
    }

    @Test func setAutologoutAppliesFromTheNextWait() throws {
        let harness = try Harness(autologout: .seconds(60))
        try harness.feed("a1 LOGIN fred pw\r\n")
        #expect(try harness.frame() == Harness.command("a1 LOGIN fred pw"))
        try harness.setAutologout(.minutes(30))
        #expect(try harness.frame() == nil)
        try harness.answer("a1 OK\r\n")
        harness.advance(.minutes(29))
        #expect(try harness.frame() == nil)
        harness.advance(.minutes(2))
        #expect(try harness.frame() == .timedOut)
    }

    @Test func setAutologoutWhileWaitingRestartsTheWait() throws {
        let harness = try Harness(autologout: .seconds(60))
        harness.advance(.seconds(50))
        try harness.setAutologout(.seconds(120))
        harness.advance(.seconds(100))
        #expect(try harness.frame() == nil)
        harness.advance(.seconds(21))
        #expect(try harness.frame() == .timedOut)
    }

    @Test func shutdownWaitsUntilTheSessionWaitsForTheClient() throws {
        let harness = try Harness()
        try harness.feed("a1 FETCH 1:* FLAGS\r\na2 NOOP\r\n")
        #expect(try harness.frame() == Harness.command("a1 FETCH 1:* FLAGS"))
        harness.signal(IMAPShutdownEvent())
        try harness.answer("* 1 FETCH (FLAGS ())\r\n", then: .more)
        #expect(try harness.frame() == nil)
        try harness.answer("a1 OK\r\n")
        // Delivered before the pipelined command.
        #expect(try harness.frame() == .shutdown)
        #expect(try harness.answer("* BYE shutting down\r\n", then: .close) == "* BYE shutting down\r\n")
        #expect(try harness.frame() == nil)
    }

    @Test func shutdownWhileWaitingIsDeliveredAtOnce() throws {
        let harness = try Harness()
        harness.signal(IMAPShutdownEvent())
        #expect(try harness.frame() == .shutdown)
    }

    @Test func shutdownComesBeforeAPendingChangeDuringIdle() throws {
        let harness = try Harness()
        try harness.feed("a1 IDLE\r\n")
        #expect(try harness.frame() == Harness.command("a1 IDLE"))
        harness.signal(IMAPMailboxChangedEvent())
        harness.signal(IMAPShutdownEvent())
        try harness.answer("+ idling\r\n", then: .idle)
        #expect(try harness.frame() == .shutdown)
        #expect(try harness.frame() == nil)
    }

    @Test func shutdownWhileIdlingIsDeliveredAtOnce() throws {
        let harness = try Harness()
        try Self.idling(harness)
        harness.signal(IMAPShutdownEvent())
        #expect(try harness.frame() == .shutdown)
    }
}
