// Measures group-commit throughput; prints the figure, asserts only correctness.
import Foundation
import Testing
@testable import MailStore

@Suite struct SQLiteMailStoreThroughputTests {
    @Test func twoThousandTenKilobyteAppendsFromTwentyTasks() async throws {
        let fixture = try SQLiteMailStoreFixture()
        let behaviour = MailStoreBehaviour(fixture: fixture)
        let account = try await behaviour.makeAccount("bench@example.test")
        let store = fixture.store
        let accountID = account.id
        let filler = [UInt8](repeating: UInt8(ascii: "x"), count: 10 * 1024 - 40)
        let clock = ContinuousClock()
        let started = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<20 {
                group.addTask {
                    for index in 0..<100 {
                        let content = MessageContent(bytes: Array("Subject: \(task)-\(index)\r\n\r\n".utf8) + filler)
                        _ = try await store.append([AppendRequest(accountID: accountID, content: content)])[0].get()
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("MailStore throughput: 2000 appends of 10 KB from 20 tasks in \(String(format: "%.2f", seconds)) s = \(String(format: "%.0f", 2000 / seconds)) appends/s")
        let statistics = fixture.sqliteStore.appendStatistics
        print("MailStore group commit: \(statistics.requests) requests in \(statistics.transactions) transactions")
        #expect(statistics.requests == 2000)
        #expect(try await behaviour.inbox(account).messageCount == 2000)
        await fixture.tearDown()
    }
}
