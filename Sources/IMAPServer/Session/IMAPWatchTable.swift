// The channels watching one kind of key (a mailbox, or a whole account under NOTIFY) with the
// change generation of each key: IMAPChangeHub keeps one table per kind, under its lock.

import NIOCore

/// Per key: a generation bumped on every change, the highest MODSEQ announced, and the channels to
/// wake. A key with no channel left is forgotten, so the table holds only what live sessions
/// watch. A value type: the hub mutates it inside its Mutex.
///
/// A channel can watch quietly: the generation still counts its changes (the session compares it
/// at every command), but no event is sent. A busy session outside IDLE and NOTIFY drops the event
/// unread (IMAPFramingHandler), so waking its event loop for it was a hop for nothing (issue 8:
/// every own STORE, APPEND and EXPUNGE of an imap-mix loop woke it).
struct IMAPWatchTable<Key: Hashable & Sendable>: Sendable {
    typealias Channels = [ObjectIdentifier: any Channel]

    private struct Watchers: Sendable {
        var generation: UInt64 = 0
        var highestModSeq: UInt64 = 0
        var channels: Channels = [:]
        /// Watching channels not to wake (see the type's notes).
        var quiet: Set<ObjectIdentifier> = []
    }

    private var entries: [Key: Watchers] = [:]

    /// Starts watching `key` for `channel`; returns the key's current generation. `wake` false:
    /// quietly, until `setWake(_:channel:to:)` says otherwise.
    mutating func watch(_ key: Key, channel: any Channel, wake: Bool = true) -> UInt64 {
        var watchers = entries[key] ?? Watchers()
        let id = ObjectIdentifier(channel)
        watchers.channels[id] = channel
        if wake { watchers.quiet.remove(id) } else { watchers.quiet.insert(id) }
        entries[key] = watchers
        return watchers.generation
    }

    /// Whether changes to `key` wake `channel`; nothing for a channel that does not watch it.
    mutating func setWake(_ key: Key, channel: any Channel, to wake: Bool) {
        let id = ObjectIdentifier(channel)
        guard var watchers = entries[key], watchers.channels[id] != nil,
              watchers.quiet.contains(id) == wake else { return }
        if wake { watchers.quiet.remove(id) } else { watchers.quiet.insert(id) }
        entries[key] = watchers
    }

    mutating func unwatch(_ key: Key, channel: any Channel) {
        guard var watchers = entries[key] else { return }
        let id = ObjectIdentifier(channel)
        watchers.channels.removeValue(forKey: id)
        watchers.quiet.remove(id)
        entries[key] = watchers.channels.isEmpty ? nil : watchers
    }

    /// A change to `key`: bumps its generation, raises its highest MODSEQ to `modSeq`, and returns
    /// the channels to wake (quiet ones left out); nil when nobody watches it (most changes: one
    /// lookup, nothing else).
    mutating func bump(_ key: Key, modSeq: UInt64 = 0) -> Channels? {
        guard var watchers = entries[key] else { return nil }
        watchers.generation &+= 1
        watchers.highestModSeq = max(watchers.highestModSeq, modSeq)
        entries[key] = watchers
        if watchers.quiet.isEmpty { return watchers.channels }
        return watchers.channels.filter { !watchers.quiet.contains($0.key) }
    }

    /// 0 for a key nobody watches.
    func generation(of key: Key) -> UInt64 {
        entries[key]?.generation ?? 0
    }

    /// The generation and the highest MODSEQ of the changes announced since the key was first
    /// watched (0 and 0 for a key nobody watches), read together.
    func status(of key: Key) -> IMAPWatchStatus {
        guard let watchers = entries[key] else { return IMAPWatchStatus(generation: 0, highestModSeq: 0) }
        return IMAPWatchStatus(generation: watchers.generation, highestModSeq: watchers.highestModSeq)
    }

    /// Channels watching, over all keys.
    var watcherCount: Int {
        entries.values.reduce(0) { $0 + $1.channels.count }
    }
}
