// Which POP3 commands leave the connection's event loop while they run
// (POP3Connection+EventLoop.swift); no channel.

import Testing
@testable import POP3Server

@Suite struct POP3ConnectionEventLoopTests {
    @Test func beforeLoginEverythingStaysOnTheLoop() {
        #expect(!POP3Connection.leavesEventLoop(.list(nil), maildrop: nil))
        #expect(!POP3Connection.leavesEventLoop(.pass("secret"), maildrop: nil))
    }

    @Test func listingsLeaveOnlyForLargeMaildrops() {
        let limit = POP3Connection.onLoopListingLimit
        let small = POP3SessionStateMachineTests.maildrop(sizes: Array(repeating: 10, count: limit))
        let large = POP3SessionStateMachineTests.maildrop(sizes: Array(repeating: 10, count: limit + 1))
        #expect(!POP3Connection.leavesEventLoop(.list(nil), maildrop: small))
        #expect(!POP3Connection.leavesEventLoop(.uidl(nil), maildrop: small))
        #expect(POP3Connection.leavesEventLoop(.list(nil), maildrop: large))
        #expect(POP3Connection.leavesEventLoop(.uidl(nil), maildrop: large))
        // One message's line is constant work, whatever the maildrop's size.
        #expect(!POP3Connection.leavesEventLoop(.list(1), maildrop: large))
        #expect(!POP3Connection.leavesEventLoop(.retr(1), maildrop: large))
    }

    @Test func topLeavesOnlyForLargeMessages() {
        let octets = POP3Connection.onLoopTopOctets
        let maildrop = POP3SessionStateMachineTests.maildrop(sizes: [octets, octets + 1])
        #expect(!POP3Connection.leavesEventLoop(.top(message: 1, lines: 0), maildrop: maildrop))
        #expect(POP3Connection.leavesEventLoop(.top(message: 2, lines: 0), maildrop: maildrop))
        // A number out of range is refused at once, on the loop.
        #expect(!POP3Connection.leavesEventLoop(.top(message: 3, lines: 0), maildrop: maildrop))
    }
}
