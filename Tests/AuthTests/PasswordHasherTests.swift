import Testing
@testable import Auth

@Suite struct PasswordHasherTests {
    let hasher = PasswordHasher()

    @Test func hashIsArgon2idPHCStringWithConfiguredParameters() throws {
        let hash = try hasher.hash("correct horse")
        #expect(hash.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
        let fields = hash.split(separator: "$")
        #expect(fields.count == 5)
        // 16 salt bytes and 32 hash bytes in unpadded base64.
        #expect(fields[3].count == 22)
        #expect(fields[4].count == 43)
    }

    @Test func saltIsFreshForEveryHash() throws {
        #expect(try hasher.hash("same") != hasher.hash("same"))
    }

    @Test func roundTripAcceptsRightPasswordOnly() throws {
        let hash = try hasher.hash("correct horse battery staple")
        #expect(hasher.verify("correct horse battery staple", against: hash))
        #expect(!hasher.verify("correct horse battery stapl", against: hash))
        #expect(!hasher.verify("", against: hash))
        #expect(!hasher.verify("Correct horse battery staple", against: hash))
    }

    @Test func nonASCIIPasswordsRoundTrip() throws {
        let hash = try hasher.hash("mot de passe très sûr ✉️")
        #expect(hasher.verify("mot de passe très sûr ✉️", against: hash))
        #expect(!hasher.verify("mot de passe tres sur ✉️", against: hash))
    }

    @Test func customParametersAreUsed() throws {
        let cheap = PasswordHasher(configuration: .init(memoryKiB: 1024, iterations: 1, parallelism: 1))
        let hash = try cheap.hash("pw")
        #expect(hash.hasPrefix("$argon2id$v=19$m=1024,t=1,p=1$"))
        #expect(cheap.verify("pw", against: hash))
        #expect(!cheap.needsRehash(hash))
        #expect(hasher.needsRehash(hash))
    }

    @Test func overlongPasswordIsRefused() {
        let long = String(repeating: "a", count: 1_025)
        #expect(throws: PasswordHasher.HashingError.passwordTooLong) { try hasher.hash(long) }
    }

    /// Computed once with openssl, mkpasswd and the argon2 CLI (Debian bookworm), password "correct horse".
    static let knownVectors: [(String, String)] = [
        ("sha512crypt", "$6$saltsalt$hRM5XZ86KXEw9UOmjigeVqFgULtFB2sgpC9lXQDfMib3Zgw7mEiUvBJI2EplzfAqxL5Vvwp2scFtv/uamSo5z0"),
        ("sha512crypt rounds", "$6$rounds=10000$DjOTaA.RNytGpAM7$T6qhFSOpPuM/IQ567JzoltwccxEEF5LJeiTxBeIh/UvgsX193ZSlhaqASCZL/k12knRAcCkgKmkSIfjljHG2W."),
        ("sha256crypt", "$5$saltsalt$myjXcpMpE2Ofk7fj9hqyNYSn6lmWG4Mqnjx.KIRRr4/"),
        ("md5crypt", "$1$saltsalt$NuzA7WTAelpl95xgBGWN60"),
        ("yescrypt", "$y$j9T$ZOOT9v1MCy1/vZutSBiP1/$c88aJ8orNtkLRgVSIzLFPoickGe.StqxWRBBlvaxur0"),
        ("bcrypt 2b", "$2b$05$obn1Bd28uVUlVhqg09ZJkOJOKpp/9xllQi8gCgYKgkZc3m74SR3SS"),
        ("bcrypt 2y", "$2y$05$obn1Bd28uVUlVhqg09ZJkOJOKpp/9xllQi8gCgYKgkZc3m74SR3SS"),
        ("argon2id", "$argon2id$v=19$m=19456,t=2,p=1$ZmFjdGV1cnNhbHRzYWx0$CC39ayxiZ0GeF5ZOXlSW+5T/a6ac4h1UiRG8CvXFT8g"),
        ("argon2i", "$argon2i$v=19$m=4096,t=3,p=1$ZmFjdGV1cnNhbHRzYWx0$BkuY81jsetRnrMUFgZMW6oJsqOr2+w1FTwMWqZXC7mw"),
        ("argon2d", "$argon2d$v=19$m=8192,t=1,p=2$ZmFjdGV1cnNhbHRzYWx0$vMZ7zA1rq1oi+rHQ9fYpdlZ7i2aITvc5CM9fEj3gLUM"),
        ("argon2id v=16", "$argon2id$v=16$m=19456,t=2,p=1$ZmFjdGV1cnNhbHRzYWx0$NJWJAWFyu7CMMKpur25pbUMn5mYvcXL3mWZFTPxMdyg"),
    ]

    @Test(arguments: knownVectors)
    func verifiesHashesMadeByOtherTools(scheme: String, hash: String) {
        #expect(hasher.verify("correct horse", against: hash), "\(scheme) should verify")
        #expect(!hasher.verify("correct horsE", against: hash), "\(scheme) wrong password")
        #expect(!hasher.verify("correct horse ", against: hash), "\(scheme) trailing space")
    }

