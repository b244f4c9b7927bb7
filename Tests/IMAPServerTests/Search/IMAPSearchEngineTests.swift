// SEARCH keys evaluated over the fixture mailbox (RFC 9051 §6.4.4, RFC 3501 §6.4.4): one table
// per key family, expected results as UIDs (sequence numbers 1–4 are UIDs 10, 20, 30, 40).

import Foundation
import Testing
@testable import IMAPServer

@Suite struct IMAPSearchEngineTests {
    typealias Case = (key: IMAPSearchKey, expected: [UInt32])

    static let flagCases: [Case] = [
        (.all, [10, 20, 30, 40]),
        (.seen, [10]), (.unseen, [20, 30, 40]),
        (.flagged, [20]), (.unflagged, [10, 30, 40]),
        (.answered, [30]), (.unanswered, [10, 20, 40]),
        (.deleted, [30]), (.undeleted, [10, 20, 40]),
        (.draft, [30]), (.undraft, [10, 20, 40]),
        (.keyword("$label1"), [20]), (.keyword("$Label1"), [20]), (.keyword("$Other"), []),
        (.unkeyword("$LABEL1"), [10, 30, 40]),
        // No \Recent in this server: RECENT and NEW match nothing, OLD everything (RFC 3501 §6.4.4).
        (.recent, []), (.new, []), (.old, [10, 20, 30, 40]),
        (.modSequence(IMAPSearchModSequence(value: 12)), [20, 30]),
        (.modSequence(IMAPSearchModSequence(flag: .seen, entryType: .all, value: 6)), [20, 30, 40]),
    ]

    @Test(arguments: flagCases)
    func flagsAndModSequence(_ key: IMAPSearchKey, _ expected: [UInt32]) async throws {
        #expect(try await SearchFixtures.search(key) == expected)
    }

    static let setCases: [Case] = [
        (.sequenceNumbers(.single(2)), [20]),
        (.sequenceNumbers(.ranges([.init(.number(2), .last)])), [20, 30, 40]),
        (.sequenceNumbers(.ranges([.init(.number(4), .number(2))])), [20, 30, 40]),   // "4:2" = "2:4"
        (.sequenceNumbers(.ranges([.init(.last)])), [40]),
        (.sequenceNumbers(.ranges([.init(.number(1)), .init(.number(3), .number(3)), .init(.number(9))])), [10, 30]),
        (.uid(.range(15, 35)), [20, 30]),
        (.uid(.single(20)), [20]),
        (.uid(.single(21)), []),
        // RFC 9051 §9: "*" is the largest UID, so 100:* is 40:100 and includes the last message.
        (.uid(.ranges([.init(.number(100), .last)])), [40]),
        (.uid(.ranges([.init(.last), .init(.number(10))])), [10, 40]),
        (.uid(.lastCommand), [20, 40]),
        (.sequenceNumbers(.lastCommand), [20, 40]),   // `$` is a set of UIDs either way (RFC 5182)
    ]

    @Test(arguments: setCases)
    func sequenceAndUIDSets(_ key: IMAPSearchKey, _ expected: [UInt32]) async throws {
        #expect(try await SearchFixtures.search(key, savedResult: [40, 20]) == expected)
    }

    @Test func savedResultDefaultsToEmpty() async throws {
        #expect(try await SearchFixtures.search(.uid(.lastCommand), savedResult: nil) == [])
    }

    @Test func starMeansTheMailboxHighestEvenForASubsetOfCandidates() async throws {
        let (candidates, reader) = SearchFixtures.mailbox()
        let engine = IMAPSearchEngine(reader: reader)
        let subset = Array(candidates.prefix(2))
        let bySequence = try await engine.search(.sequenceNumbers(.ranges([.init(.last)])), candidates: subset,
                                                 highestSequenceNumber: 4, highestUID: 40, savedResult: nil)
        #expect(bySequence.isEmpty)
        let byUID = try await engine.search(.uid(.ranges([.init(.number(15), .last)])), candidates: subset,
                                            highestSequenceNumber: 4, highestUID: 40, savedResult: nil)
        #expect(byUID.map(\.sequenceNumber) == [2])
    }

