// Runs one connection's IMAP session only while it has frames to handle.
//
// Why not a task per connection awaiting the next frame: a Swift task keeps every stack slab its
// deepest call ever needed until it ends, and a connection's task waiting in an async loop (the
// listener's frames, the session loop, the async channel's `next()`) held about 11 KiB of
// slabs even after handing each command to a child task: two thirds of an idle connection's
// memory (issue 8: at most ~14 KB per idle IMAP connection, Dovecot's figure with hibernation,
// without a hibernation process). Here an idle connection is its channel, its handlers and the
// session's state; a task exists only from a frame's arrival until the frames queued are handled.
//
// Those tasks prefer the channel's event loop (EventLoopTaskExecutor): a command runs on the thread
// that read its frame and writes its answer straight into the pipeline, with no thread hand-off
// unless it awaits a store thread. Commands whose work grows with the mailbox leave the loop for
// their duration (`IMAPSession.leavesEventLoop`), so other connections of the loop keep moving.

import NIOCore
import ProtocolListener
import Synchronization

/// Hands the framing handler's frames to the session, one task per burst of work.
///
/// `@unchecked Sendable`: `session` is touched only by the task that holds the `running` claim
/// (set under the lock when a task is started, cleared under the lock when it finds no frame
/// left), so never by two tasks at once; everything else shared is behind the mutex.
final class IMAPSessionDriver: @unchecked Sendable {
    private enum Item {
        case frame(IMAPInboundFrame)
        /// The channel went inactive: the session cleans up and the connection is over.
        case end
    }

    private struct State {
        var items: [Item] = []
        /// A task is handling items, or the session has not started yet (frames wait for it).
        var running = true
        var ended = false
    }

    private let state = Mutex(State())
    private var session: IMAPSession?
    /// The session asked for the connection to close (LOGOUT, BYE): later frames are dropped.
    private var closing = false
    private let outbound: IMAPOutboundWriter
    private let channel: any Channel
    private let finished: EventLoopPromise<Void>
    /// Where the session's tasks run: the channel's event loop.
    private let executor: EventLoopTaskExecutor

    init(channel: any Channel, outbound: IMAPOutboundWriter) {
        self.channel = channel
        self.outbound = outbound
        self.finished = channel.eventLoop.makePromise()
        self.executor = EventLoopTaskExecutor(channel.eventLoop)
    }

    /// Greets the client, handles what arrived meanwhile, then returns once the session has
    /// ended and cleaned up. The caller's task waits with a shallow stack; the work runs in
    /// short-lived tasks.
    /// `makeSession` runs at once, outside any async frame: the session's state (about a
    /// kilobyte) lives only in the driver.
    func run(_ makeSession: () -> IMAPSession) async {
        install(makeSession)
        try? await finished.futureResult.get()
    }

    /// Not inlined into `run`: an async function's frame holds every local of its body, and this
    /// one's session temporary (a kilobyte) would stay in the waiting task's stack for good.
    @inline(never)
    private func install(_ makeSession: () -> IMAPSession) {
        session = makeSession()
        Task(executorPreference: executor) { await self.start() }
    }

    private func start() async {
        if await session?.greet(outbound) == false {
            closing = true
            channel.close(promise: nil)
        }
        await drain()
    }

    /// From the event loop: a frame from the framing handler, or the end of the connection.
    fileprivate func enqueue(_ frame: IMAPInboundFrame?) {
        let start = state.withLock { state -> Bool in
            guard !state.ended else { return false }
            if let frame { state.items.append(.frame(frame)) } else { state.items.append(.end); state.ended = true }
            guard !state.running else { return false }
            state.running = true
            return true
        }
        if start { Task(executorPreference: executor) { await self.drain() } }
    }

    /// Handles queued items until none is left; then gives up the `running` claim.
    private func drain() async {
        while let item = nextItem() {
            switch item {
            case .frame(let frame):
                guard !closing, session != nil else { continue }
                let keepOpen: Bool
                do {
                    keepOpen = try await session!.handle(frame, outbound)
                } catch {
                    session?.logger.debug("connection ended with error", metadata: ["error": "\(error)"])
                    keepOpen = false
                }
                if !keepOpen {
                    closing = true
                    channel.close(promise: nil)
                }
            case .end:
                session?.finish()
                // Also ends the cycle driver → session → its connection → driver.
                session = nil
                finished.succeed(())
                return  // keeps the claim: nothing runs after the end
            }
        }
    }

    private func nextItem() -> Item? {
        state.withLock { state in
            guard !state.items.isEmpty else {
                state.running = false
                return nil
            }
            return state.items.removeFirst()
        }
    }

    /// The last handler of an IMAP pipeline: passes frames and the channel's writability and
    /// end to the driver and the writer.
    final class Handler: ChannelInboundHandler {
        typealias InboundIn = IMAPInboundFrame

        private let driver: IMAPSessionDriver
        private let outbound: IMAPOutboundWriter

        init(driver: IMAPSessionDriver, outbound: IMAPOutboundWriter) {
            self.driver = driver
            self.outbound = outbound
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            driver.enqueue(unwrapInboundIn(data))
        }

        func channelWritabilityChanged(context: ChannelHandlerContext) {
            outbound.writabilityChanged(context.channel.isWritable)
            context.fireChannelWritabilityChanged()
        }

        func channelInactive(context: ChannelHandlerContext) {
            outbound.closed()
            driver.enqueue(nil)
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}
