// libsodium (the fast path) and libargon2 (the fallback) must read each other's Argon2 strings and
// the reference CLI's, and must tell a wrong password from a string libsodium does not take.
import Foundation
import Testing
@testable import Auth

@Suite struct Argon2LibraryInteropTests {
    static let password = "Tr0ub4dor&3 ünïcode"
    static let wrongPasswords = ["Tr0ub4dor&3 ünïcodE", "Tr0ub4dor&3 ünïcode ", "", "Tr0ub4dor&3 unicode"]

    static func configuration(memoryKiB: UInt32, iterations: UInt32, parallelism: UInt32 = 1,
                              saltLength: Int = 16, hashLength: Int = 32) -> PasswordHasher.Configuration {
        var configuration = PasswordHasher.Configuration(memoryKiB: memoryKiB, iterations: iterations,
                                                         parallelism: parallelism)
        configuration.saltLength = saltLength
        configuration.hashLength = hashLength
        return configuration
    }

    @Test(arguments: [(19_456, 2), (8, 1), (1_024, 3), (65_536, 1)] as [(UInt32, UInt32)])
    func sodiumHashesVerifyThroughLibArgon2(memoryKiB: UInt32, iterations: UInt32) throws {
        let configuration = Self.configuration(memoryKiB: memoryKiB, iterations: iterations)
        let hash = try #require(SodiumArgon2.hashArgon2id(Self.password, configuration: configuration))
        #expect(hash.hasPrefix("$argon2id$v=19$m=\(memoryKiB),t=\(iterations),p=1$"))
        #expect(LibArgon2.verify(Self.password, against: hash, variant: .argon2id))
        #expect(SodiumArgon2.verify(Self.password, against: hash, variant: .argon2id) == .match)
        for wrong in Self.wrongPasswords {
            #expect(!LibArgon2.verify(wrong, against: hash, variant: .argon2id))
            #expect(SodiumArgon2.verify(wrong, against: hash, variant: .argon2id) == .mismatch)
        }
    }

    /// libargon2 hashes of every shape it writes, including ones libsodium could not have made:
    /// libsodium 1.0.18 (Debian 12) still verifies them all, lanes one after another for p>1.
    @Test(arguments: [
        configuration(memoryKiB: 19_456, iterations: 2),
        configuration(memoryKiB: 19_456, iterations: 2, parallelism: 2),
        configuration(memoryKiB: 4_096, iterations: 1, parallelism: 4),
        configuration(memoryKiB: 1_024, iterations: 1, saltLength: 8),
        configuration(memoryKiB: 1_024, iterations: 1, saltLength: 64, hashLength: 64),
        configuration(memoryKiB: 1_024, iterations: 1, hashLength: 16),
    ])
    func libArgon2HashesVerifyThroughSodium(configuration: PasswordHasher.Configuration) throws {
        let salt = (0..<configuration.saltLength).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        let hash = try LibArgon2.hashArgon2id(Self.password, salt: salt, configuration: configuration)
        #expect(SodiumArgon2.verify(Self.password, against: hash, variant: .argon2id) == .match)
        #expect(PasswordHasher().verify(Self.password, against: hash))
        for wrong in Self.wrongPasswords {
            #expect(SodiumArgon2.verify(wrong, against: hash, variant: .argon2id) == .mismatch)
            #expect(!PasswordHasher().verify(wrong, against: hash))
        }
    }