    static let dateAndSizeCases: [Case] = [
        // Internal dates (UTC days): 2024-01-02, 2024-02-15 23:30, 2024-03-01, 2024-03-10.
        (.before(.day(2024, 2, 15)), [10]),
        (.on(.day(2024, 2, 15)), [20]),
        (.since(.day(2024, 2, 15)), [20, 30, 40]),
        (.since(.day(2024, 3, 11)), []),
        // Date: headers, in the sender's zone: 2024-01-01 (-0500), 2024-02-15, none, 2024-03-10.
        (.sentOn(.day(2024, 1, 1)), [10]),
        (.sentOn(.day(2024, 1, 2)), []),
        (.sentBefore(.day(2024, 2, 15)), [10]),
        (.sentSince(.day(2024, 2, 15)), [20, 40]),
        (.not(.sentSince(.day(2024, 2, 15))), [10, 30]),   // no Date: header, no sent date
        // Save dates (RFC 8514): 2024-01-02, 2024-04-01, 2024-03-01, 2024-03-10.
        (.savedSince(.day(2024, 3, 10)), [20, 40]),
        (.savedOn(.day(2024, 3, 1)), [30]),
        (.savedBefore(.day(2024, 3, 1)), [10]),
        (.savedDateSupported, [10, 20, 30, 40]),
        // RFC 5032 with now = 2024-03-11 00:00 UTC.
        (.younger(86_400 * 2), [40]),
        (.older(86_400 * 10), [10, 20, 30]),          // 30 is exactly 10 days old: "<= target"
        (.older(86_400 * 10 + 1), [10, 20]),
    ]

    @Test(arguments: dateAndSizeCases)
    func dates(_ key: IMAPSearchKey, _ expected: [UInt32]) async throws {
        #expect(try await SearchFixtures.search(key) == expected)
    }

    @Test func sizes() async throws {
        let (candidates, _) = SearchFixtures.mailbox()
        let sizes = candidates.map { UInt64($0.message.size) }
        #expect(try await SearchFixtures.search(.larger(sizes[3])) == [])
        #expect(try await SearchFixtures.search(.larger(sizes[3] - 1)) == [40])
        #expect(try await SearchFixtures.search(.smaller(sizes[0])) == candidates.filter { $0.message.size < sizes[0] }.map(\.uid))
        #expect(try await SearchFixtures.search(.smaller(sizes[0] + 1)).contains(10))
        #expect(try await SearchFixtures.search(.smaller(0)) == [])
        #expect(try await SearchFixtures.search(.larger(.max)) == [])
    }

    static let addressCases: [Case] = [
        (.from("alice"), [10]),
        (.from("ALICE EXAMPLE"), [10]),
        (.from("<alice@example.org>"), [10]),
        (.from("André"), [20]),                 // =?ISO-8859-1?Q?Andr=E9?=
        (.from("ANDRÉ"), [20]),
        (.from("example.com"), [30, 40]),
        (.to("bob@"), [10, 20, 30, 40]),
        (.to("Bob <bob"), [10]),
        (.cc("carol"), [20]),
        (.bcc("eve@example.com"), [30]),
        (.bcc("carol"), []),
        (.subject("hello"), [10]),
        (.subject("café"), [20]),               // =?UTF-8?B?...?= "Café crème"
        (.subject("CRÈME"), [20]),
        (.subject("Cafe\u{301}"), [20]),        // decomposed é equals precomposed
        (.subject("Inner"), []),                // the attached message's subject is not the subject
        (.subject(""), [10, 20, 30, 40]),
    ]

    @Test(arguments: addressCases)
    func envelopeStrings(_ key: IMAPSearchKey, _ expected: [UInt32]) async throws {
        #expect(try await SearchFixtures.search(key) == expected)
    }

    static let headerCases: [Case] = [
        (.header(field: "X-Custom", value: ""), [20]),
        (.header(field: "x-custom", value: "SPAM-SCORE 5"), [20]),   // unfolded
        (.header(field: "X-Custom", value: "nothing"), []),
        (.header(field: "Message-ID", value: "<one@example.org>"), [10]),
        (.header(field: "Date", value: ""), [10, 20, 40]),
        (.header(field: "Subject", value: "crème"), [20]),           // decoded
        (.header(field: "From", value: "andré"), [20]),
        (.header(field: "Cc", value: ""), [20]),
        (.header(field: "Return-Path", value: "bounce@lists"), [10, 20, 30, 40]),   // the prefix lines
        (.header(field: "Content-Type", value: "multipart/mixed"), [30, 40]),
        (.header(field: "Content-Type", value: "application/pdf"), []),   // a MIME header, not the message's
    ]

    @Test(arguments: headerCases)
    func headers(_ key: IMAPSearchKey, _ expected: [UInt32]) async throws {
        #expect(try await SearchFixtures.search(key) == expected)
    }

