// A few dedicated threads for password hashing. Argon2 spends tens of milliseconds of CPU per call
// on purpose; running that on a SwiftNIO event loop or the cooperative pool would stall every
// connection sharing the thread (DESIGN.md rule 5).
import Foundation

/// Runs CPU-heavy closures on at most `threadCount` threads of its own, started on first use.
///
/// Pending work is bounded: past `maximumPendingJobs` a call fails with `Overloaded` at once, so a
/// flood of login attempts costs a rejection, not memory. A pool lives for the whole process: its
/// threads wait for work and never exit, so make one (`shared`) and keep it.
public final class PasswordHashingPool: @unchecked Sendable {
    // @unchecked Sendable: every mutable field below is read and written only with `condition` locked.

    /// Thrown when more than `maximumPendingJobs` calls are already waiting.
    public struct Overloaded: Error, Sendable, CustomStringConvertible {
        public var description: String { "password hashing pool overloaded" }
    }

    /// One thread per core: hashing is pure CPU, more threads would only queue in the kernel.
    public static let shared = PasswordHashingPool(threadCount: ProcessInfo.processInfo.activeProcessorCount)

    public let threadCount: Int
    public let maximumPendingJobs: Int

    private let condition = NSCondition()
    private var pending: [@Sendable () -> Void] = []
    private var pendingHead = 0
    private var startedThreads = 0
    private var idleThreads = 0

    public init(threadCount: Int, maximumPendingJobs: Int = 4_096) {
        self.threadCount = max(1, threadCount)
        self.maximumPendingJobs = max(1, maximumPendingJobs)
    }

    /// Runs `body` on one of the pool's threads and returns its result to the awaiting task.
    public func run<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
            let accepted = enqueue {
                continuation.resume(with: Result { try body() })
            }
            if !accepted {
                continuation.resume(throwing: Overloaded())
            }
        }
    }

    private func enqueue(_ job: @escaping @Sendable () -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard pending.count - pendingHead < maximumPendingJobs else { return false }
        pending.append(job)
        if idleThreads == 0 && startedThreads < threadCount {
            startedThreads += 1
            Thread { [self] in workerLoop() }.start()
        } else {
            condition.signal()
        }
        return true
    }

    private func workerLoop() {
        while true {
            condition.lock()
            while pendingHead == pending.count {
                idleThreads += 1
                condition.wait()
                idleThreads -= 1
            }
            let job = pending[pendingHead]
            pendingHead += 1
            // Drop finished slots once the queue drains, so the array does not grow forever.
            if pendingHead == pending.count {
                pending.removeAll(keepingCapacity: true)
                pendingHead = 0
            }
            condition.unlock()
            job()
        }
    }
}
