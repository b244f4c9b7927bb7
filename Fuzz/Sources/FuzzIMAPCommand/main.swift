// libFuzzer harness: the IMAP command framer and parser (RFC 9051 §9 and extensions), the first
// code to read a client's bytes. The first input byte picks the session's choices; the rest is
// the client stream, fed to the framer in chunks (to exercise resumption at every boundary),
// and every framed command goes to the parser, as the session would hand it.
import FuzzSupport
import IMAPGrammar
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzDriver.bytes(data, size)
    guard let choices = input.first else { return 0 }
    let stream = input.dropFirst()
    // Bits 0-2: chunk size (1...8 bytes, or everything at once); bit 3: tight limits;
    // bit 4: refuse synchronising literals; bit 5: UTF-8 mailbox names; bit 6: LITERAL-.
    let chunkChoice = Int(choices & 0x07)
    let chunkSize = chunkChoice == 0 ? max(stream.count, 1) : chunkChoice
    var configuration = IMAPCommandFramer.Configuration()
    if choices & 0x08 != 0 {
        configuration.maxLineLength = 256
        configuration.maxLiteralSize = 128
        configuration.maxAppendLiteralSize = 1024
        configuration.maxLiteralsPerCommand = 4
        configuration.maxBufferedCommandSize = 1024
        configuration.appendStreamingThreshold = 64
    }
    if choices & 0x40 != 0 { configuration.nonSynchronizingLiteralLimit = 4096 }
    let refuseLiterals = choices & 0x10 != 0
    let options = IMAPCommandParser.Options(mailboxEncoding: choices & 0x20 != 0 ? .utf8 : .modifiedUTF7)

    // The same stream in one piece and in small chunks must frame the same way: TCP segmentation
    // must never change what a command means.
    let chunked = frame(stream, chunkSize: chunkSize, configuration: configuration, refuseLiterals: refuseLiterals,
                        options: options, parse: true)
    if chunkSize < stream.count {
        let whole = frame(stream, chunkSize: stream.count, configuration: configuration,
                          refuseLiterals: refuseLiterals, options: options, parse: false)
        FuzzDriver.check(chunked == whole, "framing depends on how the stream is split into reads")
    }
    return 0
}

/// An event with streamed literal bytes merged, so runs with different read sizes compare.
private enum FramedStep: Equatable {
    case event(IMAPFramingEvent)
    case literalBytes([UInt8])
}

private func frame(_ stream: ArraySlice<UInt8>, chunkSize: Int, configuration: IMAPCommandFramer.Configuration,
                   refuseLiterals: Bool, options: IMAPCommandParser.Options, parse: Bool) -> [FramedStep] {
    var framer = IMAPCommandFramer(configuration: configuration)
    var buffer = ByteBufferAllocator().buffer(capacity: stream.count)
    var steps: [FramedStep] = []
    var offset = stream.startIndex
    while offset < stream.endIndex {
        let end = min(offset + max(chunkSize, 1), stream.endIndex)
        buffer.writeBytes(stream[offset..<end])
        offset = end
        while let event = framer.next(&buffer) {
            if parse { handle(event, options: options) }
            if case .continuationRequest = event, refuseLiterals { framer.refuseLiteral() }
            if case .streamedLiteralBytes(let chunk) = event {
                let bytes = Array(chunk.readableBytesView)
                if case .literalBytes(let earlier)? = steps.last {
                    steps[steps.count - 1] = .literalBytes(earlier + bytes)
                } else {
                    steps.append(.literalBytes(bytes))
                }
            } else {
                steps.append(.event(event))
            }
        }
    }
    return steps
}

private func handle(_ event: IMAPFramingEvent, options: IMAPCommandParser.Options) {
    switch event {
    case .command(let frame):
        _ = try? IMAPCommandParser.parse(frame, options: options)
        // The same frame read as an AUTHENTICATE continuation line and as the end of IDLE.
        _ = try? IMAPCommandParser.parseSASLContinuation(frame)
        _ = IMAPCommandParser.isIdleDone(frame)
    case .continuationRequest(let announcement), .streamedLiteralStart(let announcement):
        if let prefix = announcement.appendPrefix {
            _ = try? IMAPCommandParser.parseAppendMailbox(prefix, options: options)
        }
    case .streamedLiteralBytes, .streamedLiteralEnd:
        break
    case .rejected(let error):
        _ = String(describing: error)
    }
}

exit(FuzzDriver.run(testOneInput))
