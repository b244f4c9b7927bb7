// Hashes made at test time by the tools administrators actually use. A row whose tool is not
// installed is skipped with a message (Debian: openssl, whois for mkpasswd, argon2).
import Foundation
import Testing
@testable import Auth

@Suite struct ToolInteropTests {
    let hasher = PasswordHasher()
    static let password = "Tr0ub4dor&3 ünïcode"

    @Test(.enabled(if: CommandLineTool.exists("openssl"), "openssl not installed"),
          arguments: ["-6", "-5", "-1"])
    func opensslPasswd(scheme: String) throws {
        let hash = try #require(try CommandLineTool.run("openssl", ["passwd", scheme, "-salt", "Fact3urSalt", "-stdin"],
                                                        input: Self.password + "\n"))
        #expect(hash.hasPrefix("$\(scheme.dropFirst())$"))
        #expect(hasher.verify(Self.password, against: hash))
        #expect(!hasher.verify("Tr0ub4dor&3", against: hash))
        #expect(hasher.needsRehash(hash))
    }

    @Test(.enabled(if: CommandLineTool.exists("mkpasswd"), "mkpasswd (Debian package whois) not installed"),
          arguments: [
            (method: "yescrypt", prefix: "$y$"),
            (method: "bcrypt", prefix: "$2b$"),
            (method: "sha512crypt", prefix: "$6$"),
          ])
    func mkpasswd(method: String, prefix: String) throws {
        let hash = try #require(try CommandLineTool.run("mkpasswd", ["--method=\(method)", "--stdin"],
                                                        input: Self.password + "\n"))
        #expect(hash.hasPrefix(prefix))
        #expect(hasher.verify(Self.password, against: hash))
        #expect(!hasher.verify(Self.password + "!", against: hash))
    }

    @Test(.enabled(if: CommandLineTool.exists("argon2"), "argon2 CLI (Debian package argon2) not installed"),
          arguments: [["-id", "-t", "2", "-k", "19456", "-p", "1"], ["-i", "-t", "3", "-k", "4096", "-p", "2"],
                      ["-d", "-t", "1", "-k", "8192", "-p", "1"]])
    func argon2CLI(options: [String]) throws {
        let hash = try #require(try CommandLineTool.run("argon2", ["somesaltvalue"] + options + ["-e"],
                                                        input: Self.password))
        #expect(hash.hasPrefix("$argon2"))
        #expect(hasher.verify(Self.password, against: hash))
        #expect(!hasher.verify(Self.password.uppercased(), against: hash))
        #expect(hasher.needsRehash(hash) == (options[0] != "-id"))
    }

    @Test(.enabled(if: CommandLineTool.exists("argon2"), "argon2 CLI (Debian package argon2) not installed"))
    func ourEncodingMatchesTheReferenceCLI() throws {
        // Same password, salt and parameters: the PHC strings must be identical byte for byte.
        let ours = try hasher.hash(Self.password, salt: Array("facteur-16-bytes".utf8))
        let theirs = try #require(try CommandLineTool.run(
            "argon2", ["facteur-16-bytes", "-id", "-t", "2", "-k", "19456", "-p", "1", "-e"], input: Self.password))
        #expect(ours == theirs)
    }
}
