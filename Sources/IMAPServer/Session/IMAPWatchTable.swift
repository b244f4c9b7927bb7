// The channels watching one kind of key (a mailbox, or a whole account under NOTIFY) with the
// change generation of each key: IMAPChangeHub keeps one table per kind, under its lock.

import NIOCore

/// Per key: a generation bumped on every change, the highest MODSEQ announced, and the channels to
/// wake. A key with no channel left is forgotten, so the table holds only what live sessions
/// watch. A value type: the hub mutates it inside its Mutex.
struct IMAPWatchTable<Key: Hashable & Sendable>: Sendable {
    typealias Channels = [ObjectIdentifier: any Channel]

    private struct Watchers: Sendable {
        var generation: UInt64 = 0
        var highestModSeq: UInt64 = 0
        var channels: Channels = [:]
    }

    private var entries: [Key: Watchers] = [:]

    /// Starts watching `key` for `channel`; returns the key's current generation.
    mutating func watch(_ key: Key, channel: any Channel) -> UInt64 {
        var watchers = entries[key] ?? Watchers()
        watchers.channels[ObjectIdentifier(channel)] = channel
        entries[key] = watchers
        return watchers.generation
    }

    mutating func unwatch(_ key: Key, channel: any Channel) {
        guard var watchers = entries[key] else { return }
        watchers.channels.removeValue(forKey: ObjectIdentifier(channel))
        entries[key] = watchers.channels.isEmpty ? nil : watchers
    }

    /// A change to `key`: bumps its generation, raises its highest MODSEQ to `modSeq`, and returns
    /// the channels to wake; nil when nobody watches it (most changes: one lookup, nothing else).
    mutating func bump(_ key: Key, modSeq: UInt64 = 0) -> Channels? {
        guard var watchers = entries[key] else { return nil }
        watchers.generation &+= 1
        watchers.highestModSeq = max(watchers.highestModSeq, modSeq)
        entries[key] = watchers
        return watchers.channels
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
