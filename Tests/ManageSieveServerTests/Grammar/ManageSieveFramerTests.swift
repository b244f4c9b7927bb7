// The framer on whole inputs and byte by byte: lines, both literal forms, bounds.

import NIOCore
import Testing
@testable import ManageSieveServer

struct ManageSieveFramerTests {
    typealias Frame = ManageSieveFramer.Frame

    static let small = ManageSieveFramer.Configuration(maxLineLength: 1100, maxLiteralSize: 2048, maxLiteralsPerCommand: 2)

    static let fixtures: [(String, [Frame])] = [
        ("CAPABILITY\r\n", [.command(.init(text: "CAPABILITY"))]),
        ("NOOP\nLOGOUT\r\n", [.command(.init(text: "NOOP")), .command(.init(text: "LOGOUT"))]),
        ("PUTSCRIPT \"a\" {5+}\r\nkeep;\r\n",
         [.command(.init([.text(Array("PUTSCRIPT \"a\" ".utf8)), .literal(Array("keep;".utf8)), .text([])]))]),
        // The synchronising form is read straight on: ManageSieve has no continuation request.
        ("CHECKSCRIPT {2}\r\nab\r\nNOOP\r\n",
         [.command(.init([.text(Array("CHECKSCRIPT ".utf8)), .literal(Array("ab".utf8)), .text([])])),
          .command(.init(text: "NOOP"))]),
        // A literal may contain CRLF and a fake announcement.
        ("CHECKSCRIPT {9+}\r\n{3+}\r\nabc\r\n",
         [.command(.init([.text(Array("CHECKSCRIPT ".utf8)), .literal(Array("{3+}\r\nabc".utf8)), .text([])]))]),
        ("RENAMESCRIPT {1+}\r\na {1+}\r\nb\r\n",
         [.command(.init([.text(Array("RENAMESCRIPT ".utf8)), .literal([97]), .text([32]), .literal([98]), .text([])]))]),
        ("AUTHENTICATE \"PLAIN\" {0+}\r\n\r\n",
         [.command(.init([.text(Array("AUTHENTICATE \"PLAIN\" ".utf8)), .literal([]), .text([])]))]),
        // Too large: skipped unread, the command rejected, the next one served.
        ("PUTSCRIPT \"a\" {3000+}\r\n" + String(repeating: "x", count: 3000) + "\r\nNOOP\r\n",
         [.rejected(.literalTooLarge(3000)), .command(.init(text: "NOOP"))]),
        ("RENAMESCRIPT {1+}\r\na {1+}\r\nb {1+}\r\nc\r\nNOOP\r\n",
         [.rejected(.tooManyLiterals), .command(.init(text: "NOOP"))]),
        ("PUTSCRIPT \"a\" {99999999999+}\r\n", [.rejected(.invalidLiteralLength)]),
        ("PUTSCRIPT \"a\" {4294967296+}\r\n", [.rejected(.invalidLiteralLength)]),
        // Not announcements: plain text for the tokenizer to refuse.
        ("NOOP {}\r\n", [.command(.init(text: "NOOP {}"))]),
        ("NOOP {+}\r\n", [.command(.init(text: "NOOP {+}"))]),
        ("NOOP x}\r\n", [.command(.init(text: "NOOP x}"))]),
    ]

    @Test(arguments: fixtures)
    func framesWholeInput(_ input: String, _ expected: [Frame]) {
        #expect(Self.frames(Array(input.utf8), chunk: Int.max) == expected)
    }

    @Test(arguments: fixtures)
    func framesByteByByte(_ input: String, _ expected: [Frame]) {
        #expect(Self.frames(Array(input.utf8), chunk: 1) == expected)
    }

    @Test func overLongLineIsFatal() {
        let input = Array(String(repeating: "A", count: 1200).utf8)
        #expect(Self.frames(input, chunk: 100) == [.rejected(.lineTooLong)])
    }

    @Test func incompleteLiteralWaits() {
        var framer = ManageSieveFramer(configuration: Self.small)
        var buffer = ByteBuffer(string: "CHECKSCRIPT {10+}\r\nabc")
        #expect(framer.next(from: &buffer) == nil)
        buffer.writeString("defghij\r\n")
        #expect(framer.next(from: &buffer) ==
                .command(.init([.text(Array("CHECKSCRIPT ".utf8)), .literal(Array("abcdefghij".utf8)), .text([])])))
    }

    @Test func resetForgetsAHalfReadCommand() {
        var framer = ManageSieveFramer(configuration: Self.small)
        var buffer = ByteBuffer(string: "CHECKSCRIPT {10+}\r\nabc")
        #expect(framer.next(from: &buffer) == nil)
        framer.reset()
        buffer = ByteBuffer(string: "NOOP\r\n")
        #expect(framer.next(from: &buffer) == .command(.init(text: "NOOP")))
    }

    /// Feeds `input` in chunks; stops after an unrecoverable rejection as the handler does.
    static func frames(_ input: [UInt8], chunk: Int) -> [Frame] {
        var framer = ManageSieveFramer(configuration: small)
        var buffer = ByteBuffer()
        var frames: [Frame] = []
        var offset = 0
        while offset < input.count {
            let end = min(input.count, offset + min(chunk, input.count))
            buffer.writeBytes(input[offset..<end])
            offset = end
            while let frame = framer.next(from: &buffer) {
                frames.append(frame)
                if case .rejected(let error) = frame, !error.isRecoverable { return frames }
            }
        }
        return frames
    }
}
