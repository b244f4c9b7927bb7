// Splits the client byte stream into commands: a line plus its literals (RFC 9051 §2.2, §4.3).

import NIOCore

/// Incremental command framer, safe to feed byte by byte. It recognises `{n}` synchronising
/// literals, `{n+}` LITERAL+/LITERAL- literals (RFC 7888) and `~{n}` literal8 (RFC 3516) at the
/// end of a line, and enforces every size bound before buffering anything.
///
/// Buffering: a command's lines and literals are buffered up to `maxBufferedCommandSize`. APPEND
/// literals larger than `appendStreamingThreshold` are not buffered: their octets are handed out
/// as `streamedLiteralBytes` chunks (slices of the input buffer, no copy) and the final frame
/// marks where they were. Oversized input is skipped by counting, never stored.
///
/// Owned by one connection on its event loop; not Sendable on purpose. The read loop:
///
///     while let event = framer.next(&inbound) {
///         switch event {
///         case .command(let frame):          // IMAPCommandParser.parse(frame, options:) → dispatch
///         case .continuationRequest(let a):  // write "+ Ready", or framer.refuseLiteral() and answer NO
///         case .streamedLiteralStart(let a): // open a spool for APPEND literal a.index
///         case .streamedLiteralBytes(let b): // append b to the spool
///         case .streamedLiteralEnd:          // close the spool; the `.command` follows
///         case .rejected(let error):         // write error.response
///         }
///     }
///
/// During IDLE or an AUTHENTICATE exchange the session reads `.command` frames as raw lines
/// (`IMAPCommandParser.isIdleDone`, `parseSASLContinuation`).
public struct IMAPCommandFramer {
    public struct Configuration: Sendable, Equatable {
        /// Longest line (text between literals). Clients keep lines under 8 KB (RFC 2683 §3.2.1.5);
        /// 64 KB leaves room for long UID sets.
        public var maxLineLength: Int = 65_536
        /// Largest literal outside APPEND (passwords, search strings, metadata values).
        public var maxLiteralSize: UInt64 = 65_536
        /// Largest APPEND literal: the server's message size limit (`[limits] max_message_size`).
        public var maxAppendLiteralSize: UInt64 = 52_428_800
        /// Literals in one command (MULTIAPPEND sends one per message, RFC 3502).
        public var maxLiteralsPerCommand: Int = 256
        /// Octets of one command held in memory (streamed literals excluded).
        public var maxBufferedCommandSize: Int = 2_097_152
        /// APPEND literals above this size are streamed; nil buffers all (within the limits above).
        public var appendStreamingThreshold: UInt64? = 65_536
        /// 4096 when the server advertises LITERAL- (RFC 7888 §5); nil under LITERAL+.
        public var nonSynchronizingLiteralLimit: UInt64? = nil

        public init() {}
    }

    private enum State {
        case line
        case awaitingContinuation(IMAPLiteralAnnouncement)
        case literal(remaining: UInt64)
        case streamedLiteral(remaining: UInt64)
        case streamedLiteralFinished
        case discardLiteral(remaining: UInt64)
        case discardLine
    }

