import Foundation
import Testing
@testable import Auth

@Suite struct PasswordHashingPoolTests {
    @Test func returnsResultsAndErrorsToTheCaller() async throws {
        let pool = PasswordHashingPool(threadCount: 2)
        let value = try await pool.run { 6 * 7 }
        #expect(value == 42)
        struct Boom: Error {}
        await #expect(throws: Boom.self) { try await pool.run { throw Boom() } }
    }

    @Test func neverRunsMoreJobsAtOnceThanItHasThreads() async throws {
        let pool = PasswordHashingPool(threadCount: 2)
        let lock = NSLock()
        nonisolated(unsafe) var running = 0
        nonisolated(unsafe) var mostAtOnce = 0
        nonisolated(unsafe) var threads = Set<ObjectIdentifier>()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    try await pool.run {
                        lock.withLock {
                            running += 1
                            mostAtOnce = max(mostAtOnce, running)
                            threads.insert(ObjectIdentifier(Thread.current))
                        }
                        usleep(2_000)
                        lock.withLock { running -= 1 }
                    }
                }
            }
            try await group.waitForAll()
        }
        lock.withLock {
            #expect(mostAtOnce == 2)
            #expect(threads.count == 2)
        }
    }

    @Test func manyConcurrentJobsAllComplete() async throws {
        let pool = PasswordHashingPool(threadCount: 2)
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<200 {
                group.addTask { try await pool.run { index * 2 } }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(results.sorted() == (0..<200).map { $0 * 2 })
    }

    @Test func refusesWorkBeyondTheQueueBound() async throws {
        // One thread held busy, one job queued: the third call must be refused at once.
        let pool = PasswordHashingPool(threadCount: 1, maximumPendingJobs: 1)
        let release = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        async let blocker: Void = pool.run { started.signal(); release.wait() }
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { started.wait(); continuation.resume() }
        }
        async let queued: Int = pool.run { 1 }
        // Give the queued call time to be enqueued before testing the bound.
        try await Task.sleep(for: .milliseconds(100))
        await #expect(throws: PasswordHashingPool.Overloaded.self) { try await pool.run { 2 } }
        release.signal()
        try await blocker
        #expect(try await queued == 1)
    }
}
