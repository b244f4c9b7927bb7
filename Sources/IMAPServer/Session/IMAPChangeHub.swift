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
// - Cost per change: one dictionary lookup under a lock plus one event per watcher of that mailbox
//   that asked to be woken: a session in IDLE or with NOTIFY on. Busy sessions outside those only
//   compare the generation at their next command, and the framing handler would drop the event.
// - With the generation the hub keeps the highest MODSEQ announced per mailbox, so a session can
//   tell announcements of its own writes (MODSEQs it already knows) from another writer's.
// - NOTIFY (RFC 5465) sessions watch their whole account instead: a second lookup, by account,
//   under the same lock, per change. A session watching PERSONAL costs nothing when other accounts change, and no
//   per-mailbox registration when its own account gains mailboxes.

import MailStore
import NIOCore
import Synchronization

/// Shared by every IMAP listener of the process; `run()` consumes the store's change feed.
public final class IMAPChangeHub: Sendable {
    private struct State {
        var mailboxes = IMAPWatchTable<MailboxID>()
        var accounts = IMAPWatchTable<AccountID>()
    }

    private let store: any MailStore
    private let state = Mutex<State>(State())

    public init(store: any MailStore) {
        self.store = store
    }

    /// Consumes the change feed until cancelled or the store closes.
    ///
    /// Synchronously where the store can (`observeChanges`): a generation is bumped before the
    /// writer's session even hears that its write committed, so a client told OK by one session
    /// and asking another (NOOP) always gets the update. Through the async stream a busy machine
    /// could answer that NOOP before this task had run, once sessions stopped sharing the
    /// cooperative pool with it (issue 8: they run on their event loops); it also cost a thread
    /// wake-up per commit.
    public func run() async {
        if let observation = store.observeChanges({ [weak self] changes in
            for change in changes { self?.publish(change) }
        }) {
            await observation.ended()
            return
        }
        for await change in store.changes() {
            publish(change)
        }
    }

    func publish(_ change: MailboxChange) {
        let channels: IMAPWatchTable<MailboxID>.Channels = state.withLock { state in
            var channels = state.mailboxes.bump(change.mailboxID, modSeq: change.modSeq) ?? [:]
            if let accountWatchers = state.accounts.bump(change.accountID) {
                // One signal per channel even when it watches both the mailbox and the account.
                channels.merge(accountWatchers) { first, _ in first }
            }
            return channels
        }
        for channel in channels.values {
            channel.triggerUserOutboundEvent(IMAPMailboxChangedEvent(), promise: nil)
        }
    }

    /// For changes the store's feed does not carry (IMAP SUBSCRIBE/UNSUBSCRIBE): wakes the
    /// account's NOTIFY sessions so they look again (RFC 5465 §5.5).
    func publishAccountChange(_ accountID: AccountID) {
        let channels = state.withLock { $0.accounts.bump(accountID) } ?? [:]
        for channel in channels.values {
            channel.triggerUserOutboundEvent(IMAPMailboxChangedEvent(), promise: nil)
        }
    }

    /// Starts watching every mailbox of `accountID` for `channel` (NOTIFY); returns the current
    /// account generation.
    func watchAccount(_ accountID: AccountID, channel: any Channel) -> UInt64 {
        state.withLock { $0.accounts.watch(accountID, channel: channel) }
    }

    func unwatchAccount(_ accountID: AccountID, channel: any Channel) {
        state.withLock { $0.accounts.unwatch(accountID, channel: channel) }
    }

    /// Bumped on every committed change to any mailbox of a watched account.
    func accountGeneration(of accountID: AccountID) -> UInt64 {
        state.withLock { $0.accounts.generation(of: accountID) }
    }

    /// Starts watching `mailboxID` for `channel`; returns the current generation. `wake`: whether
    /// a change sends the channel an event (IDLE, NOTIFY) or only bumps the generation, which a
    /// busy session reads at its next command.
    func watch(_ mailboxID: MailboxID, channel: any Channel, wake: Bool) -> UInt64 {
        state.withLock { $0.mailboxes.watch(mailboxID, channel: channel, wake: wake) }
    }

    /// A session entering IDLE (or NOTIFY) asks to be woken, and leaving it to stay quiet. Set it
    /// before the last look at the generation: a change after that look then sends an event.
    func setWake(_ mailboxID: MailboxID, channel: any Channel, to wake: Bool) {
        state.withLock { $0.mailboxes.setWake(mailboxID, channel: channel, to: wake) }
    }

    func unwatch(_ mailboxID: MailboxID, channel: any Channel) {
        state.withLock { $0.mailboxes.unwatch(mailboxID, channel: channel) }
    }

    /// Bumped on every committed change to a watched mailbox: a session whose last look is older
    /// asks the store what changed.
    func generation(of mailboxID: MailboxID) -> UInt64 {
        state.withLock { $0.mailboxes.generation(of: mailboxID) }
    }

    /// The generation with the highest MODSEQ announced for the mailbox: a session that made the
    /// announced changes itself (its own STORE, APPEND, EXPUNGE) sees that it knows them all and
    /// does not read them back from the store.
    func status(of mailboxID: MailboxID) -> IMAPWatchStatus {
        state.withLock { $0.mailboxes.status(of: mailboxID) }
    }

    /// Sessions watching, for the idle-connection gauge and tests.
    var watcherCount: Int {
        state.withLock { $0.mailboxes.watcherCount }
    }
}
