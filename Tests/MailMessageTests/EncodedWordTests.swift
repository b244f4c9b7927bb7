import Testing
@testable import MailMessage

@Suite("RFC 2047 encoded words")
struct EncodedWordTests {
    // RFC 2047 §8 examples.
    @Test("RFC 2047 §8", arguments: [
        ("(=?ISO-8859-1?Q?a?=)", "(a)"),
        ("(=?ISO-8859-1?Q?a?= b)", "(a b)"),
        ("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)", "(ab)"),
        ("(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)", "(ab)"),
        ("(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)", "(ab)"),
        ("(=?ISO-8859-1?Q?a_b?=)", "(a b)"),
        ("(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)", "(a b)"),
        ("=?US-ASCII?Q?Keith_Moore?=", "Keith Moore"),
        ("=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?=", "Keld Jørn Simonsen"),
        ("=?ISO-8859-1?Q?Andr=E9?= Pirard", "André Pirard"),
        ("=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?= =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?=",
         "If you can read this you understand the example."),
    ])
    func rfcExamples(input: String, expected: String) {
        #expect(EncodedWord.decode(input) == expected)
    }

    @Test("charsets and leniency", arguments: [
        ("=?utf-8?B?4pyTIGNoZWNr?=", "✓ check"),
        ("=?UTF-8?q?caf=C3=A9?=", "café"),
        ("=?iso-8859-15?q?=A4?=", "€"),
        ("=?windows-1252?q?=80_=93quoted=94?=", "€ “quoted”"),
        ("=?utf-8*en?q?hi?=", "hi"),                                       // RFC 2231 §5 language
        ("=?utf-8?B?4pyT?= =?utf-8?B?IGNoZWNr?=", "✓ check"),
        ("=?utf-8?B?8J+Y?= =?utf-8?B?gA==?=", "😀"),                          // character split across words
        ("=?x-unknown?q?abc?= tail", "=?x-unknown?q?abc?= tail"),          // unknown charset: raw
        ("plain text", "plain text"),
        ("=?utf-8?q?broken", "=?utf-8?q?broken"),
        ("a =?utf-8?x?bad?= b", "a =?utf-8?x?bad?= b"),
        ("=??q?x?=", "=??q?x?="),
    ])
    func decoding(input: String, expected: String) {
        #expect(EncodedWord.decode(input) == expected)
    }
}

@Suite("Content decoders")
struct ContentDecoderTests {
    @Test("base64", arguments: [
        ("aGVsbG8=", "hello"),
        ("aGVs\r\nbG8=", "hello"),
        ("aGVsbG8", "hello"),              // missing padding
        ("a*G!Vs bG8=", "hello"),          // garbage ignored
        ("", ""),
    ])
    func base64(input: String, expected: String) {
        #expect(String(decoding: Base64Decoder.decode(Array(input.utf8)), as: UTF8.self) == expected)
    }

    @Test func base64IsBounded() {
        let input = Array(String(repeating: "QUJD", count: 1000).utf8)
        #expect(Base64Decoder.decode(input, maximumLength: 10).count == 10)
    }

    @Test("quoted-printable", arguments: [
        ("caf=C3=A9", "café"),
        ("caf=c3=a9", "café"),
        ("soft=\r\nbreak", "softbreak"),
        ("soft=\nbreak", "softbreak"),
        ("trail= \r\nx", "trailx"),
        ("bad=ZZ end=", "bad=ZZ end="),
        ("a_b", "a_b"),
    ])
    func quotedPrintable(input: String, expected: String) {
        #expect(String(decoding: QuotedPrintableDecoder.decode(Array(input.utf8)), as: UTF8.self) == expected)
    }

    @Test("charset names", arguments: [
        ("utf-8", [0xC3, 0xA9] as [UInt8], "é"),
        ("ISO-8859-1", [0xE9], "é"),
        ("latin1", [0xE9], "é"),
        ("us-ascii", [0x41], "A"),
        ("windows-1252", [0x80, 0x99], "€™"),
        ("iso-8859-15", [0xBD], "œ"),
    ])
    func charsets(name: String, bytes: [UInt8], expected: String) {
        #expect(Charset.decode(bytes, charset: name) == expected)
    }

    @Test func unknownCharsetIsNil() {
        #expect(Charset.decode([0x41], charset: "x-klingon") == nil)
    }
}