    public let configuration: Configuration
    private var state: State = .line
    /// The command so far: previous lines (with their CRLF) and buffered literals.
    private var buffered: [UInt8] = []
    /// Bytes of the current line not yet ended by LF.
    private var line: [UInt8] = []
    private var literalCount = 0
    private var streamedMarks: [IMAPCommandFrame.StreamedLiteralMark] = []
    private var head: (tag: String?, command: String?) = (nil, nil)
    /// Last bytes of a line being discarded, to spot a literal announcement at its end.
    private var discardTail: [UInt8] = []
    /// Set by `expectSASLResponse()`: the next line is delivered even when empty.
    private var deliverEmptyLine = false

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Consumes bytes from `buffer` until one event is ready; nil when more input is needed.
    /// Unconsumed bytes stay in `buffer` for the next call.
    public mutating func next(_ buffer: inout ByteBuffer) -> IMAPFramingEvent? {
        while true {
            switch state {
            case .awaitingContinuation(let announcement):
                // Not refused before this call: the session accepted the literal.
                if announcement.isStreamed {
                    state = .streamedLiteral(remaining: announcement.octets)
                    return .streamedLiteralStart(announcement)
                }
                state = .literal(remaining: announcement.octets)

            case .literal(let remaining):
                if remaining == 0 { state = .line; continue }
                guard buffer.readableBytes > 0 else { return nil }
                let count = Int(min(remaining, UInt64(buffer.readableBytes)))
                if let bytes = buffer.readBytes(length: count) { buffered.append(contentsOf: bytes) }
                state = .literal(remaining: remaining - UInt64(count))

            case .streamedLiteral(let remaining):
                if remaining == 0 { state = .streamedLiteralFinished; continue }
                guard buffer.readableBytes > 0 else { return nil }
                let count = Int(min(remaining, UInt64(buffer.readableBytes)))
                guard let chunk = buffer.readSlice(length: count) else { return nil }
                state = .streamedLiteral(remaining: remaining - UInt64(count))
                return .streamedLiteralBytes(chunk)

            case .streamedLiteralFinished:
                state = .line
                return .streamedLiteralEnd

            case .discardLiteral(let remaining):
                if remaining == 0 { state = .discardLine; discardTail = []; continue }
                guard buffer.readableBytes > 0 else { return nil }
                let count = Int(min(remaining, UInt64(buffer.readableBytes)))
                buffer.moveReaderIndex(forwardBy: count)
                state = .discardLiteral(remaining: remaining - UInt64(count))

            case .discardLine:
                guard let lineFeed = buffer.readableBytesView.firstIndex(of: 0x0A) else {
                    rememberDiscardTail(buffer.readableBytesView[...])
                    buffer.moveReaderIndex(to: buffer.writerIndex)
                    return nil
                }
                rememberDiscardTail(buffer.readableBytesView[..<lineFeed])
                buffer.moveReaderIndex(to: lineFeed + 1)
                // The skipped line may announce another literal of the refused command.
                if let announced = Self.literalAnnouncement(at: Self.withoutCR(discardTail[...])), !announced.isSynchronizing {
                    state = .discardLiteral(remaining: announced.octets)
                } else {
                    resetCommand()
                }

            case .line:
                if let event = readLine(&buffer) { return event }
                if case .line = state, buffer.readableBytes == 0 { return nil }
            }
        }
    }

    /// Refuses the synchronising literal just announced by `.continuationRequest`: no `+` is
    /// sent, the client abandons the command (RFC 9051 §7.5) and the framer waits for the next
    /// one. Returns false when there is no announced literal to refuse.
    /// The next line answers a SASL challenge: deliver it as a `.command` frame even when empty.
    public mutating func expectSASLResponse() {
        deliverEmptyLine = true
    }

    @discardableResult
    public mutating func refuseLiteral() -> Bool {
        guard case .awaitingContinuation = state else { return false }
        resetCommand()
        return true
    }

