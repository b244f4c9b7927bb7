// THREAD=ORDEREDSUBJECT and THREAD=REFERENCES (RFC 5256 §3): the RFC's response example, reply
// chains, dummies, subject merging, duplicate ids, loops and depth.

import Foundation
import IMAPServer
import Testing

@Suite("THREAD algorithms")
struct IMAPThreaderTests {
    /// A message whose sent date is its sequence number unless given.
    static func message(_ seq: UInt32, _ subject: String = "", id: String? = nil, references: [String] = [],
                        sent: Double? = nil) -> SortableMessage {
        SortableMessage(sequenceNumber: seq, uid: seq * 10, arrival: Date(timeIntervalSince1970: 0),
                        sentDate: Date(timeIntervalSince1970: sent ?? Double(seq)), size: 0, subject: subject,
                        messageID: id, references: references)
    }

    static func thread(_ messages: [SortableMessage], _ algorithm: IMAPThreadAlgorithm, byUID: Bool = false) -> String {
        IMAPThreader.thread(messages, algorithm: algorithm, byUID: byUID).encoded
    }

    @Test("ORDEREDSUBJECT: groups by base subject, first message is the root, the others its children")
    func orderedSubject() {
        let messages = [
            Self.message(1, "alpha", sent: 10), Self.message(2, "Re: alpha", sent: 20), Self.message(3, "beta", sent: 5),
            Self.message(4, "RE: Alpha", sent: 30), Self.message(5, "Fwd: beta", sent: 40), Self.message(6, "gamma", sent: 50),
        ]
        #expect(Self.thread(messages, .orderedSubject) == "(3 5)(1 (2)(4))(6)")
        #expect(Self.thread(messages, .orderedSubject, byUID: true) == "(30 50)(10 (20)(40))(60)")
        #expect(Self.thread([], .orderedSubject) == "")
    }

    @Test("REFERENCES: the RFC 5256 §4 example tree (2)(3 6 (4 23)(44 7 96))")
    func rfcExample() {
        func id(_ n: UInt32) -> String { "\(n)@example.test" }
        let messages = [
            Self.message(2, "two", id: id(2)),
            Self.message(3, "three", id: id(3)),
            Self.message(4, "four", id: id(4), references: [id(3), id(6)]),
            Self.message(6, "six", id: id(6), references: [id(3)]),
            Self.message(7, "seven", id: id(7), references: [id(3), id(6), id(44)]),
            Self.message(23, "twenty-three", id: id(23), references: [id(3), id(6), id(4)]),
            Self.message(44, "forty-four", id: id(44), references: [id(6)]),
            Self.message(96, "ninety-six", id: id(96), references: [id(44), id(7)]),
        ]
        #expect(Self.thread(messages, .references) == "(2)(3 6 (4 23)(44 7 96))")
    }

    @Test("REFERENCES: siblings under a missing parent share a dummy, ((3)(5))")
    func missingParent() {
        let messages = [
            Self.message(1, "other", id: "1@x"),
            Self.message(3, "first", id: "3@x", references: ["gone@x"]),
            Self.message(5, "second", id: "5@x", references: ["gone@x"]),
        ]
        #expect(Self.thread(messages, .references) == "(1)((3)(5))")
    }

    @Test("REFERENCES: a lone child of a missing parent is promoted, not wrapped")
    func loneChildPromoted() {
        let messages = [Self.message(1, "a", id: "1@x", references: ["gone@x"])]
        #expect(Self.thread(messages, .references) == "(1)")
    }

    @Test("REFERENCES: In-Reply-To only (one reference) and truncated References keep the last link")
    func parentFromLastReference() {
        let messages = [
            Self.message(1, "a", id: "1@x"),
            Self.message(2, "b", id: "2@x", references: ["1@x"]),
            Self.message(3, "c", id: "3@x", references: ["2@x"]),
        ]
        #expect(Self.thread(messages, .references) == "(1 2 3)")
    }

    @Test("REFERENCES: same subject, reply becomes a child; two originals share a dummy")
    func subjectMerging() {
        let reply = [Self.message(1, "hello", id: "1@x"), Self.message(2, "Re: hello", id: "2@x")]
        #expect(Self.thread(reply, .references) == "(1 2)")
        let twins = [Self.message(1, "hello", id: "1@x"), Self.message(2, "HELLO", id: "2@x"), Self.message(3, "bye", id: "3@x")]
        #expect(Self.thread(twins, .references) == "((1)(2))(3)")
        // Empty subjects never merge.
        let empty = [Self.message(1, "", id: "1@x"), Self.message(2, "Re:", id: "2@x")]
        #expect(Self.thread(empty, .references) == "(1)(2)")
    }

    @Test("REFERENCES: a duplicate Message-ID is used by the first message only")
    func duplicateIDs() {
        let messages = [
            Self.message(1, "a", id: "dup@x"),
            Self.message(2, "b", id: "dup@x"),
            Self.message(3, "c", id: "3@x", references: ["dup@x"]),
        ]
        #expect(Self.thread(messages, .references) == "(1 3)(2)")
    }

    @Test("REFERENCES: loops in References are not followed", arguments: [
        [("a@x", ["b@x"]), ("b@x", ["a@x"])],
        [("a@x", ["a@x"])],
        [("a@x", ["b@x", "c@x", "b@x"]), ("b@x", ["c@x", "a@x"]), ("c@x", ["a@x", "b@x"])],
    ] as [[(String, [String])]])
    func loops(_ spec: [(String, [String])]) {
        let messages = spec.enumerated().map { index, item in
            Self.message(UInt32(index + 1), "s\(index)", id: item.0, references: item.1)
        }
        let list = IMAPThreader.thread(messages, algorithm: .references, byUID: false)
        let numbers = list.items.compactMap { item -> UInt32? in if case .number(let n) = item { n } else { nil } }
        #expect(numbers.sorted() == messages.map(\.sequenceNumber))
        let opens = list.items.filter { $0 == .open }.count, closes = list.items.filter { $0 == .close }.count
        #expect(opens == closes)
    }

    @Test("REFERENCES: siblings are ordered by sent date, ties by sequence number")
    func siblingOrder() {
        let messages = [
            Self.message(1, "root", id: "1@x", sent: 100),
            Self.message(2, "b", id: "2@x", references: ["1@x"], sent: 300),
            Self.message(3, "c", id: "3@x", references: ["1@x"], sent: 200),
            Self.message(4, "d", id: "4@x", references: ["1@x"], sent: 200),
            Self.message(5, "early", id: "5@x", sent: 50),
        ]
        #expect(Self.thread(messages, .references) == "(5)(1 (3)(4)(2))")
    }

    @Test("a 20,000-message reply chain threads without recursion")
    func deepChain() {
        let count: UInt32 = 20_000
        let messages = (1...count).map { n in
            Self.message(n, "chain", id: "\(n)@x", references: n > 1 ? ["\(n - 1)@x"] : [])
        }
        let text = Self.thread(messages, .references)
        #expect(text.hasPrefix("(1 2 3 4 "))
        #expect(text.hasSuffix(" \(count))"))
    }
}
