// Cuts ManageSieve commands out of a byte stream: lines, and the literals they announce with
// `{n+}` (or `{n}`, which some older clients send; RFC 5804 has no continuation request, so both
// are read straight on). Pure value type: the channel handler owns the buffer and the socket.
//
// Implementation notes:
// - Memory is bounded: a line's text is at most `maxLineLength` octets, a literal at most
//   `maxLiteralSize`, a command at most `maxLiteralsPerCommand` literals. A larger literal is
//   skipped as it arrives (never buffered) and the command reported as rejected, so the session
//   answers NO and the stream stays in step.
// - A line with no LF within the limit cannot be resynchronised (its tail might announce a
//   literal), so it is fatal: the session says BYE.

import NIOCore
import ProtocolListener

/// Incremental framer for RFC 5804 §4 commands.
public struct ManageSieveFramer: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// Longest line text (without CRLF); quoted strings are at most 1024 octets (RFC 5804 §4).
        public var maxLineLength: Int
        /// Longest literal accepted; a script upload is one literal.
        public var maxLiteralSize: Int
        /// PUTSCRIPT, RENAMESCRIPT and AUTHENTICATE take two strings; a few more are tolerated.
        public var maxLiteralsPerCommand: Int

        public init(maxLineLength: Int = 8192, maxLiteralSize: Int = 1 << 20, maxLiteralsPerCommand: Int = 4) {
            self.maxLineLength = max(maxLineLength, 1100)
            self.maxLiteralSize = max(maxLiteralSize, 1024)
            self.maxLiteralsPerCommand = max(maxLiteralsPerCommand, 2)
        }
    }

    /// One framing decision.
    public enum Frame: Sendable, Equatable {
        case command(ManageSieveCommandLine)
        /// The command was consumed but cannot be served (`error.isRecoverable`), or the stream is
        /// broken (`!error.isRecoverable`; stop reading).
        case rejected(ManageSieveFramingError)
    }

    public let configuration: Configuration
    /// The literal size accepted now, at most `configuration.maxLiteralSize`: the session lowers it
    /// before authentication, where only SASL data and NOOP tags are sent, so an anonymous client
    /// cannot make the server hold a script-sized literal.
    public var literalLimit: Int {
        didSet { literalLimit = min(max(literalLimit, 1024), configuration.maxLiteralSize) }
    }
    private var segments: [ManageSieveCommandLine.Segment] = []
    private var literalsSeen = 0
    /// Octets of the literal being read still to come.
    private var literalRemaining: UInt64 = 0
    private var readingLiteral = false
    private var literal: [UInt8] = []
    /// Set once the current command is known to be refused; its remaining octets are dropped.
    private var discarding: ManageSieveFramingError?

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.literalLimit = configuration.maxLiteralSize
    }

    /// The next complete frame in `buffer`, consuming it; nil when more bytes are needed.
    public mutating func next(from buffer: inout ByteBuffer) -> Frame? {
        while true {
            if readingLiteral {
                guard readLiteral(from: &buffer) else { return nil }
                continue
            }
            guard let line = nextLine(from: &buffer) else { return nil }
            let bytes: [UInt8]
            switch line {
            case .failure(let error):
                reset()
                return .rejected(error)
            case .success(let value):
                bytes = value
            }
            switch Self.literalAnnouncement(in: bytes) {
            case .none:
                return finishCommand(with: bytes)
            case .invalid:
                reset()
                return .rejected(.invalidLiteralLength)
            case .literal(let length, let textEnd):
                if discarding == nil { segments.append(.text(Array(bytes[..<textEnd]))) }
                literalsSeen += 1
                if discarding == nil && literalsSeen > configuration.maxLiteralsPerCommand {
                    discarding = .tooManyLiterals
                }
                if discarding == nil && length > UInt64(literalLimit) {
                    discarding = .literalTooLarge(length)
                }
                literalRemaining = length
                readingLiteral = true
                // No reserveCapacity: an announced length costs memory only as octets arrive.
                literal = []
            }
        }
    }

    /// Forgets everything: after STARTTLS the stream starts afresh (RFC 5804 §2.2).
    public mutating func reset() {
        segments = []
        literalsSeen = 0
        literalRemaining = 0
        readingLiteral = false
        literal = []
        discarding = nil
    }

    private mutating func finishCommand(with lastLine: [UInt8]) -> Frame {
        let frame: Frame
        if let discarding {
            frame = .rejected(discarding)
        } else {
            segments.append(.text(lastLine))
            frame = .command(ManageSieveCommandLine(segments))
        }
        reset()
        return frame
    }

    /// Consumes literal octets; true when the literal is complete.
    private mutating func readLiteral(from buffer: inout ByteBuffer) -> Bool {
        let available = UInt64(buffer.readableBytes)
        let take = Int(min(available, literalRemaining))
        if discarding == nil {
            if let bytes = buffer.readBytes(length: take) { literal.append(contentsOf: bytes) }
        } else {
            buffer.moveReaderIndex(forwardBy: take)
        }
        literalRemaining -= UInt64(take)
        LineFramer.compact(&buffer)
        guard literalRemaining == 0 else { return false }
        if discarding == nil { segments.append(.literal(literal)) }
        literal = []
        readingLiteral = false
        return true
    }

    /// A line without its CRLF (a bare LF is tolerated); nil when incomplete.
    private mutating func nextLine(from buffer: inout ByteBuffer) -> Result<[UInt8], ManageSieveFramingError>? {
        let limit = configuration.maxLineLength
        let view = buffer.readableBytesView
        let searchLength = min(view.count, limit + 2)
        let window = view[view.startIndex..<(view.startIndex + searchLength)]
        guard let lf = window.firstIndex(of: UInt8(ascii: "\n")) else {
            return view.count > limit + 1 ? .failure(.lineTooLong) : nil
        }
        var line = buffer.readBytes(length: lf - view.startIndex) ?? []
        buffer.moveReaderIndex(forwardBy: 1)
        LineFramer.compact(&buffer)
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        return line.count > limit ? .failure(.lineTooLong) : .success(line)
    }

    enum Announcement: Equatable {
        case none
        case invalid
        /// `textEnd`: where the line's text stops (the index of "{").
        case literal(length: UInt64, textEnd: Int)
    }

    // RFC 5804 §4:
    // literal-c2s = "{" number "+}" CRLF *OCTET
    // number      = (NZDIGIT *DIGIT) / "0"   ;; A 32-bit unsigned number
    static func literalAnnouncement(in line: [UInt8]) -> Announcement {
        guard line.last == UInt8(ascii: "}") else { return .none }
        var end = line.count - 1
        if end > 0 && line[end - 1] == UInt8(ascii: "+") { end -= 1 }
        var start = end
        while start > 0, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(line[start - 1]) { start -= 1 }
        guard start > 0, line[start - 1] == UInt8(ascii: "{") else { return .none }
        guard start < end else { return .none }   // "{}" or "{+}": not an announcement, plain text
        // Leading zeros are tolerated; more than ten digits cannot be a 32-bit number.
        guard end - start <= 10 else { return .invalid }
        var length: UInt64 = 0
        for digit in line[start..<end] { length = length * 10 + UInt64(digit - UInt8(ascii: "0")) }
        guard length <= UInt64(UInt32.max) else { return .invalid }
        return .literal(length: length, textEnd: start - 1)
    }
}
