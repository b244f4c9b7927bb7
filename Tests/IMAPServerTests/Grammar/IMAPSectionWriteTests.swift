import NIOCore
import Testing
@testable import IMAPServer

/// The section written into a FETCH response must be exactly its `description` (the form the
/// responses had when the name was built as a String).
@Suite struct IMAPSectionWriteTests {
    static let sections: [(IMAPSection, String)] = [
        (IMAPSection(), ""),
        (IMAPSection(text: .header), "HEADER"),
        (IMAPSection(text: .text), "TEXT"),
        (IMAPSection(part: [1, 2], text: .mime), "1.2.MIME"),
        (IMAPSection(part: [3]), "3"),
        (IMAPSection(text: .headerFields(["FROM", "To", "MESSAGE-ID"])), "HEADER.FIELDS (FROM To MESSAGE-ID)"),
        (IMAPSection(part: [2, 10], text: .headerFieldsNot(["x-a"])), "2.10.HEADER.FIELDS.NOT (x-a)"),
        (IMAPSection(text: .headerFields([])), "HEADER.FIELDS ()"),
    ]

    @Test(arguments: sections)
    func writtenAsDescribed(_ section: IMAPSection, _ expected: String) {
        var buffer = ByteBuffer()
        section.write(into: &buffer)
        #expect(String(buffer: buffer) == expected)
        #expect(section.description == expected)
    }
}
