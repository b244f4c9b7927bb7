import NIOEmbedded
import Testing
@testable import IMAPServer

/// The change hub's watch table: generations move only for watched keys, each channel is woken
/// once per change, and a key nobody watches any more is forgotten.
@Suite struct IMAPWatchTableTests {
    // Mutating calls stay outside #expect: the macros evaluate their operands immutably.
    @Test func bumpWakesTheKeysWatchersOnly() throws {
        var table = IMAPWatchTable<Int64>()
        let first = EmbeddedChannel(), second = EmbeddedChannel()
        let startFirst = table.watch(1, channel: first)
        let startSecond = table.watch(1, channel: second)
        #expect(startFirst == 0 && startSecond == 0)
        let unwatched = table.bump(2)
        #expect(unwatched == nil)                             // nobody watches key 2
        #expect(table.generation(of: 2) == 0)
        let bumped = table.bump(1)
        let woken = try #require(bumped)
        #expect(Set(woken.keys) == [ObjectIdentifier(first), ObjectIdentifier(second)])
        #expect(table.generation(of: 1) == 1)
        let again = table.watch(1, channel: first)
        #expect(again == 1)                                   // watching again: no duplicate entry
        #expect(table.watcherCount == 2)
    }

    @Test func theLastUnwatchForgetsTheKey() {
        var table = IMAPWatchTable<Int64>()
        let channel = EmbeddedChannel()
        _ = table.watch(7, channel: channel)
        _ = table.bump(7)
        table.unwatch(7, channel: EmbeddedChannel())          // another channel: nothing changes
        #expect(table.generation(of: 7) == 1)
        table.unwatch(7, channel: channel)
        #expect(table.generation(of: 7) == 0)
        #expect(table.watcherCount == 0)
        let afterwards = table.bump(7)
        #expect(afterwards == nil)
    }
}

/// Quiet watchers (busy sessions outside IDLE and NOTIFY): their generation still moves, but a
/// change does not wake them until they ask for it.
@Suite struct IMAPWatchTableQuietTests {
    @Test func aQuietChannelCountsChangesWithoutBeingWoken() throws {
        var table = IMAPWatchTable<Int64>()
        let busy = EmbeddedChannel(), idling = EmbeddedChannel()
        _ = table.watch(1, channel: busy, wake: false)
        _ = table.watch(1, channel: idling)
        let firstBump = table.bump(1, modSeq: 5)
        let first = try #require(firstBump)
        #expect(Set(first.keys) == [ObjectIdentifier(idling)])
        #expect(table.status(of: 1) == IMAPWatchStatus(generation: 1, highestModSeq: 5))
        table.setWake(1, channel: busy, to: true)             // entering IDLE
        table.setWake(1, channel: idling, to: false)          // leaving it
        let secondBump = table.bump(1, modSeq: 6)
        let second = try #require(secondBump)
        #expect(Set(second.keys) == [ObjectIdentifier(busy)])
        #expect(table.watcherCount == 2)
    }

    @Test func setWakeIgnoresChannelsThatDoNotWatch() throws {
        var table = IMAPWatchTable<Int64>()
        let watching = EmbeddedChannel(), stranger = EmbeddedChannel()
        _ = table.watch(3, channel: watching, wake: false)
        table.setWake(3, channel: stranger, to: true)
        table.setWake(4, channel: watching, to: true)         // a key it does not watch
        let wokenBump = table.bump(3)
        let woken = try #require(wokenBump)
        #expect(woken.isEmpty)
        #expect(table.generation(of: 4) == 0)
        table.unwatch(3, channel: watching)
        _ = table.watch(3, channel: watching)                 // watched again, loudly
        let againBump = table.bump(3)
        let again = try #require(againBump)
        #expect(Set(again.keys) == [ObjectIdentifier(watching)])
    }
}
