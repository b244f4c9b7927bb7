// A Swift task executor over one SwiftNIO event loop (SE-0417), so a connection's session runs on
// its channel's own thread (issue 8: IMAP since session 8, POP3 since session 9).
//
// Why: a session on Swift's cooperative pool cost two thread hand-offs per command (the event loop
// woke a pool thread for the frame, the pool woke the loop through its eventfd for the answer),
// each a futex or eventfd wake-up and a context switch on both sides; on this machine a wake-up
// of another CPU costs ~40 µs of latency. With the session's task preferring the loop, a command
// the store answers inline reads, runs and writes without leaving the loop's thread.

import NIOCore

/// Runs the jobs of every task that prefers it on `eventLoop`.
///
/// NIO's event loops are `SerialExecutor`s (an actor may run on one) but not `TaskExecutor`s,
/// and only a `TaskExecutor` keeps a task's nonisolated async code (the session, the store's
/// methods) on one thread. A job is always queued on the loop, never run on the spot even when
/// enqueued from the loop's own thread: running it there would nest one task's code inside a
/// channel handler or inside another task's job.
public final class EventLoopTaskExecutor: TaskExecutor {
    public let eventLoop: any EventLoop

    public init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        // From the loop itself `execute` appends to the loop's task list (no wake-up); from
        // another thread (a store read resuming the session) it wakes the loop once.
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