    /// Accumulates the current line; on LF decides between a complete command and a literal.
    private mutating func readLine(_ buffer: inout ByteBuffer) -> IMAPFramingEvent? {
        let view = buffer.readableBytesView
        guard !view.isEmpty else { return nil }
        let lineFeed = view.firstIndex(of: 0x0A)
        let end = lineFeed ?? view.endIndex
        let addition = end - view.startIndex
        if line.count + addition > configuration.maxLineLength + 1 {   // +1 for the CR
            // The part of the line already taken from earlier reads is no longer in `buffer`: its
            // end seeds the discard tail, so that a `{n+}` announcement split across the point where
            // the limit was crossed is still seen and its octets skipped. (Found by fuzzing: without
            // this, the literal's octets were read as a new command when the line came in pieces.)
            let consumedTail = Array(line.suffix(32))
            // Keep just enough to read the tag; the rest of the line is skipped in `.discardLine`,
            // which also notices a literal announced at its end.
            if line.count < 80 { line.append(contentsOf: view[view.startIndex..<min(end, view.startIndex + 80)]) }
            let event = reject(.lineTooLong(limit: configuration.maxLineLength), discarding: .discardLine)
            discardTail = consumedTail
            return event
        }
        line.append(contentsOf: view[view.startIndex..<end])
        guard let lineFeed else {
            buffer.moveReaderIndex(to: buffer.writerIndex)
            return nil
        }
        buffer.moveReaderIndex(to: lineFeed + 1)
        if line.last == 0x0D { line.removeLast() }
        // A stray empty line between commands is dropped, unless it answers a SASL challenge.
        if buffered.isEmpty && line.isEmpty && !deliverEmptyLine { return nil }
        deliverEmptyLine = false
        if buffered.isEmpty { head = Self.commandHead(line) }

        guard let announced = Self.literalAnnouncement(at: line[...]) else {
            var bytes = buffered
            bytes.append(contentsOf: line)
            let frame = IMAPCommandFrame(bytes, streamedLiterals: streamedMarks)
            resetCommand()
            return .command(frame)
        }
        return announceLiteral(announced)
    }

    private mutating func announceLiteral(_ announced: (octets: UInt64, isSynchronizing: Bool, isBinary: Bool)) -> IMAPFramingEvent? {
        // RFC 8508 §3.4: REPLACE uploads a message like APPEND, so its literal has APPEND's limit.
        let isAppend = head.command == "APPEND" || head.command == "REPLACE" || head.command == "UID REPLACE"
        let skip: State = announced.isSynchronizing ? .line : .discardLiteral(remaining: announced.octets)
        literalCount += 1
        if literalCount > configuration.maxLiteralsPerCommand {
            return reject(.tooManyLiterals(limit: configuration.maxLiteralsPerCommand), discarding: skip)
        }
        if !announced.isSynchronizing, let limit = configuration.nonSynchronizingLiteralLimit, announced.octets > limit {
            return reject(.nonSynchronizingLiteralTooLarge(octets: announced.octets, limit: limit), discarding: skip)
        }
        let limit = isAppend ? configuration.maxAppendLiteralSize : configuration.maxLiteralSize
        if announced.octets > limit {
            return reject(.literalTooLarge(octets: announced.octets, limit: limit), discarding: skip)
        }
        let sizeSoFar = buffered.count + line.count + 2
        let streams = isAppend && configuration.appendStreamingThreshold.map {
            announced.octets > $0 || UInt64(sizeSoFar) + announced.octets > UInt64(configuration.maxBufferedCommandSize)
        } == true
        if sizeSoFar > configuration.maxBufferedCommandSize
            || (!streams && UInt64(sizeSoFar) + announced.octets > UInt64(configuration.maxBufferedCommandSize)) {
            return reject(.commandTooLarge(limit: configuration.maxBufferedCommandSize), discarding: skip)
        }

        buffered.append(contentsOf: line)
        buffered.append(contentsOf: [0x0D, 0x0A])
        line.removeAll(keepingCapacity: true)
        if streams {
            streamedMarks.append(.init(offset: buffered.count, octets: announced.octets))
        }
        let announcement = IMAPLiteralAnnouncement(
            tag: head.tag, command: head.command, octets: announced.octets,
            isSynchronizing: announced.isSynchronizing, isBinary: announced.isBinary, isStreamed: streams,
            index: literalCount - 1,
            appendPrefix: head.command == "APPEND" && literalCount == 1 ? IMAPCommandFrame(buffered, streamedLiterals: []) : nil)
        if announced.isSynchronizing {
            state = .awaitingContinuation(announcement)
            return .continuationRequest(announcement)
        }
        if streams {
            state = .streamedLiteral(remaining: announced.octets)
            return .streamedLiteralStart(announcement)
        }
        state = .literal(remaining: announced.octets)
        return nil
    }

