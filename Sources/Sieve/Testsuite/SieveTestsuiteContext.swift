import Foundation

/// What scripts run by the testsuite see of the world: the in-memory mailstore's folders, the
/// duplicate records its executions made, and included scripts read from beside the test file.
/// A snapshot value: the testsuite makes a new one after each change.
struct SieveTestsuiteContext: SieveRuntimeContext {
    var mailboxes: Set<String>
    var duplicates: Set<String>
    /// Where to look for included scripts: the folder of the script under test, then the test's.
    var directories: [String]
    var compileOptions: SieveCompiler.Options

    func mailboxExists(_ name: String) -> Bool { mailboxes.contains(SieveTestsuiteState.canonical(name)) }

    func isDuplicate(_ key: SieveDuplicateKey) -> Bool { duplicates.contains(Self.duplicateKey(key)) }

    /// Pigeonhole's suite keeps personal includes in `included/` and global ones in
    /// `included-global/`; a script directly in the folder is found too.
    func includedScript(named name: String, location: SieveIncludeLocation) -> SieveScript? {
        guard !name.contains("/"), !name.isEmpty else { return nil }
        let folders = location == .global ? ["included-global", "global", ""] : ["included", "personal", ""]
        for directory in directories {
            if let script = includedScript(named: name, folders: folders, in: directory) { return script }
        }
        return nil
    }

    private func includedScript(named name: String, folders: [String], in directory: String) -> SieveScript? {
        for folder in folders {
            let base = folder.isEmpty ? directory : directory + "/" + folder
            for candidate in [base + "/" + name + ".sieve", base + "/" + name] {
                guard case .success(let source) = SieveTestsuiteState.readText(candidate,
                                                                               limit: compileOptions.limits.maximumScriptSize)
                else { continue }
                if case .success(let script) = SieveCompiler.compile(source, options: compileOptions) { return script }
                return nil
            }
        }
        return nil
    }

    static func duplicateKey(_ key: SieveDuplicateKey) -> String { key.handle + "\u{0}" + key.uniqueID }
}