    static let bodyCases: [Case] = [
        (.body("QUICK brown"), [10]),
        (.body("cœur a ses"), [20]),               // base64, UTF-8
        (.body("CŒUR"), [20]),
        (.body("connaît"), [20]),
        (.body("grüße aus münchen"), [30]),         // quoted-printable, ISO-8859-1
        (.body("straßenbahnfahrerin"), [30]),       // soft line break joined
        (.body("hello bold world & more"), [30]),   // HTML: tags become spaces, entities decoded
        (.body("été"), [30]),
        (.body("<b>"), []),
        (.body("secretword"), []),                  // script content is not text
        (.body("hotpink"), []),                     // nor is style
        (.body("hiddenword"), []),                  // application/pdf is not searched
        (.body("pizza"), [40]),                     // text inside an attached message
        (.body("alice"), []),                       // BODY does not look at headers
        (.body("Hello World"), []),
        (.body(""), [10, 20, 30, 40]),
    ]

    @Test(arguments: bodyCases)
    func bodies(_ key: IMAPSearchKey, _ expected: [UInt32]) async throws {
        #expect(try await SearchFixtures.search(key) == expected)
    }

    static let textCases: [Case] = [
        (.text("alice"), [10]),                     // header
        (.text("quick"), [10]),                     // body
        (.text("Hello"), [10, 30]),                 // subject of 10, HTML of 30
        (.text("café"), [20]),                      // decoded subject
        (.text("report.pdf"), [30]),                // MIME header of a part
        (.text("Inner subject"), [40]),             // header of the attached message
        (.text("Delivered-To: bob"), [10, 20, 30, 40]),
        (.text("hiddenword"), []),
    ]

    @Test(arguments: textCases)
    func text(_ key: IMAPSearchKey, _ expected: [UInt32]) async throws {
        #expect(try await SearchFixtures.search(key) == expected)
    }

    static let logicCases: [Case] = [
        (.and([.unseen, .undeleted]), [20, 40]),
        (.and([.unseen, .from("example.com")]), [30, 40]),
        (.or(.seen, .flagged), [10, 20]),
        (.not(.or(.seen, .flagged)), [30, 40]),
        (.not(.not(.seen)), [10]),
        (.or(.body("pizza"), .uid(.single(10))), [10, 40]),
        (.or(.and([.deleted, .body("münchen")]), .not(.or(.subject("hello"), .text("café")))), [30, 40]),
        (.and([.not(.body("pizza")), .or(.header(field: "Cc", value: ""), .bcc("eve"))]), [20, 30]),
        (.and([.all, .not(.all)]), []),
        (.and([]), [10, 20, 30, 40]),
        (.or(.recent, .old), [10, 20, 30, 40]),
        (.not(.new), [10, 20, 30, 40]),
    ]

    @Test(arguments: logicCases)
    func andOrNot(_ key: IMAPSearchKey, _ expected: [UInt32]) async throws {
        #expect(try await SearchFixtures.search(key) == expected)
    }

    @Test func cheapKeysDecideBeforeBytesAreRead() async throws {
        let (candidates, reader) = SearchFixtures.mailbox()
        let engine = IMAPSearchEngine(reader: reader)
        _ = try await engine.search(.and([.or(.seen, .flagged), .unflagged, .larger(10)]), candidates: candidates,
                                    highestSequenceNumber: 4, highestUID: 40, savedResult: nil)
        #expect(reader.readUIDs.isEmpty)
        // The body key comes first but runs last, only for the one \Seen message, and reads just its
        // text part (the summary comes from the row's metadata).
        let matches = try await engine.search(.and([.body("fox"), .seen]), candidates: candidates,
                                              highestSequenceNumber: 4, highestUID: 40, savedResult: nil)
        #expect(matches.map(\.uid) == [10])
        #expect(Set(reader.readUIDs) == [10])
        #expect(reader.readUIDs.count == 1)
    }

    @Test func charsets() {
        #expect(IMAPSearchEngine.supportsCharset("UTF-8"))
        #expect(IMAPSearchEngine.supportsCharset("utf-8"))
        #expect(IMAPSearchEngine.supportsCharset("us-ascii"))
        #expect(!IMAPSearchEngine.supportsCharset("ISO-8859-1"))
        #expect(!IMAPSearchEngine.supportsCharset("KOI8-R"))
        #expect(IMAPSearchEngine.supportedCharsets == ["UTF-8", "US-ASCII"])
    }

    @Test func nestingBeyondTheLimitIsRefused() async throws {
        var key = IMAPSearchKey.seen
        for _ in 0..<(IMAPSearchEngine.maximumNestingDepth + 1) { key = .not(key) }
        await #expect(throws: IMAPSearchError.nestingTooDeep) {
            _ = try await SearchFixtures.search(key)
        }
        var allowed = IMAPSearchKey.seen
        for _ in 0..<32 { allowed = .not(allowed) }
        #expect(try await SearchFixtures.search(allowed) == [10])
    }
}