    private mutating func reject(_ kind: IMAPFramingError.Kind, discarding next: State) -> IMAPFramingEvent {
        if buffered.isEmpty { head = Self.commandHead(line) }
        let error = IMAPFramingError(kind, tag: head.tag, command: head.command)
        resetCommand()
        state = next
        discardTail = []
        return .rejected(error)
    }

    private mutating func resetCommand() {
        state = .line
        // Capacity is not kept: thousands of idle connections would each hold it.
        buffered = []
        line = []
        literalCount = 0
        streamedMarks = []
        head = (nil, nil)
    }

    private mutating func rememberDiscardTail(_ bytes: ByteBufferView.SubSequence) {
        discardTail.append(contentsOf: bytes.suffix(32))
        if discardTail.count > 32 { discardTail.removeFirst(discardTail.count - 32) }
    }

    private static func withoutCR(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        bytes.last == 0x0D ? bytes.dropLast() : bytes
    }

    // literal         = "{" number64 ["+"] "}" CRLF *CHAR8
    // literal8        = "~{" number64 "}" CRLF *OCTET          (RFC 9051 §9, RFC 3516 §4.1)
    // RFC 7888 §3: the receiver checks the end of every line for "{" count ["+"] "}".
    // A count too big for 63 bits is reported as UInt64.max so the size check refuses it.
    static func literalAnnouncement(at line: ArraySlice<UInt8>) -> (octets: UInt64, isSynchronizing: Bool, isBinary: Bool)? {
        guard line.last == UInt8(ascii: "}") else { return nil }
        var position = line.endIndex - 1
        let isSynchronizing: Bool
        if position > line.startIndex, line[position - 1] == UInt8(ascii: "+") {
            isSynchronizing = false
            position -= 1
        } else {
            isSynchronizing = true
        }
        let digitsEnd = position
        while position > line.startIndex, line[position - 1] >= UInt8(ascii: "0"), line[position - 1] <= UInt8(ascii: "9") {
            position -= 1
        }
        guard position < digitsEnd, position > line.startIndex, line[position - 1] == UInt8(ascii: "{") else { return nil }
        let isBinary = position - 1 > line.startIndex && line[position - 2] == UInt8(ascii: "~")
        var octets: UInt64 = 0
        for digit in line[position..<digitsEnd] {
            let (times, overflow1) = octets.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(digit - UInt8(ascii: "0")))
            if overflow1 || overflow2 { octets = .max; break }
            octets = sum
        }
        return (octets, isSynchronizing, isBinary)
    }

    /// The tag and uppercased command name at the start of a first line, when present.
    static func commandHead(_ line: [UInt8]) -> (tag: String?, command: String?) {
        guard let space = line.firstIndex(of: UInt8(ascii: " ")), space > 0, space <= 64,
              line[..<space].allSatisfy({ IMAPParseCursor.isAstringChar($0) && $0 != UInt8(ascii: "+") }) else {
            return (nil, nil)
        }
        let tag = String(decoding: line[..<space], as: UTF8.self)
        let rest = line[(space + 1)...]
        let name = rest.prefix { IMAPParseCursor.isKeywordChar($0) }.prefix(32)
        let command = String(decoding: name.map(IMAPParseCursor.uppercased), as: UTF8.self)
        // "UID REPLACE" uploads a message (RFC 8508 §3.3): named in full so it gets APPEND's limits.
        if command == "UID" {
            let next = rest.dropFirst(name.count + 1).prefix { IMAPParseCursor.isKeywordChar($0) }.prefix(32)
            if String(decoding: next.map(IMAPParseCursor.uppercased), as: UTF8.self) == "REPLACE" { return (tag, "UID REPLACE") }
        }
        return (tag, name.isEmpty ? nil : command)
    }
}