    /// The reference CLI's strings, with the verdict libsodium gives the right password: v=16,
    /// hashes under 16 bytes and Argon2d are refused, and must still verify through libargon2.
    @Test(.enabled(if: CommandLineTool.exists("argon2"), "argon2 CLI (Debian package argon2) not installed"),
          arguments: [
            (["-id", "-t", "2", "-k", "19456", "-p", "1"], SodiumArgon2.Verdict.match),
            (["-i", "-t", "3", "-k", "4096", "-p", "2"], .match),
            (["-i", "-t", "1", "-k", "1024", "-p", "1"], .match),
            (["-id", "-t", "1", "-k", "4096", "-p", "4"], .match),
            (["-id", "-t", "1", "-k", "1024", "-p", "1", "-l", "64"], .match),
            (["-id", "-t", "2", "-k", "19456", "-p", "1", "-v", "10"], .refused),
            (["-i", "-t", "3", "-k", "4096", "-p", "1", "-v", "10"], .refused),
            (["-id", "-t", "1", "-k", "1024", "-p", "1", "-l", "8"], .refused),
            (["-d", "-t", "1", "-k", "8192", "-p", "1"], .refused),
          ])
    func referenceCLIHashesVerifyOnBothPaths(options: [String], sodiumVerdict: SodiumArgon2.Verdict) throws {
        let hash = try #require(try CommandLineTool.run("argon2", ["somesaltvalue"] + options + ["-e"],
                                                        input: Self.password))
        let parameters = try #require(Argon2Parameters(phcString: hash))
        #expect(SodiumArgon2.verify(Self.password, against: hash, variant: parameters.variant) == sodiumVerdict)
        #expect(LibArgon2.verify(Self.password, against: hash, variant: parameters.variant))
        #expect(PasswordHasher().verify(Self.password, against: hash))
        for wrong in Self.wrongPasswords {
            #expect(SodiumArgon2.verify(wrong, against: hash, variant: parameters.variant) != .match)
            #expect(!LibArgon2.verify(wrong, against: hash, variant: parameters.variant))
            #expect(!PasswordHasher().verify(wrong, against: hash))
        }
    }

    /// Made by libargon2 from password "pw" (m=1024,t=1,p=1): each row breaks it in one place.
    static let valid = "$argon2id$v=19$m=1024,t=1,p=1$c29tZXNhbHR2YWx1ZQ$7SKeZyGdVQVP6Gm8nGerKnEW2VRlaQGko7Ks9phQ9Ck"

    @Test func theUnbrokenStringVerifies() {
        #expect(SodiumArgon2.verify("pw", against: Self.valid, variant: .argon2id) == .match)
        #expect(PasswordHasher().verify("pw", against: Self.valid))
    }

    /// `valid` with `field` replaced by `replacement`.
    static func broken(_ field: String, _ replacement: String) -> String {
        valid.replacingOccurrences(of: field, with: replacement)
    }

    static let malformed: [String] = [
        valid + "$",
        valid + "=",
        valid + "A",
        String(valid.dropLast(10)),
        broken("$c29tZXNhbHR2YWx1ZQ$", "$$"),
        broken("$c29tZXNhbHR2YWx1ZQ$", "$c29t!!!hbHR2YWx1ZQ$"),
        broken("$c29tZXNhbHR2YWx1ZQ$", "$c29tZQ$"),       // 4-byte salt
        broken("m=1024", "m=01024"),
        broken("m=1024", "m=0"),
        broken("m=1024", "m=-1"),
        broken("t=1", "t=0"),
        broken("p=1", "p=0"),
        broken("m=1024,t=1,p=1", "t=1,m=1024,p=1"),
        broken("v=19", "v=20"),
        broken("$v=19", ""),
        broken("$argon2id$", "$argon2ID$"),
        broken("7SKeZyGdVQVP6Gm8nGerKnEW2VRlaQGko7Ks9phQ9Ck", "7SKeZyGd"),
        broken("Q9Ck", "Q9C-"),
        broken("$c29tZXNhbHR2YWx1ZQ$", "$c29tZXNhbHR2\0YWx1ZQ$"),
        "$argon2id$v=19$m=1024,t=1,p=1$",
        "$argon2id$",
        "",
    ]

    @Test(arguments: malformed)
    func malformedStringsNeverVerify(hash: String) {
        for variant in [Argon2Parameters.Variant.argon2id, .argon2i, .argon2d] {
            #expect(SodiumArgon2.verify("pw", against: hash, variant: variant) != .match)
        }
        #expect(!PasswordHasher().verify("pw", against: hash))
    }

    @Test func defaultConfigurationHashesThroughSodium() {
        #expect(PasswordHasher().hashesThroughSodium)
        #expect(PasswordHasher(configuration: .init(memoryKiB: 8, iterations: 1, parallelism: 1)).hashesThroughSodium)
        // Under both libraries' 8 KiB floor: libsodium is not asked (and libargon2 throws).
        #expect(!PasswordHasher(configuration: .init(memoryKiB: 7, iterations: 1, parallelism: 1)).hashesThroughSodium)
    }

    /// Shapes libsodium cannot write go to libargon2 and keep the configured shape.
    @Test(arguments: [
        (configuration(memoryKiB: 1_024, iterations: 1, parallelism: 2), "p=2", 22, 43),
        (configuration(memoryKiB: 1_024, iterations: 1, saltLength: 12), "p=1", 16, 43),
        (configuration(memoryKiB: 1_024, iterations: 1, hashLength: 64), "p=1", 22, 86),
    ])
    func otherShapesHashThroughLibArgon2(configuration: PasswordHasher.Configuration, lanes: String,
                                         saltCharacters: Int, hashCharacters: Int) throws {
        let hasher = PasswordHasher(configuration: configuration)
        #expect(!hasher.hashesThroughSodium)
        #expect(SodiumArgon2.hashArgon2id(Self.password, configuration: configuration) == nil)
        let hash = try hasher.hash(Self.password)
        let fields = hash.split(separator: "$")
        #expect(fields.count == 5)
        #expect(fields[2] == "m=\(configuration.memoryKiB),t=\(configuration.iterations),\(lanes)")
        #expect(fields.count == 5 && fields[3].count == saltCharacters && fields[4].count == hashCharacters)
        #expect(hasher.verify(Self.password, against: hash))
        #expect(!hasher.verify(Self.wrongPasswords[0], against: hash))
        #expect(!hasher.needsRehash(hash))
    }

    /// Both libraries take the password's length, so a NUL inside it is hashed, not an end.
    @Test func passwordsWithNULAndEmptyPasswordsRoundTripOnBothPaths() throws {
        let configuration = Self.configuration(memoryKiB: 1_024, iterations: 1)
        for password in ["a\0b", "", "\0"] {
            let bySodium = try #require(SodiumArgon2.hashArgon2id(password, configuration: configuration))
            let byLibArgon2 = try LibArgon2.hashArgon2id(password, salt: Array("sixteen byte slt".utf8),
                                                         configuration: configuration)
            for hash in [bySodium, byLibArgon2] {
                #expect(SodiumArgon2.verify(password, against: hash, variant: .argon2id) == .match)
                #expect(LibArgon2.verify(password, against: hash, variant: .argon2id))
                for other in ["a", "a\0", "a\0c", "\0\0", " "] where other != password {
                    #expect(SodiumArgon2.verify(other, against: hash, variant: .argon2id) == .mismatch)
                    #expect(!LibArgon2.verify(other, against: hash, variant: .argon2id))
                }
            }
        }
    }
}
