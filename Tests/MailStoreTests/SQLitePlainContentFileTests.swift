// The POP3 "plain bytes" flag of blob files (migration v11-pop3-plain-bytes), their dot-line
// offsets (v13-pop3-dot-offsets) and `plainContentFile`, which hands POP3 a content file to send
// by sendfile (issue 8).
import Foundation
import GRDB
import Testing
@testable import MailStore
#if canImport(Glibc)
import Glibc
#endif

@Suite struct SQLitePlainContentFileTests {
    @Test(arguments: [
        ("a\r\n", true), ("a.b\r\n.\r\n", false), (".a\r\n", false), ("a\r\n.b\r\n", false),
        ("a\n.b\r\n", false), ("a. b\r\nc.\r\n", true), ("abc", false), ("abc\n", false), ("\r\n", true), ("", false),
    ])
    func plainBytesCheck(text: String, plain: Bool) {
        #expect(PlainBytes.check(Array(text.utf8)) == plain, "\(text.debugDescription)")
    }

    @Test(arguments: [
        ("a\r\n", [Int]?.some([])), (".a\r\n", [0]), ("a\r\n.b\r\n..\r\n", [3, 7]), ("a\n.b\r\n", [2]),
        ("a. b\r\nc.\r\n", []), ("x\r\n.\r\n", [3]), (".a\r\nb", nil), ("abc\n", nil), ("", nil),
    ])
    func dotLineOffsetsFindEveryLineStartingWithADot(text: String, offsets: [Int]?) {
        #expect(DotLineOffsets.find(in: Array(text.utf8)) == offsets, "\(text.debugDescription)")
        // The same verdict as the plain flag when there are none.
        #expect((DotLineOffsets.find(in: Array(text.utf8)) == []) == PlainBytes.check(Array(text.utf8)))
    }

    @Test func dotLineOffsetsAreBounded() {
        let lines = Array(repeating: Array(".x\r\n".utf8), count: 5).flatMap { $0 }
        #expect(DotLineOffsets.find(in: lines, limit: 5) == [0, 4, 8, 12, 16])
        #expect(DotLineOffsets.find(in: lines, limit: 4) == nil)
    }

    @Test func dotLineOffsetsRoundTripAndRefuseDamagedColumns() {
        let offsets = [0, 7, 70_000, 5_000_000]
        let encoded = [UInt8](DotLineOffsets.encode(offsets))
        #expect(encoded.count == 32)
        #expect(DotLineOffsets.decode(encoded, contentSize: 5_000_001) == offsets)
        #expect(DotLineOffsets.decode([], contentSize: 10) == [])
        #expect(DotLineOffsets.decode(encoded, contentSize: 5_000_000) == nil)        // past the end
        #expect(DotLineOffsets.decode(Array(encoded.dropLast()), contentSize: 5_000_001) == nil)   // torn
        #expect(DotLineOffsets.decode([UInt8](DotLineOffsets.encode([7, 7])), contentSize: 10) == nil)  // not ascending
        let tooMany = [UInt8](DotLineOffsets.encode(Array(0...DotLineOffsets.limit)))
        #expect(DotLineOffsets.decode(tooMany, contentSize: 1000) == nil)
    }

    /// Base64-like lines without dots, `count` octets ending with CRLF.
    static func lines(_ count: Int) -> [UInt8] {
        let line = Array("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\r\n".utf8)
        var bytes: [UInt8] = []
        while bytes.count < count { bytes += line }
        bytes.removeLast(bytes.count - count)
        bytes[count - 2] = UInt8(ascii: "\r")
        bytes[count - 1] = UInt8(ascii: "\n")
        return bytes
    }

