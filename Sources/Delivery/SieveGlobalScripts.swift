// The administrator's Sieve scripts: the one run before every user's script (`[sieve] before`)
// and the directory `include :global` reads from (`[sieve] global_dir`, RFC 6609 §3.2). They are
// read on each delivery, so an edit applies to the next message without a restart.
import Foundation

struct SieveGlobalScripts: Sendable {
    /// The path of the script run before users' scripts, or nil.
    var beforePath: String?
    /// The directory holding `NAME.sieve` files for `include :global "NAME"`, or nil.
    var directory: String?
    /// Larger files are refused (the compiler would refuse them too, after reading them).
    var maximumSize: Int

    /// The source of the before-script; nil when none is configured; an error when unreadable.
    func beforeSource() throws -> String? {
        guard let beforePath else { return nil }
        return try Self.read(beforePath, maximumSize: maximumSize)
    }

    /// The source of global script `name`, nil when there is none. Names are data, never paths
    /// (DESIGN.md rule 3): ones that could leave the directory are refused.
    func source(named name: String) -> String? {
        guard let directory, !name.isEmpty, name.utf8.count <= 255, !name.hasPrefix("."),
              !name.unicodeScalars.contains(where: { $0 == "/" || $0 == "\\" || $0.value < 0x20 || $0.value == 0x7F })
        else { return nil }
        return try? Self.read((directory as NSString).appendingPathComponent(name + ".sieve"), maximumSize: maximumSize)
    }

    private static func read(_ path: String, maximumSize: Int) throws -> String {
        let url = URL(fileURLWithPath: path)
        let size = try url.resourceValues(forKeys: [.fileSizeKey]).fileSize ?? 0
        guard size <= maximumSize else { throw CocoaError(.fileReadTooLarge) }
        let data = try Data(contentsOf: url)
        guard let text = String(data: data, encoding: .utf8) else { throw CocoaError(.fileReadInapplicableStringEncoding) }
        return text
    }
}
