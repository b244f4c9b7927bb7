// SCRAM-SHA-256 (RFC 7677, RFC 5802) from stored keys: the server never sees the password.
//
// Implementation notes:
// - Unknown users and accounts without keys get a decoy salt derived from the user name, so the
//   server-first-message does not tell which accounts exist; the proof then simply fails.
// - The proof is checked against the account's keys and the keys of every app password made with
//   the same salt and iteration count: ClientKey = ClientProof XOR HMAC(StoredKey, AuthMessage)
//   must hash to that StoredKey (RFC 5802 §3).
// - The throttle is asked once the user name is known (client-first), and told the outcome after
//   the proof (client-final), with the same failure delay as PLAIN.
// - No channel binding: SCRAM-SHA-256-PLUS is not offered (swift-nio-ssl does not expose the TLS
//   exporter of RFC 9266), so "p=" is refused and "y" accepted (RFC 5802 §6).
import Crypto
import Foundation
import MailStore

struct SCRAMSHA256Mechanism: SASLServerMechanism {
    typealias NonceGenerator = @Sendable () -> String

    private enum State {
        case clientFirst
        case clientFinal(first: SCRAMClientFirst, serverFirst: String, nonce: String, lookup: SCRAMLookup, delay: Duration)
        case done
    }

    let server: SASLServer
    let remote: String
    let makeNonce: NonceGenerator
    private var state = State.clientFirst

    init(server: SASLServer, remote: String, makeNonce: NonceGenerator? = nil) {
        self.server = server
        self.remote = remote
        self.makeNonce = makeNonce ?? {
            var generator = SystemRandomNumberGenerator()
            return Data((0..<18).map { _ in UInt8.random(in: .min ... .max, using: &generator) }).base64EncodedString()
        }
    }

    mutating func start(initialResponse: [UInt8]?) async -> SASLStep {
        // RFC 5802 §5: the client starts; an absent initial response gets an empty challenge.
        // An empty initial response ("=") is an empty message, malformed for this mechanism.
        guard let initialResponse else { return .challenge([]) }
        return await step(initialResponse)
    }

    mutating func step(_ response: [UInt8]) async -> SASLStep {
        switch state {
        case .clientFirst:
            return await clientFirst(response)
        case .clientFinal(let first, let serverFirst, let nonce, let lookup, let delay):
            state = .done
            return await clientFinal(response, first: first, serverFirst: serverFirst, nonce: nonce, lookup: lookup, delay: delay)
        case .done:
            return .failure(.malformed("SCRAM exchange is over"))
        }
    }

    private mutating func clientFirst(_ response: [UInt8]) async -> SASLStep {
        state = .done
        let first: SCRAMClientFirst
        do {
            first = try SCRAMMessages.parseClientFirst(response)
        } catch {
            return .failure(.malformed("\(error)"))
        }
        if let authorization = first.authorizationIdentity, authorization.caseInsensitiveCompare(first.username) != .orderedSame {
            return .failure(.authorizationDenied(user: first.username))
        }
        let delay: Duration
        switch await server.admit(user: first.username, remote: remote) {
        case .refuse(let retryAfter): return .failure(.throttled(user: first.username, retryAfter: retryAfter))
        case .allow(let allowed): delay = allowed
        }
        let lookup = await server.authenticator.scramLookup(address: first.username)
        // server-first-message = [reserved-mext ","] nonce "," salt "," iteration-count ["," extensions]
        let nonce = first.clientNonce + makeNonce()
        let serverFirst = "r=\(nonce),s=\(Data(lookup.salt).base64EncodedString()),i=\(lookup.iterations)"
        state = .clientFinal(first: first, serverFirst: serverFirst, nonce: nonce, lookup: lookup, delay: delay)
        return .challenge(Array(serverFirst.utf8))
    }

    private func clientFinal(_ response: [UInt8], first: SCRAMClientFirst, serverFirst: String, nonce: String,
                             lookup: SCRAMLookup, delay: Duration) async -> SASLStep {
        let final: SCRAMClientFinal
        do {
            final = try SCRAMMessages.parseClientFinal(response)
        } catch {
            return .failure(.malformed("\(error)"))
        }
        // RFC 5802 §5.1 c=: without channel binding, the base64 of the gs2-header as sent; r=:
        // the nonce the server sent, unchanged.
        guard final.channelBinding == Array(first.gs2Header.utf8), final.nonce == nonce else {
            await server.recordFailure(user: first.username, remote: remote, delay: delay)
            return .failure(.badCredentials(user: first.username))
        }
        // AuthMessage := client-first-message-bare + "," + server-first-message + "," +
        //                client-final-message-without-proof                (RFC 5802 §3)
        let authMessage = Array("\(first.bare),\(serverFirst),\(final.withoutProof)".utf8)
        guard let account = lookup.account,
              let matched = Self.matchingKeys(proof: final.proof, authMessage: authMessage, candidates: lookup.candidates) else {
            await server.recordFailure(user: first.username, remote: remote, delay: delay)
            return .failure(.badCredentials(user: first.username))
        }
        await server.recordSuccess(user: first.username, remote: remote)
        // ServerSignature := HMAC(ServerKey, AuthMessage); server-final-message = "v=" base64
        let signature = HMAC<SHA256>.authenticationCode(for: authMessage, using: SymmetricKey(data: matched.serverKey))
        return .success(account, additionalData: Array("v=\(Data(signature).base64EncodedString())".utf8))
    }

    // ClientSignature := HMAC(StoredKey, AuthMessage)
    // ClientProof     := ClientKey XOR ClientSignature
    // The server recovers ClientKey and checks H(ClientKey) == StoredKey.  (RFC 5802 §3, §9)
    static func matchingKeys(proof: [UInt8], authMessage: [UInt8], candidates: [SCRAMCredentials]) -> SCRAMCredentials? {
        var matched: SCRAMCredentials?
        // Every candidate is checked, so the time does not say which one matched.
        for candidate in candidates where candidate.storedKey.count == proof.count {
            let signature = Array(HMAC<SHA256>.authenticationCode(for: authMessage, using: SymmetricKey(data: candidate.storedKey)))
            let clientKey = zip(proof, signature).map { $0 ^ $1 }
            if ConstantTime.equals(Array(SHA256.hash(data: clientKey)), candidate.storedKey), matched == nil {
                matched = candidate
            }
        }
        return matched
    }
}
