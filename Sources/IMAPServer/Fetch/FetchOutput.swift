// The bytes of one FETCH command on their way to the client.

import NIOCore

/// Collects the responses of one FETCH in one buffer and hands it to the connection once it holds
/// `threshold` bytes: a FETCH of 10,000 messages is a few dozen hops to the event loop, not 10,000.
/// One value per FETCH; writing a piece neither allocates nor copies beyond appending its bytes.
struct FetchOutput {
    /// What is written and not yet sent; the session's pending output when the FETCH ends.
    private(set) var buffer: ByteBuffer
    /// Octets written by this FETCH, for the `fetchedBytes` metric.
    private(set) var written = 0
    private let threshold: Int
    private let allocator: ByteBufferAllocator

    /// `buffer` is what the session had already queued (untagged updates before the FETCH).
    init(buffer: ByteBuffer, allocator: ByteBufferAllocator, threshold: Int) {
        self.buffer = buffer
        self.allocator = allocator
        self.threshold = threshold
    }

    /// Appends a response assembled in a reused array (the message-list path: no buffer per message).
    mutating func write(bytes: [UInt8]) {
        written += bytes.count
        buffer.writeBytes(bytes)
    }

    /// Appends a piece the responder built (a whole small response, or one chunk of a streamed one).
    mutating func write(_ piece: ByteBuffer) {
        var piece = piece
        written += piece.readableBytes
        buffer.writeBuffer(&piece)
    }

    /// Sends what is collected once past the threshold; the next buffer is sized so that the piece
    /// that crosses the threshold next does not make it grow.
    @inline(__always)
    mutating func flushIfFull(_ outbound: IMAPSession.Outbound) async throws {
        guard buffer.readableBytes >= threshold else { return }
        try await outbound.write(.send(buffer, then: .more))
        buffer = allocator.buffer(capacity: threshold + 16_384)
    }
}
