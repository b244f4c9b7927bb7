// One connection's session task: reads frames from the framing handler, asks the state machine,
// calls the receiver, writes the replies. Runs as a child task of the server's task group.
//
// Why NIOAsyncChannel with a child task per connection (and not a ChannelHandler doing it all):
// the receiver is async (it commits to the store), and STYLE.md wants business logic in structured
// concurrency with no unstructured `Task {}`. Framing stays on the event loop in
// SMTPFramingHandler; this task crosses into async once per frame (a command, a whole message, a
// BDAT chunk), never per byte. The handler pauses after each frame, so pipelined commands are
// answered strictly in order and DATA/BDAT/STARTTLS switches happen at exactly the right byte.

import Logging
import NIOCore
import ProtocolListener

struct SMTPConnection {
    let channel: NIOAsyncChannel<SMTPInboundFrame, SMTPOutboundInstruction>
    let receiver: any SMTPReceiver
    var machine: SMTPSessionStateMachine
    var info: SMTPSessionInfo
    var logger: Logger
    let metrics: SMTPMetrics
    private var transactionCount = 0
    private var awaitingTLS = false

    init(channel: NIOAsyncChannel<SMTPInboundFrame, SMTPOutboundInstruction>, receiver: any SMTPReceiver,
         machine: SMTPSessionStateMachine, info: SMTPSessionInfo, logger: Logger, metrics: SMTPMetrics) {
        self.channel = channel
        self.receiver = receiver
        self.machine = machine
        self.info = info
        self.logger = logger
        self.metrics = metrics
    }

    mutating func run() async {
        metrics.connections.increment()
        metrics.openConnections.increment()
        defer { metrics.openConnections.decrement() }
        logger.debug("connection opened")
        do {
            try await channel.executeThenClose { inbound, outbound in
                try await send([machine.greeting], then: .command, outbound)
                for try await frame in inbound {
                    guard try await handle(frame, outbound) else { break }
                }
            }
        } catch {
            logger.debug("connection ended with error", metadata: ["error": "\(error)"])
        }
        logger.debug("connection closed")
    }

    /// Reacts to one frame; false once the connection is to be closed.
    private mutating func handle(_ frame: SMTPInboundFrame,
                                 _ outbound: NIOAsyncChannelOutboundWriter<SMTPOutboundInstruction>) async throws -> Bool {
        let action: SMTPSessionStateMachine.Action
        switch frame {
        case .line(let bytes):
            action = commandAction(bytes)
        case .lineTooLong:
            action = lineTooLongAction()
        case .pipelined(let lines):
            return try await handlePipelined(lines, outbound)
        case .message(let message, let tooLarge, let bareLineEnding, let octets):
            metrics.receivedBytes.increment(by: octets)
            logger.trace("C: <\(octets) octets of DATA>")
            action = machine.dataReceived(message, tooLarge: tooLarge, bareLineEnding: bareLineEnding)
        case .chunk(let bytes, let octets):
            metrics.receivedBytes.increment(by: octets)
            logger.trace("C: <\(octets) octets of BDAT>")
            action = machine.chunkReceived(bytes)
        case .tlsEstablished(let tls):
            info.tls = tls
            logger.debug("TLS established", metadata: ["tls.version": "\(tls.version)"])
            if awaitingTLS {
                awaitingTLS = false
                machine.tlsEstablished()
                info.heloName = nil
                info.usedEHLO = false
            }
            try await outbound.write(.reply([], then: .command))
            return true
        case .timedOut:
            logger.debug("client timed out")
            action = machine.timedOut()
        case .shutdown:
            action = machine.shutdown()
        }
        return try await perform(action, outbound)
    }

    /// The state machine's answer to one command line.
    private mutating func commandAction(_ bytes: [UInt8]) -> SMTPSessionStateMachine.Action {
        let parsed: Result<SMTPCommand, SMTPCommandError>
        do throws(SMTPCommandError) {
            parsed = .success(try SMTPCommandParser.parse(bytes))
        } catch {
            parsed = .failure(error)
        }
        trace(bytes, parsed: parsed)
        if case .success(let command) = parsed {
            metrics.command(command.verb)
            if case .mail = command { startTransaction() }
        } else {
            metrics.command("unknown")
        }
        let action = machine.command(parsed)
        info.heloName = machine.heloName
        info.usedEHLO = machine.usedEHLO
        return action
    }

    private mutating func lineTooLongAction() -> SMTPSessionStateMachine.Action {
        logger.trace("C: <line too long, dropped>")
        return machine.lineTooLong()
    }

