// App passwords are made by the server, never chosen: 16 random letters in four groups
// ("abcd-efgh-ijkl-mnop", about 75 bits), easy to type on a phone.

/// Generates app passwords and recognises their shape, so only logins that look like one pay for
/// checking an account's app passwords.
public enum AppPasswordFormat {
    static let alphabet = Array("abcdefghijklmnopqrstuvwxyz")
    static let groups = 4
    static let groupLength = 4

    /// A new random app password.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let letters = (0..<groups * groupLength).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
        return stride(from: 0, to: letters.count, by: groupLength)
            .map { String(letters[$0..<$0 + groupLength]) }
            .joined(separator: "-")
    }

    /// The canonical form of `text` when it is an app password typed with or without dashes or
    /// spaces, in any case; nil when it cannot be one.
    public static func canonical(_ text: String) -> String? {
        guard text.utf8.count <= 64 else { return nil }
        let letters = text.lowercased().filter { $0 != "-" && $0 != " " }
        guard letters.count == groups * groupLength, letters.allSatisfy({ alphabet.contains($0) }) else { return nil }
        let array = Array(letters)
        return stride(from: 0, to: array.count, by: groupLength)
            .map { String(array[$0..<$0 + groupLength]) }
            .joined(separator: "-")
    }
}
