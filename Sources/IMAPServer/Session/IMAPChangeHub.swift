// One subscription to the store's change feed for the whole process, fanned out to the sessions
// that have a mailbox selected. IDLE is pushed from here (RFC 2177): no session polls the
// database while it waits.
//
// Implementation notes:
// - A session registers its channel for its selected mailbox *before* reading the mailbox, so a
//   change committed after that read always bumps the generation it compares against.
// - The hub never touches session state: it bumps a per-mailbox generation counter and sends
//   `IMAPMailboxChangedEvent` down each watcher's pipeline; the framing handler wakes an idling
//   session, and a busy session notices the new generation at its next command.
// - Cost per change: one dictionary lookup under a lock plus one event per watcher of that mailbox.

import MailStore
import NIOCore
import Synchronization

/// Shared by every IMAP listener of the process; `run()` consumes the store's change feed.
public final class IMAPChangeHub: Sendable {
    private struct Watchers {
        var generation: UInt64 = 0
        var channels: [ObjectIdentifier: any Channel] = [:]
    }

    private let store: any MailStore
    private let state = Mutex<[MailboxID: Watchers]>([:])

    public init(store: any MailStore) {
        self.store = store
    }

    /// Consumes the change feed until cancelled or the store closes.
    public func run() async {
        for await change in store.changes() {
            publish(change)
        }
    }

    func publish(_ change: MailboxChange) {
        let channels: [any Channel] = state.withLock { state in
            guard var watchers = state[change.mailboxID] else { return [] }
            watchers.generation &+= 1
            state[change.mailboxID] = watchers
            return Array(watchers.channels.values)
        }
        for channel in channels {
            channel.triggerUserOutboundEvent(IMAPMailboxChangedEvent(), promise: nil)
        }
    }

    /// Starts watching `mailboxID` for `channel`; returns the current generation.
    func watch(_ mailboxID: MailboxID, channel: any Channel) -> UInt64 {
        state.withLock { state in
            var watchers = state[mailboxID] ?? Watchers()
            watchers.channels[ObjectIdentifier(channel)] = channel
            state[mailboxID] = watchers
            return watchers.generation
        }
    }

    func unwatch(_ mailboxID: MailboxID, channel: any Channel) {
        state.withLock { state in
            guard var watchers = state[mailboxID] else { return }
            watchers.channels.removeValue(forKey: ObjectIdentifier(channel))
            state[mailboxID] = watchers.channels.isEmpty ? nil : watchers
        }
    }

    /// Bumped on every committed change to a watched mailbox: a session whose last look is older
    /// asks the store what changed.
    func generation(of mailboxID: MailboxID) -> UInt64 {
        state.withLock { $0[mailboxID]?.generation ?? 0 }
    }

    /// Sessions watching, for the idle-connection gauge and tests.
    var watcherCount: Int {
        state.withLock { $0.values.reduce(0) { $0 + $1.channels.count } }
    }
}
