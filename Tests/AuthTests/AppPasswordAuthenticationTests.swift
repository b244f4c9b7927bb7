import Foundation
import MailStore
import Testing
@testable import Auth

@Suite struct AppPasswordAuthenticationTests {
    /// Cheap Argon2 parameters: these tests are about SASL, and share the hashing pool with others.
    let hasher = PasswordHasher(configuration: .init(memoryKiB: 8, iterations: 1, parallelism: 1))

    @Test func generatedPasswordsHaveTheirShape() {
        let password = AppPasswordFormat.generate()
        #expect(password.count == 19)
        #expect(AppPasswordFormat.canonical(password) == password)
        #expect(AppPasswordFormat.canonical(password.uppercased().replacingOccurrences(of: "-", with: " ")) == password)
        #expect(AppPasswordFormat.canonical("s3cret") == nil)
        #expect(AppPasswordFormat.generate() != password)
    }

    @Test func appPasswordsLogInUntilRevokedAndDoNotDisturbEachOther() async throws {
        let store = InMemoryAccountStore([("alice@example.test", try await hasher.hash("s3cret"))])
        let authenticator = Authenticator(store: store, hasher: hasher)
        let phone = AppPasswordFormat.generate()
        let laptop = AppPasswordFormat.generate()
        for (name, password) in [("phone", phone), ("laptop", laptop)] {
            try await store.addAppPassword(address: "alice@example.test", AppPassword(
                name: name, passwordHash: try await hasher.hash(password), scramCredentials: nil, createdAt: Date()))
        }
        #expect(await authenticator.authenticate(address: "alice@example.test", password: phone) != nil)
        #expect(await authenticator.authenticate(address: "alice@example.test",
                                                 password: phone.replacingOccurrences(of: "-", with: "")) != nil)
        #expect(await authenticator.authenticate(address: "alice@example.test", password: "s3cret") != nil)
        try await store.removeAppPassword(address: "alice@example.test", name: "phone")
        #expect(await authenticator.authenticate(address: "alice@example.test", password: phone) == nil)
        #expect(await authenticator.authenticate(address: "alice@example.test", password: laptop) != nil)
        // An app password never sets the account's SCRAM keys (they belong to the account password).
        let id = try #require(await store.account(address: "alice@example.test")).id
        let keys = try #require(try await store.scramCredentials(accountID: id).flatMap(SCRAMCredentials.init(encoded:)))
        #expect(keys == SCRAMCredentials.derive(password: "s3cret", salt: keys.salt, iterations: keys.iterations))
    }

    @Test func migratedAccountGetsSCRAMKeysAtItsFirstPasswordLogin() async throws {
        let store = InMemoryAccountStore([("carol@example.test", AuthenticatorTests.legacyHash)])
        let server = SASLServer(authenticator: Authenticator(store: store, hasher: hasher), throttle: nil)
        #expect(try await store.scramCredentials(accountID: 1) == nil)
        #expect(await server.verifyPassword(user: "carol@example.test", password: "correct horse", remote: "") != .badCredentials)
        let keys = try #require(try await store.scramCredentials(accountID: 1).flatMap(SCRAMCredentials.init(encoded:)))
        #expect(keys.iterations == SCRAMCredentials.defaultIterations)
        #expect(keys.salt.count == 16)
        #expect(keys == SCRAMCredentials.derive(password: "correct horse", salt: keys.salt, iterations: keys.iterations))
    }

    @Test func scramAcceptsAnAppPasswordMadeWithTheAccountSalt() async throws {
        let (server, store) = try await SCRAMSHA256Tests.server()
        let tablet = "abcd-efgh-ijkl-mnop"
        try await store.addAppPassword(address: "user", AppPassword(
            name: "tablet", passwordHash: try await hasher.hash(tablet),
            scramCredentials: SCRAMCredentials.derive(password: tablet, salt: SCRAMSHA256Tests.salt, iterations: 4096).encoded,
            createdAt: Date()))
        var mechanism = SCRAMSHA256Tests.mechanism(server)
        _ = await mechanism.start(initialResponse: Array(SCRAMSHA256Tests.clientFirst.utf8))
        let final = SCRAMClientComputation.finalMessage(password: tablet, clientFirstBare: "n=user,r=rOprNGfwEbeRWgbNEkqO",
                                                        serverFirst: SCRAMSHA256Tests.serverFirst)
        guard case .success(let account, _) = await mechanism.step(Array(final.utf8)) else {
            Issue.record("the app password's keys must verify")
            return
        }
        #expect(account.address == "user")
    }
}

/// The client side of SCRAM-SHA-256, written from RFC 5802 §3 for the tests.
enum SCRAMClientComputation {
    static func finalMessage(password: String, clientFirstBare: String, serverFirst: String) -> String {
        let fields = Dictionary(uniqueKeysWithValues: serverFirst.split(separator: ",").map { ($0.prefix(1), String($0.dropFirst(2))) })
        let salt = Array(Data(base64Encoded: fields["s"]!)!)
        let keys = SCRAMCredentials.derive(password: password, salt: salt, iterations: Int(fields["i"]!)!)
        let withoutProof = "c=biws,r=\(fields["r"]!)"
        let authMessage = Array("\(clientFirstBare),\(serverFirst),\(withoutProof)".utf8)
        let salted = PBKDF2.sha256(password: Array(password.utf8), salt: salt, iterations: keys.iterations)
        let clientKey = Array(PBKDF2.hmacSHA256(key: salted, message: Array("Client Key".utf8)))
        let signature = PBKDF2.hmacSHA256(key: keys.storedKey, message: authMessage)
        let proof = zip(clientKey, signature).map { $0 ^ $1 }
        return "\(withoutProof),p=\(Data(proof).base64EncodedString())"
    }
}

