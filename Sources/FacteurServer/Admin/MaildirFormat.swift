// Maildir (cur/new/tmp, one file per message) with the flag letters of the "2," info suffix, and
// the Maildir++ convention for sub-mailboxes (".Sent", ".Work.Projects").
import Foundation

enum MaildirFormat {
    /// Info letters in the ASCII order the format requires.
    static let letters: [(Character, String)] = [
        ("D", "\\Draft"), ("F", "\\Flagged"), ("P", "$Forwarded"), ("R", "\\Answered"),
        ("S", "\\Seen"), ("T", "\\Deleted"),
    ]

    static func flags(fromFileName name: String) -> [String] {
        guard let range = name.range(of: ":2,", options: .backwards) else { return [] }
        let info = name[range.upperBound...]
        return letters.compactMap { letter, flag in info.contains(letter) ? flag : nil }
    }

    static func info(for flags: [String]) -> String {
        let lower = Set(flags.map { $0.lowercased() })
        return ":2," + String(letters.compactMap { letter, flag in lower.contains(flag.lowercased()) ? letter : nil })
    }

    /// Maildir++ folder name for a mailbox: "Work/Projects" → ".Work.Projects"; INBOX is the root.
    static func folderName(forMailbox name: String) -> String? {
        if name.uppercased() == "INBOX" { return nil }
        return "." + name.replacingOccurrences(of: ".", with: "_").replacingOccurrences(of: "/", with: ".")
    }

    static func mailboxName(forFolder folder: String) -> String {
        String(folder.dropFirst()).replacingOccurrences(of: ".", with: "/")
    }

    static func isMaildir(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.appendingPathComponent("cur").path, isDirectory: &isDirectory)
            && isDirectory.boolValue
    }
}