    /// The whole file behind `file`, read with pread (its offset is not the caller's business).
    static func contents(_ file: PlainContentFile) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: file.contentSize)
        let read = bytes.withUnsafeMutableBytes { pread(file.descriptor, $0.baseAddress, $0.count, 0) }
        return read == file.contentSize ? bytes : []
    }

    @Test func onlyPlainFileContentsAreHandedOut() async throws {
        try await SQLiteMailStoreFixture.run { fixture, behaviour in
            let store = fixture.sqliteStore
            let account = try await behaviour.makeAccount("alice@example.test")
            let prefix = Array("Delivered-To: alice@example.test\r\n.dot in the prefix\r\n".utf8)
            var dotted = Self.lines(200_000)
            dotted[100_000 - 1] = UInt8(ascii: "\n")
            dotted[100_000] = UInt8(ascii: ".")   // after an LF: a line starting with "."
            var unterminated = Self.lines(200_000)
            unterminated[199_999] = UInt8(ascii: "x")
            var manyDots = Self.lines(200_000)
            for line in 0...DotLineOffsets.limit { manyDots[line * 78] = UInt8(ascii: ".") }
            let cases: [(content: [UInt8], plain: Bool, dots: [Int])] = [
                (Self.lines(200_000), true, []), (dotted, true, [100_000]), (unterminated, false, []),
                (manyDots, false, []),       // more dot lines than recorded: stuffed as before
                (Self.lines(1000), false, []),   // inline in the database: never a file
            ]
            for (content, plain, dots) in cases {
                let appended = try await behaviour.appendOne(account, MessageContent(bytes: content), prefix: prefix)
                let stored = try #require(await store.message(mailboxID: appended.mailboxID, uid: appended.uid))
                let file = try await store.plainContentFile(stored)
                #expect((file != nil) == plain, "\(content.count) octets, plain \(plain)")
                if let file {
                    #expect(file.prefix == prefix)
                    #expect(file.contentSize == content.count)
                    #expect(file.dotLineOffsets == dots)
                    #expect(Self.contents(file) == content)
                }
            }
        }
    }

    /// A file stored before the migration has no flag: no file is handed out (RETR streams and
    /// stuffs it as before) until the same body is appended again, which records the flag.
    @Test func filesStoredBeforeTheMigrationGetTheirFlagLazily() async throws {
        try await SQLiteMailStoreFixture.run { fixture, behaviour in
            let store = fixture.sqliteStore
            let account = try await behaviour.makeAccount("alice@example.test")
            let content = MessageContent(bytes: Self.lines(150_000))
            let first = try await behaviour.appendOne(account, content)
            let stored = try #require(await store.message(mailboxID: first.mailboxID, uid: first.uid))
            try await store.pool.write { db in try db.execute(sql: "UPDATE blobs SET pop3_plain = NULL") }
            #expect(try await store.plainContentFile(stored) == nil)
            _ = try await behaviour.appendOne(account, content)
            #expect(try await store.plainContentFile(stored) != nil)
        }
    }

    /// Dot offsets stored before migration v13 are missing: the file is handed out once the same
    /// body is appended again; a damaged column hands out nothing (the message is stuffed).
    @Test func dotOffsetsComeLazilyAndAreChecked() async throws {
        try await SQLiteMailStoreFixture.run { fixture, behaviour in
            let store = fixture.sqliteStore
            let account = try await behaviour.makeAccount("alice@example.test")
            var bytes = Self.lines(150_000)
            bytes[78] = UInt8(ascii: ".")
            let content = MessageContent(bytes: bytes)
            let first = try await behaviour.appendOne(account, content)
            let stored = try #require(await store.message(mailboxID: first.mailboxID, uid: first.uid))
            #expect(try await store.plainContentFile(stored)?.dotLineOffsets == [78])
            try await store.pool.write { db in try db.execute(sql: "UPDATE blobs SET pop3_dot_offsets = NULL") }
            #expect(try await store.plainContentFile(stored) == nil)
            _ = try await behaviour.appendOne(account, content)
            #expect(try await store.plainContentFile(stored)?.dotLineOffsets == [78])
            try await store.pool.write { db in
                try db.execute(sql: "UPDATE blobs SET pop3_dot_offsets = ?", arguments: [DotLineOffsets.encode([200_000])])
            }
            #expect(try await store.plainContentFile(stored) == nil)
        }
    }

    @Test func anExpungedMessageHasNoFile() async throws {
        try await SQLiteMailStoreFixture.run { fixture, behaviour in
            let store = fixture.sqliteStore
            let account = try await behaviour.makeAccount("alice@example.test")
            let appended = try await behaviour.appendOne(account, MessageContent(bytes: Self.lines(120_000)))
            let stored = try #require(await store.message(mailboxID: appended.mailboxID, uid: appended.uid))
            #expect(try await store.plainContentFile(stored) != nil)
            _ = try await store.expunge(mailboxID: appended.mailboxID, uids: [appended.uid])
            #expect(try await store.plainContentFile(stored) == nil)
        }
    }
}
