@testable import FacteurServer
import Foundation
import Testing

@Suite struct MboxFormatTests {
    func lines(_ encoded: [UInt8]) -> [ArraySlice<UInt8>] {
        var result = encoded.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if result.last?.isEmpty == true { result.removeLast() }   // the final LF
        return result
    }

    @Test(arguments: [
        "Subject: a\r\n\r\nbody\r\n",
        "Subject: b\r\n\r\nFrom here\r\n>From there\r\n>>From far\r\nFromage\r\n",
        "Subject: c\r\n\r\nno final newline",
        "Subject: d\r\n\r\n\r\n\r\ntrailing blank lines\r\n\r\n",
    ])
    func mboxrdRoundTrips(message: String) {
        let bytes = Array(message.utf8)
        let encoded = MboxFormat.encode(message: bytes)
        let text = String(decoding: encoded, as: UTF8.self)
        #expect(!text.contains("\r"))
        #expect(!text.split(separator: "\n").contains { $0.hasPrefix("From ") })
        let expected = message.hasSuffix("\r\n") ? bytes : bytes + [13, 10]
        #expect(MboxFormat.decode(lines: lines(encoded)) == expected)
    }

    @Test func separatorDatesRoundTrip() throws {
        let date = Date(timeIntervalSince1970: 1_796_000_000)
        let line = MboxFormat.separatorLine(sender: "a@b.test", date: date)
        let text = String(decoding: line, as: UTF8.self)
        #expect(text.hasPrefix("From a@b.test "))
        #expect(MboxFormat.date(ofSeparator: ArraySlice(line.dropLast())) == date)
        #expect(MboxFormat.separatorLine(sender: "", date: date).starts(with: Array("From MAILER-DAEMON ".utf8)))
    }

    @Test func statusFieldsBecomeFlags() {
        let message = Array("Subject: x\r\nStatus: RO\r\nX-Status: AF\r\n\r\nStatus: R in the body\r\n".utf8)
        #expect(MboxFormat.flags(fromHeaderOf: message) == ["\\Seen", "\\Answered", "\\Flagged"])
    }

    @Test func maildirInfoLetters() {
        #expect(MaildirFormat.info(for: ["\\Seen", "\\Flagged", "$Forwarded"]) == ":2,FPS")
        #expect(MaildirFormat.flags(fromFileName: "123.abc.host:2,RST") == ["\\Answered", "\\Seen", "\\Deleted"])
        #expect(MaildirFormat.folderName(forMailbox: "Work/Projects") == ".Work.Projects")
        #expect(MaildirFormat.folderName(forMailbox: "inbox") == nil)
        #expect(MaildirFormat.mailboxName(forFolder: ".Work.Projects") == "Work/Projects")
    }
}
