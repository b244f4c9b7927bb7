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