    @Test(arguments: [
        "",
        "plain text",
        "$argon2id$",
        "$argon2id$v=19$m=19456,t=2,p=1$ZmFjdGV1cnNhbHRzYWx0$",
        "$argon2id$v=19$m=19456,t=2$ZmFjdGV1cnNhbHRzYWx0$CC39ayxiZ0GeF5ZOXlSW+5T/a6ac4h1UiRG8CvXFT8g",
        "$argon2x$v=19$m=19456,t=2,p=1$ZmFjdGV1cnNhbHRzYWx0$CC39ayxiZ0GeF5ZOXlSW+5T/a6ac4h1UiRG8CvXFT8g",
        "$argon2id$v=19$m=19456,t=2,p=1,x=3$ZmFjdGV1cnNhbHRzYWx0$CC39ayxiZ0GeF5ZOXlSW+5T/a6ac4h1UiRG8CvXFT8g",
        "$7$CU..../....saltsaltsalt$hash",        // scrypt: not accepted
        "$3$$8846f7eaee8fb117ad06bdd830b7586c",    // NT hash
        "$6$saltsalt$tampered",
        "saltsaltNuzA7WTAelpl95xgBGWN60",          // DES-crypt-like, no scheme prefix
        "$1$",
    ])
    func malformedOrUnknownHashesNeverVerify(hash: String) {
        #expect(!hasher.verify("correct horse", against: hash))
        #expect(!hasher.verify("", against: hash))
    }

    @Test func hashesAskingForTooMuchWorkAreRefusedUnrun() {
        // Would need 4 TiB of memory, or 2^31 bcrypt rounds, or a billion SHA rounds.
        #expect(!hasher.verify("x", against: "$argon2id$v=19$m=4294967295,t=2,p=1$ZmFjdGV1cnNhbHRzYWx0$CC39ayxiZ0GeF5ZOXlSW+5T/a6ac4h1UiRG8CvXFT8g"))
        #expect(!hasher.verify("x", against: "$argon2id$v=19$m=19456,t=4000000,p=1$ZmFjdGV1cnNhbHRzYWx0$CC39ayxiZ0GeF5ZOXlSW+5T/a6ac4h1UiRG8CvXFT8g"))
        #expect(!hasher.verify("x", against: "$2b$31$obn1Bd28uVUlVhqg09ZJkOJOKpp/9xllQi8gCgYKgkZc3m74SR3SS"))
        #expect(!hasher.verify("x", against: "$6$rounds=999999999$saltsalt$hRM5XZ86KXEw9UOmjigeVqFgULtFB2sgpC9lXQDfMib3Zgw7mEiUvBJI2EplzfAqxL5Vvwp2scFtv/uamSo5z0"))
    }

    @Test func cryptPasswordWithNULDoesNotMatchItsPrefix() {
        // C strings end at NUL: "correct horse\0x" must not be taken for "correct horse".
        let hash = "$6$saltsalt$hRM5XZ86KXEw9UOmjigeVqFgULtFB2sgpC9lXQDfMib3Zgw7mEiUvBJI2EplzfAqxL5Vvwp2scFtv/uamSo5z0"
        #expect(!hasher.verify("correct horse\0x", against: hash))
    }

    @Test(arguments: [
        ("$argon2id$v=19$m=19456,t=2,p=1$ZmFjdGV1cnNhbHRzYWx0$CC39ayxiZ0GeF5ZOXlSW+5T/a6ac4h1UiRG8CvXFT8g", false),
        ("$argon2id$v=19$m=65536,t=2,p=1$ZmFjdGV1cnNhbHRzYWx0$CC39ayxiZ0GeF5ZOXlSW+5T/a6ac4h1UiRG8CvXFT8g", true),
        ("$argon2id$v=19$m=19456,t=3,p=1$ZmFjdGV1cnNhbHRzYWx0$CC39ayxiZ0GeF5ZOXlSW+5T/a6ac4h1UiRG8CvXFT8g", true),
        ("$argon2id$v=19$m=19456,t=2,p=2$ZmFjdGV1cnNhbHRzYWx0$CC39ayxiZ0GeF5ZOXlSW+5T/a6ac4h1UiRG8CvXFT8g", true),
        ("$argon2id$v=16$m=19456,t=2,p=1$ZmFjdGV1cnNhbHRzYWx0$NJWJAWFyu7CMMKpur25pbUMn5mYvcXL3mWZFTPxMdyg", true),
        ("$argon2i$v=19$m=19456,t=2,p=1$ZmFjdGV1cnNhbHRzYWx0$CC39ayxiZ0GeF5ZOXlSW+5T/a6ac4h1UiRG8CvXFT8g", true),
        ("$6$saltsalt$hRM5XZ86KXEw9UOmjigeVqFgULtFB2sgpC9lXQDfMib3Zgw7mEiUvBJI2EplzfAqxL5Vvwp2scFtv/uamSo5z0", true),
        ("$2b$05$obn1Bd28uVUlVhqg09ZJkOJOKpp/9xllQi8gCgYKgkZc3m74SR3SS", true),
        ("garbage", true),
    ])
    func needsRehashUnlessCurrentArgon2id(hash: String, expected: Bool) {
        #expect(hasher.needsRehash(hash) == expected)
    }

    @Test func freshHashNeedsNoRehash() throws {
        #expect(!hasher.needsRehash(try hasher.hash("pw")))
    }

    @Test func asyncOverloadsRunOnThePool() async throws {
        let hash: String = try await hasher.hash("async pw")
        let right: Bool = await hasher.verify("async pw", against: hash)
        let wrong: Bool = await hasher.verify("async pW", against: hash)
        #expect(right)
        #expect(!wrong)
    }
}
