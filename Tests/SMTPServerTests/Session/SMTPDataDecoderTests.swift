import Testing
@testable import SMTPServer

@Suite struct SMTPDataDecoderTests {
    struct Case: Sendable, CustomStringConvertible {
        var input: String
        var message: String
        var finished: Bool
        var bare: Bool
        var description: String { input.debugDescription }
    }

    static let cases: [Case] = [
        Case(input: "hello\r\n.\r\n", message: "hello\r\n", finished: true, bare: false),
        Case(input: ".\r\n", message: "", finished: true, bare: false),
        Case(input: "..leading dot\r\n.\r\n", message: ".leading dot\r\n", finished: true, bare: false),
        Case(input: ".x\r\n.\r\n", message: "x\r\n", finished: true, bare: false),
        Case(input: "a\r\n..\r\n.\r\n", message: "a\r\n.\r\n", finished: true, bare: false),
        Case(input: "a\r\n", message: "a\r\n", finished: false, bare: false),
        // Smuggling attempts: none of these end the data.
        Case(input: "a\n.\nMAIL FROM:<x@y>\r\n", message: "a\n.\nMAIL FROM:<x@y>\r\n", finished: false, bare: true),
        Case(input: "a\n.\r\nMAIL FROM:<x@y>\r\n", message: "a\n.\r\nMAIL FROM:<x@y>\r\n", finished: false, bare: true),
        Case(input: "a\r.\rMAIL", message: "a\r.\rMAIL", finished: false, bare: true),
        Case(input: "a\r\n.\nMAIL", message: "a\r\n\nMAIL", finished: false, bare: true),
        Case(input: "a\r\n.\rb", message: "a\r\n\rb", finished: false, bare: true),
        // Bare line endings inside otherwise well-ended data are flagged.
        Case(input: "a\nb\r\n.\r\n", message: "a\nb\r\n", finished: true, bare: true),
        Case(input: "a\rb\r\n.\r\n", message: "a\rb\r\n", finished: true, bare: true),
        Case(input: "a\r\r\n.\r\n", message: "a\r\r\n", finished: true, bare: true),
    ]

    static func run(_ input: [UInt8], byteByByte: Bool, maxSize: Int = 1000)
        -> (decoder: SMTPDataDecoder, finished: Bool, consumed: Int) {
        var decoder = SMTPDataDecoder(maxSize: maxSize)
        var consumed = 0
        let step = byteByByte ? 1 : max(input.count, 1)
        while consumed < input.count {
            let end = min(consumed + step, input.count)
            let result = input[consumed..<end].withUnsafeBytes { decoder.decode($0) }
            consumed += result.consumed
            if result.finished { return (decoder, true, consumed) }
        }
        return (decoder, false, consumed)
    }

    @Test(arguments: cases, [false, true])
    func decodes(testCase: Case, byteByByte: Bool) {
        let result = Self.run(Array(testCase.input.utf8), byteByByte: byteByByte)
        #expect(result.finished == testCase.finished)
        #expect(String(decoding: result.decoder.message, as: UTF8.self) == testCase.message)
        #expect(result.decoder.bareLineEnding == testCase.bare)
    }

    @Test func stopsRightAfterTheEndMarker() {
        let result = Self.run(Array("x\r\n.\r\nQUIT\r\n".utf8), byteByByte: false)
        #expect(result.finished)
        #expect(result.consumed == 6)
    }

    @Test func dropsMessagePastTheLimitButKeepsScanning() {
        let body = String(repeating: "0123456789\r\n", count: 20) + ".\r\n"
        let result = Self.run(Array(body.utf8), byteByByte: false, maxSize: 100)
        #expect(result.finished)
        #expect(result.decoder.tooLarge)
        #expect(result.decoder.message.isEmpty)
        #expect(result.decoder.octets == 240)
    }

    // Whole lines are copied as runs, single bytes one by one: the limit must fall at the same
    // octet either way.
    @Test(arguments: [false, true])
    func exactlyAtTheLimitIsAccepted(byteByByte: Bool) {
        let result = Self.run(Array("12345678\r\n.\r\n".utf8), byteByByte: byteByByte, maxSize: 10)
        #expect(result.finished)
        #expect(!result.decoder.tooLarge)
        #expect(result.decoder.message.count == 10)
    }

    @Test(arguments: [false, true])
    func oneOctetOverTheLimitIsTooLarge(byteByByte: Bool) {
        let result = Self.run(Array("123456789\r\n.\r\n".utf8), byteByByte: byteByByte, maxSize: 10)
        #expect(result.finished)
        #expect(result.decoder.tooLarge)
        #expect(result.decoder.octets == 11)
    }
}
