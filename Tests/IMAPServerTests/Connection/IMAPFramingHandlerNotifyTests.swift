// NOTIFY (RFC 5465 §3.1): change signals reach the session between commands, not only in IDLE.

import NIOCore
import NIOEmbedded
import Testing
@testable import IMAPServer

@Suite struct IMAPFramingHandlerNotifyTests {
    typealias Harness = IMAPFramingHarness

    static func notifications(_ on: Bool, _ harness: Harness) throws {
        try harness.channel.writeOutbound(IMAPOutboundInstruction.setNotifications(on))
    }

    @Test func changeWhileWaitingForACommandIsDeliveredWithNotifyOn() throws {
        let harness = try Harness()
        try Self.notifications(true, harness)
        harness.signal(IMAPMailboxChangedEvent())
        #expect(try harness.frame() == .mailboxChanged)
        try harness.answer("* STATUS \"Work\" (MESSAGES 1)\r\n")
        // Lines keep coming after the notification.
        try harness.feed("a1 NOOP\r\n")
        #expect(try harness.frame() == Harness.command("a1 NOOP"))
    }

    @Test func changeDuringACommandIsDeliveredAfterItWithNotifyOn() throws {
        let harness = try Harness()
        try Self.notifications(true, harness)
        try harness.feed("a1 NOOP\r\n")
        #expect(try harness.frame() == Harness.command("a1 NOOP"))
        harness.signal(IMAPMailboxChangedEvent())   // busy: remembered
        #expect(try harness.frame() == nil)
        try harness.answer("a1 OK\r\n")
        #expect(try harness.frame() == .mailboxChanged)
    }

    @Test func notifyOffDropsSignalsBetweenCommandsAgain() throws {
        let harness = try Harness()
        try Self.notifications(true, harness)
        try Self.notifications(false, harness)
        harness.signal(IMAPMailboxChangedEvent())
        #expect(try harness.frame() == nil)
        try harness.feed("a1 NOOP\r\n")
        #expect(try harness.frame() == Harness.command("a1 NOOP"))
        try harness.answer("a1 OK\r\n")
        #expect(try harness.frame() == nil)
    }
}
