// The batching machinery alone: outcomes reach the right callers, and bursts share commits.
import Synchronization
import Testing
@testable import MailStore

@Suite struct GroupCommitQueueTests {
    @Test func concurrentSubmissionsShareCommitsAndGetTheirOwnOutcomes() async throws {
        let batchSizes = Mutex<[Int]>([])
        let queue = GroupCommitQueue<Int, Int>(maxBatchRequests: 1_000) { requests in
            batchSizes.withLock { $0.append(requests.count) }
            try? await Task.sleep(for: .milliseconds(20))      // a slow fsync
            return requests.map { $0 * 10 }
        }
        let results = await withTaskGroup(of: (Int, [Int]).self) { group in
            for caller in 0..<40 {
                group.addTask { (caller, await queue.submit([caller * 2, caller * 2 + 1])) }
            }
            var collected: [Int: [Int]] = [:]
            for await (caller, outcome) in group { collected[caller] = outcome }
            return collected
        }
        for caller in 0..<40 {
            #expect(results[caller] == [caller * 20, caller * 20 + 10])
        }
        let sizes = batchSizes.withLock { $0 }
        #expect(sizes.reduce(0, +) == 80)
        #expect(sizes.count < 40)       // at least some callers shared a commit
    }

    @Test func batchesRespectTheLimit() async throws {
        let batchSizes = Mutex<[Int]>([])
        let queue = GroupCommitQueue<Int, Int>(maxBatchRequests: 3) { requests in
            batchSizes.withLock { $0.append(requests.count) }
            try? await Task.sleep(for: .milliseconds(5))
            return requests
        }
        await withTaskGroup(of: Void.self) { group in
            for caller in 0..<20 { group.addTask { _ = await queue.submit([caller]) } }
        }
        let sizes = batchSizes.withLock { $0 }
        #expect(sizes.reduce(0, +) == 20)
        #expect(sizes.allSatisfy { $0 <= 3 })
    }
}
