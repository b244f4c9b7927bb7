// The batching machinery alone, with a serial DispatchQueue standing in for the store's writer:
// outcomes reach the right callers, bursts share commits, no caller is answered before its
// commit ran, and other work queued on the writer is not starved by a stream of requests.
import Foundation
import Synchronization
import Testing
@testable import MailStore

/// What the commits did, shared by the writer and the callers.
private final class Committed: Sendable {
    let uids = Mutex<Set<Int>>([])
}

@Suite struct WriterCommitQueueTests {
    /// A serial queue as the writer; `Context` is unused.
    private static func writer(_ label: String) -> (DispatchQueue, WriterCommitQueue<Void, Int, Int>.Schedule) {
        let queue = DispatchQueue(label: label)
        return (queue, { work in queue.async { work(()) } })
    }

    @Test func concurrentSubmissionsShareCommitsAndGetTheirOwnOutcomes() async throws {
        let batchSizes = Mutex<[Int]>([])
        let (_, schedule) = Self.writer("test.writer.share")
        let queue = WriterCommitQueue<Void, Int, Int>(maxBatchRequests: 1_000, schedule: schedule) { _, requests in
            batchSizes.withLock { $0.append(requests.count) }
            usleep(20_000)      // a slow fsync
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
        let (_, schedule) = Self.writer("test.writer.limit")
        let queue = WriterCommitQueue<Void, Int, Int>(maxBatchRequests: 3, schedule: schedule) { _, requests in
            batchSizes.withLock { $0.append(requests.count) }
            usleep(5_000)
            return requests
        }
        await withTaskGroup(of: Void.self) { group in
            for caller in 0..<20 { group.addTask { _ = await queue.submit([caller]) } }
        }
        let sizes = batchSizes.withLock { $0 }
        #expect(sizes.reduce(0, +) == 20)
        #expect(sizes.allSatisfy { $0 <= 3 })
    }

    @Test func callersAreAnsweredOnlyAfterTheirCommit() async throws {
        let committed = Committed()
        let (_, schedule) = Self.writer("test.writer.order")
        let queue = WriterCommitQueue<Void, Int, Int>(maxBatchRequests: 4, schedule: schedule) { _, requests in
            usleep(2_000)
            committed.uids.withLock { $0.formUnion(requests) }
            return requests
        }
        let early = await withTaskGroup(of: Bool.self) { group in
            for caller in 0..<30 {
                group.addTask {
                    let outcome = await queue.submit([caller])
                    return outcome == [caller] && committed.uids.withLock { $0.contains(caller) }
                }
            }
            var all = true
            for await ok in group { all = all && ok }
            return all
        }
        #expect(early)
    }

    /// Regression guard for the fairness note: one batch per turn on the writer, so work queued
    /// on it between batches runs before the stream of requests is done.
    @Test func otherWriterWorkRunsBetweenBatches() async throws {
        let log = Mutex<[String]>([])
        let (writerQueue, schedule) = Self.writer("test.writer.fair")
        let queue = WriterCommitQueue<Void, Int, Int>(maxBatchRequests: 1, schedule: schedule) { _, requests in
            let first = log.withLock { entries in
                entries.append("batch")
                return entries.count == 1
            }
            // Queued on the writer during the first batch, while the other callers queue theirs:
            // no sleep to overshoot on a busy machine.
            if first { writerQueue.async { log.withLock { $0.append("other") } } }
            usleep(1_000)
            return requests
        }
        await withTaskGroup(of: Void.self) { group in
            for caller in 0..<10 { group.addTask { _ = await queue.submit([caller]) } }
        }
        let entries = log.withLock { $0 }
        #expect(entries.filter { $0 == "batch" }.count == 10)
        // "other" did not wait for the last batch.
        #expect(entries.last == "batch")
        #expect(entries.contains("other"))
    }

    @Test func anEmptySubmissionReturnsAtOnce() async {
        let (_, schedule) = Self.writer("test.writer.empty")
        let queue = WriterCommitQueue<Void, Int, Int>(maxBatchRequests: 4, schedule: schedule) { _, requests in requests }
        #expect(await queue.submit([]) == [])
    }
}
