import Foundation
import Testing
@testable import IMAPServer
import MailStore

@Suite struct FetchMetadataTests {
    @Test func metadataItemsComeFromTheRowAndReadNothing() async throws {
        let fixture = FetchFixture(FetchMessages.simple)
        let text = try await fixture.fetchText([.flags, .uid, .internalDate, .rfc822Size, .modSequence, .emailID,
                                                .threadID, .saveDate])
        let emailID = "M" + fixture.message.contentSHA256.prefix(24)
        #expect(text == "* 3 FETCH (FLAGS (\\Seen $Forwarded) UID 7 INTERNALDATE \"14-Nov-2023 22:13:20 +0000\" "
                + "RFC822.SIZE \(fixture.message.size) MODSEQ (12345) EMAILID (\(emailID)) THREADID NIL "
                + "SAVEDATE \"14-Nov-2023 22:14:20 +0000\")\r\n")
        #expect(fixture.reader.readRanges.isEmpty)
    }

    @Test func summaryItemsReadNothingWhenMetadataIsStored() async throws {
        let fixture = FetchFixture(FetchMessages.multipart)
        _ = try await fixture.fetchText([.envelope, .body, .bodyStructure, .preview(lazy: false)])
        #expect(fixture.reader.readRanges.isEmpty)
    }

    @Test func previewComesFromTheSummary() async throws {
        let text = try await FetchFixture(FetchMessages.simple).fetchText([.preview(lazy: true)])
        #expect(text == "* 3 FETCH (PREVIEW \"Body line one Body line two\")\r\n")
        let empty = try await FetchFixture("Subject: x\r\n\r\n").fetchText([.preview(lazy: false)])
        #expect(empty == "* 3 FETCH (PREVIEW NIL)\r\n")
    }

    @Test func itemsComeInTheOrderAsked() async throws {
        let text = try await FetchFixture(FetchMessages.simple).fetchText([.uid, .flags, .uid])
        #expect(text == "* 3 FETCH (UID 7 FLAGS (\\Seen $Forwarded) UID 7)\r\n")
    }

    @Test(arguments: [
        ([IMAPFetchAttribute.flags, .uid, .envelope], false),
        ([.bodySection(IMAPSection(), partial: nil, peek: true)], false),
        ([.bodySection(IMAPSection(), partial: nil, peek: false)], true),
        ([.uid, .bodySection(IMAPSection(part: [1]), partial: IMAPPartial(offset: 0, length: 10), peek: false)], true),
        ([.binary(part: [1], partial: nil, peek: true), .binarySize(part: [1])], false),
        ([.binary(part: [1], partial: nil, peek: false)], true),
        ([.rfc822], true),
        ([.rfc822Text], true),
        ([.rfc822Header, .rfc822Size], false),
    ])
    func setsSeen(attributes: [IMAPFetchAttribute], expected: Bool) {
        #expect(IMAPFetchResponder.setsSeen(attributes) == expected)
    }

    @Test(arguments: [
        ("\\Seen", IMAPFlag.seen), ("\\SEEN", .seen), ("\\answered", .answered), ("\\Flagged", .flagged),
        ("\\Deleted", .deleted), ("\\Draft", .draft), ("\\Recent", .recent), ("$Junk", .keyword("$Junk")),
        ("\\Important", .extension("Important")),
    ])
    func storedFlags(stored: String, expected: IMAPFlag) {
        #expect(IMAPFlag(stored: stored) == expected)
    }

    @Test(arguments: [
        (0.0, " 1-Jan-1970 00:00:00 +0000"),
        (951_782_400.0, "29-Feb-2000 00:00:00 +0000"),
        (1_700_000_000.5, "14-Nov-2023 22:13:20 +0000"),
        (-1.0, "31-Dec-1969 23:59:59 +0000"),
        (4_102_444_799.0, "31-Dec-2099 23:59:59 +0000"),
    ])
    func dateTimeFromDate(seconds: Double, expected: String) throws {
        let value = try #require(IMAPDateTime(utc: Date(timeIntervalSince1970: seconds)))
        #expect(value.description == expected)
        #expect(value.secondsSince1970 == Int64(seconds.rounded(.down)))
    }

    @Test func impossibleDatesGiveNil() {
        #expect(IMAPDateTime(utc: Date(timeIntervalSince1970: .infinity)) == nil)
        #expect(IMAPDateTime(utc: Date(timeIntervalSince1970: 1e15)) == nil)
    }

    @Test func emailIDIsStableForTheSameContentAndAnObjectID() {
        let first = FetchFixture(FetchMessages.simple).message
        var copy = first
        copy.uid = 99
        copy.prefixLength = 0
        #expect(IMAPFetchResponder.emailID(of: first) == IMAPFetchResponder.emailID(of: copy))
        #expect(IMAPFetchResponder.emailID(of: first).count == 25)
        #expect(IMAPFetchResponder.emailID(of: first) != IMAPFetchResponder.emailID(of: FetchFixture(FetchMessages.multipart).message))
        var unknown = first
        unknown.contentSHA256 = ""
        #expect(IMAPFetchResponder.emailID(of: unknown) == "I42")
    }
}