    /// A PIPELINING group (RFC 2920): each line is decided in order exactly as if it had come
    /// alone; the replies of all but the last (RSET, MAIL, RCPT: RFC 2920 §3.2 (2)) are held back
    /// and written with the last one's, in one instruction (RFC 2920 §3.2 (1): in order).
    private mutating func handlePipelined(_ lines: [LineFramer.Line],
                                          _ outbound: NIOAsyncChannelOutboundWriter<SMTPOutboundInstruction>) async throws -> Bool {
        var held: [SMTPReply] = []
        for (index, item) in lines.enumerated() {
            let action: SMTPSessionStateMachine.Action
            switch item {
            case .line(let bytes): action = commandAction(bytes)
            case .tooLong: action = lineTooLongAction()
            }
            let settled = await settle(action)
            if index < lines.count - 1, case .reply(let replies) = settled {
                held += replies
                continue
            }
            // The last line, or one that closes the connection (too many errors): the rest of a
            // group is never read then. DATA, BDAT and STARTTLS are always last (the framing
            // handler ends a group at them), so no framing change can leave lines behind.
            return try await carryOut(settled, after: held, outbound)
        }
        return true
    }

    /// Carries out an action, following the receiver's answers until something must be written.
    private mutating func perform(_ first: SMTPSessionStateMachine.Action,
                                  _ outbound: NIOAsyncChannelOutboundWriter<SMTPOutboundInstruction>) async throws -> Bool {
        try await carryOut(await settle(first), after: [], outbound)
    }

    /// Follows the receiver's answers (RCPT checks, deliveries) until the action is one that
    /// writes: `.reply`, `.replyAndClose`, `.startData`, `.readChunk` or `.startTLS`.
    private mutating func settle(_ first: SMTPSessionStateMachine.Action) async -> SMTPSessionStateMachine.Action {
        var action = first
        while true {
            switch action {
            case .reply, .replyAndClose, .startData, .readChunk, .startTLS:
                return action
            case .checkRecipient(let recipient, let envelope):
                let refusal = await receiver.checkRecipient(recipient, envelope: envelope, session: info)
                action = machine.recipientChecked(recipient, refusal: refusal)
            case .deliver(let message, let envelope):
                let start = ContinuousClock.now
                let replies = await receiver.deliver(message, envelope: envelope, session: info)
                action = machine.delivered(replies)
                metrics.dataDuration.record(duration: ContinuousClock.now - start)
                let accepted = replies.contains { (200..<300).contains($0.code) }
                metrics.message(accepted: accepted)
                if accepted {
                    logger.info("message accepted", metadata: [
                        "smtp.from": "\(envelope.reversePath)",
                        "smtp.recipients": "\(envelope.recipients.count)",
                        "smtp.size": "\(message.count)",
                    ])
                } else {
                    logger.debug("message rejected by receiver")
                }
            }
        }
    }

    /// Writes what a settled action says, after the `held` replies of a pipelined group; false
    /// once the connection is to be closed.
    private mutating func carryOut(_ action: SMTPSessionStateMachine.Action, after held: [SMTPReply],
                                   _ outbound: NIOAsyncChannelOutboundWriter<SMTPOutboundInstruction>) async throws -> Bool {
        switch action {
        case .reply(let replies):
            try await send(held + replies, then: .command, outbound)
            return true
        case .replyAndClose(let reply):
            try await send(held + [reply], then: .close, outbound)
            // The framing handler closes once the reply is flushed; wait for that.
            try? await channel.channel.closeFuture.get()
            return false
        case .startData(let reply):
            try await send(held + [reply], then: .data, outbound)
            return true
        case .readChunk(let size, let keep):
            try await send(held, then: .chunk(size: size, keep: keep), outbound)
            return true
        case .startTLS(let reply):
            awaitingTLS = true
            try await send(held + [reply], then: .startTLS, outbound)
            return true
        case .checkRecipient, .deliver:
            // `settle` never returns these; answer as the machine does for a caller bug.
            try await send(held + [SMTPReply(451, "4.3.0", "Internal error")], then: .command, outbound)
            return true
        }
    }

    private func send(_ replies: [SMTPReply], then next: SMTPOutboundInstruction.Next,
                      _ outbound: NIOAsyncChannelOutboundWriter<SMTPOutboundInstruction>) async throws {
        metrics.replies(replies)
        if logger.logLevel <= .trace {
            for reply in replies { logger.trace("S: \(reply)") }
        }
        try await outbound.write(.reply(replies, then: next))
    }

    private mutating func startTransaction() {
        transactionCount += 1
        logger[metadataKey: "smtp.transaction"] = "\(info.connectionID).\(transactionCount)"
    }

    /// Protocol trace; AUTH arguments are never logged (STYLE.md).
    private func trace(_ bytes: [UInt8], parsed: Result<SMTPCommand, SMTPCommandError>) {
        guard logger.logLevel <= .trace else { return }
        if case .success(.auth(let mechanism)) = parsed {
            logger.trace("C: AUTH \(mechanism) <redacted>")
        } else {
            logger.trace("C: \(String(decoding: bytes.prefix(200), as: UTF8.self))")
        }
    }
}
