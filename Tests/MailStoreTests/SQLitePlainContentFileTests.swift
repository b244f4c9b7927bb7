// The POP3 "plain bytes" flag of blob files (migration v11-pop3-plain-bytes) and
// `plainContentFile`, which hands POP3 a content file to send as it lies (issue 8).
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
            let cases: [(content: [UInt8], plain: Bool)] = [
                (Self.lines(200_000), true), (dotted, false), (unterminated, false),
                (Self.lines(1000), false),   // inline in the database: never a file
            ]
            for (content, plain) in cases {
                let appended = try await behaviour.appendOne(account, MessageContent(bytes: content), prefix: prefix)
                let stored = try #require(await store.message(mailboxID: appended.mailboxID, uid: appended.uid))
                let file = try await store.plainContentFile(stored)
                #expect((file != nil) == plain, "\(content.count) octets, plain \(plain)")
                if let file {
                    #expect(file.prefix == prefix)
                    #expect(file.contentSize == content.count)
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
