import Crypto
import Foundation
import MailStore
import Testing
@testable import Auth

@Suite struct SCRAMSHA256Tests {
    // RFC 7677 §3: user "user", password "pencil".
    static let salt = Array(Data(base64Encoded: "W22ZaJ0SNY7soEsUEjb6gQ==")!)
    static let clientFirst = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO"
    static let serverNonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"
    static let serverFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
    static let clientFinal = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
    static let serverFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="

    /// A store with "user" whose SCRAM keys are those of "pencil" with the RFC's salt.
    static func server(throttle: LoginThrottle? = nil) async throws -> (SASLServer, InMemoryAccountStore) {
        let hasher = PasswordHasher(configuration: .init(memoryKiB: 8, iterations: 1, parallelism: 1))
        let store = InMemoryAccountStore([("user", try await hasher.hash("pencil"))])
        try await store.setSCRAMCredentials(
            address: "user", credentials: SCRAMCredentials.derive(password: "pencil", salt: salt, iterations: 4096).encoded)
        return (SASLServer(authenticator: Authenticator(store: store, hasher: hasher), throttle: throttle), store)
    }

    static func mechanism(_ server: SASLServer) -> SCRAMSHA256Mechanism {
        SCRAMSHA256Mechanism(server: server, remote: "192.0.2.1", makeNonce: { serverNonce })
    }

    @Test func rfc7677TestVector() async throws {
        let (server, _) = try await Self.server()
        var mechanism = Self.mechanism(server)
        #expect(await mechanism.start(initialResponse: nil) == .challenge([]))
        #expect(await mechanism.step(Array(Self.clientFirst.utf8)) == .challenge(Array(Self.serverFirst.utf8)))
        guard case .success(let account, let data) = await mechanism.step(Array(Self.clientFinal.utf8)) else {
            Issue.record("the RFC's proof must verify")
            return
        }
        #expect(account.address == "user")
        #expect(data == Array(Self.serverFinal.utf8))
    }

    @Test func storedKeysRoundTripAndRefuseGarbage() {
        let keys = SCRAMCredentials.derive(password: "pencil", salt: Self.salt, iterations: 4096)
        #expect(SCRAMCredentials(encoded: keys.encoded) == keys)
        #expect(keys.encoded.hasPrefix("SCRAM-SHA-256$4096$W22ZaJ0SNY7soEsUEjb6gQ==$"))
        #expect(SCRAMCredentials(encoded: "SCRAM-SHA-256$1$W22ZaJ0SNY7soEsUEjb6gQ==$x$y") == nil)
        #expect(SCRAMCredentials(encoded: keys.encoded.replacingOccurrences(of: "$4096$", with: "$100$")) == nil)
        #expect(SCRAMCredentials(encoded: "$argon2id$v=19$m=19456,t=2,p=1$abc$def") == nil)
    }

    @Test func wrongProofFailsAndIsCountedByTheThrottle() async throws {
        let throttle = LoginThrottle(configuration: .init(initialDelay: .milliseconds(1), maxDelay: .milliseconds(1),
                                                          exemptLoopback: false))
        let (server, _) = try await Self.server(throttle: throttle)
        var mechanism = Self.mechanism(server)
        _ = await mechanism.start(initialResponse: Array(Self.clientFirst.utf8))
        let badProof = Self.clientFinal.replacingOccurrences(of: "p=dHzb", with: "p=dHzc")
        #expect(await mechanism.step(Array(badProof.utf8)) == .failure(.badCredentials(user: "user")))
        #expect(await throttle.snapshot().failuresRecorded == 1)
        // The exchange is over.
        #expect(await mechanism.step(Array(Self.clientFinal.utf8)) == .failure(.malformed("SCRAM exchange is over")))
    }

    @Test func unknownUserGetsAStableDecoySaltAndFails() async throws {
        let (server, _) = try await Self.server()
        var first = Self.mechanism(server)
        var second = Self.mechanism(server)
        guard case .challenge(let a) = await first.start(initialResponse: Array("n,,n=nobody,r=abc".utf8)),
              case .challenge(let b) = await second.start(initialResponse: Array("n,,n=nobody,r=abc".utf8)) else {
            Issue.record("an unknown user still gets a server-first-message")
            return
        }
        #expect(a == b)
        #expect(String(decoding: a, as: UTF8.self).hasSuffix(",i=4096"))
        let final = "c=biws,r=abc\(Self.serverNonce),p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
        #expect(await first.step(Array(final.utf8)) == .failure(.badCredentials(user: "nobody")))
    }

    @Test(arguments: [
        ("p=tls-exporter,,n=user,r=abc", "channel binding"),
        ("n,,m=ext,n=user,r=abc", "extension"),
        ("x,,n=user,r=abc", "flag"),
        ("n,,n=us=2Xer,r=abc", "escape"),
        ("n,,n=user", "short"),
        ("n,,n=user,r=a,b", "nonce with comma ends the field; fine"),
    ])
    func malformedClientFirstMessages(message: String, why: String) async throws {
        let (server, _) = try await Self.server()
        var mechanism = Self.mechanism(server)
        let step = await mechanism.start(initialResponse: Array(message.utf8))
        if why.hasSuffix("fine") {
            guard case .challenge = step else { Issue.record("\(why): \(step)"); return }
        } else {
            guard case .failure(.malformed) = step else { Issue.record("\(why): \(step)"); return }
        }
    }

    @Test func foreignAuthorizationIdentityAndWrongChannelBindingFail() async throws {
        let (server, _) = try await Self.server()
        var proxy = Self.mechanism(server)
        #expect(await proxy.start(initialResponse: Array("n,a=admin,n=user,r=abc".utf8))
                == .failure(.authorizationDenied(user: "user")))
        var binding = Self.mechanism(server)
        _ = await binding.start(initialResponse: Array(Self.clientFirst.utf8))
        // "eSws" is "y,,": not the gs2-header the client sent.
        let final = Self.clientFinal.replacingOccurrences(of: "c=biws", with: "c=eSws")
        #expect(await binding.step(Array(final.utf8)) == .failure(.badCredentials(user: "user")))
    }

    @Test func saslNamesDecodeEscapes() throws {
        #expect(try SCRAMMessages.decodeSASLName("a=2Cb=3Dc") == "a,b=c")
        #expect(throws: SCRAMParseError.self) { try SCRAMMessages.decodeSASLName("a=") }
        #expect(throws: SCRAMParseError.self) { try SCRAMMessages.decodeSASLName("") }
    }

    @Test func throttledAddressIsRefusedBeforeTheLookup() async throws {
        let throttle = LoginThrottle(configuration: .init(lockoutFailures: 1, exemptLoopback: false))
        await throttle.recordFailure(address: "user", remote: "192.0.2.1")
        let (server, store) = try await Self.server(throttle: throttle)
        var mechanism = Self.mechanism(server)
        guard case .failure(.throttled(let user, _)) = await mechanism.start(initialResponse: Array(Self.clientFirst.utf8)) else {
            Issue.record("a locked-out address must be refused")
            return
        }
        #expect(user == "user")
        #expect(await store.lookups.isEmpty)
    }
}
