@testable import Delivery
import Foundation
import Sieve
import Testing

@Suite struct HeaderEditorTests {
    @Test func addsAtTopOrAfterTheLastFieldAndKeepsTheBody() {
        var editor = HeaderEditor(Array("A: 1\r\nB: 2\r\n\r\nbody\r\nC: not a field\r\n".utf8))
        editor.add(name: "X-Top", value: "t", last: false)
        editor.add(name: "X-End", value: "e", last: true)
        #expect(String(decoding: editor.bytes, as: UTF8.self)
                == "X-Top: t\r\nA: 1\r\nB: 2\r\nX-End: e\r\n\r\nbody\r\nC: not a field\r\n")
    }

    @Test func deletesTheNthOccurrenceWithItsContinuationLines() {
        var editor = HeaderEditor(Array("Received: one\r\n\tfolded\r\nreceived: two\r\nSubject: s\r\n\r\nb".utf8))
        editor.delete(name: "RECEIVED", occurrence: 2)
        #expect(String(decoding: editor.bytes, as: UTF8.self) == "Received: one\r\n\tfolded\r\nSubject: s\r\n\r\nb")
        editor.delete(name: "Received", occurrence: 1)
        editor.delete(name: "Received", occurrence: 1)   // none left: no change
        editor.delete(name: "Missing", occurrence: 1)
        #expect(String(decoding: editor.bytes, as: UTF8.self) == "Subject: s\r\n\r\nb")
    }

    @Test func headerOnlyMessagesAndBareLineFeeds() {
        var editor = HeaderEditor(Array("A: 1\nB: 2\n".utf8))
        editor.delete(name: "A", occurrence: 1)
        #expect(String(decoding: editor.bytes, as: UTF8.self) == "B: 2\n")
        #expect(HeaderEditor([]).bytes.isEmpty)
    }
}

@Suite struct SieveScriptCacheTests {
    @Test func compilesOncePerContentAndEvictsTheLeastRecentlyUsed() throws {
        let cache = SieveScriptCache(capacity: 2)
        _ = try cache.script(accountID: 1, source: "keep;").get()
        _ = try cache.script(accountID: 2, source: "keep;").get()   // same source, other account: own entry
        #expect(cache.count == 2)
        _ = try cache.script(accountID: 1, source: "keep;").get()   // hit: 1 is now the most recent
        _ = try cache.script(accountID: 3, source: "discard;").get()
        #expect(cache.count == 2)
        #expect(cache.contains(accountID: 1, source: "keep;"))
        #expect(!cache.contains(accountID: 2, source: "keep;"))
        #expect(cache.contains(accountID: 3, source: "discard;"))
    }

    @Test func brokenScriptsAreCachedAsFailures() {
        let cache = SieveScriptCache(capacity: 4)
        guard case .failure(let errors) = cache.script(accountID: 1, source: "fileinto") else {
            Issue.record("expected a compile failure")
            return
        }
        #expect(!errors.errors.isEmpty)
        #expect(cache.contains(accountID: 1, source: "fileinto"))
    }
}
