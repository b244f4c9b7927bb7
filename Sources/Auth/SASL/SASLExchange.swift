// One running SASL exchange as a protocol session holds it.
import MailStore

/// Wraps a mechanism: refuses steps after the end, and (for protocols that need it) sends data
/// that comes with success as a last challenge, answered by an empty response (RFC 4422 §5).
public struct SASLExchange: Sendable {
    public let mechanism: SASLServer.Mechanism
    private var implementation: any SASLServerMechanism
    private let successDataAsChallenge: Bool
    private var state = State.running

    private enum State: Sendable {
        case running
        /// Verified; the additional data went out as a challenge, the empty answer is due.
        case awaitingAcknowledgement(Account)
        case finished
    }

    init(mechanism: SASLServer.Mechanism, implementation: any SASLServerMechanism, successDataAsChallenge: Bool) {
        self.mechanism = mechanism
        self.implementation = implementation
        self.successDataAsChallenge = successDataAsChallenge
    }

    /// The first step; `initialResponse` nil when the client sent none, `[]` for an empty one.
    public mutating func start(initialResponse: [UInt8]?) async -> SASLStep {
        guard case .running = state else { return finish(.failure(.malformed("exchange already started"))) }
        return finish(await implementation.start(initialResponse: initialResponse))
    }

    /// The client's response to the last challenge, decoded from base64.
    public mutating func step(_ response: [UInt8]) async -> SASLStep {
        switch state {
        case .running:
            return finish(await implementation.step(response))
        case .awaitingAcknowledgement(let account):
            state = .finished
            guard response.isEmpty else { return .failure(.malformed("expected an empty response after the server's proof")) }
            return .success(account, additionalData: nil)
        case .finished:
            return .failure(.malformed("exchange is over"))
        }
    }

    private mutating func finish(_ step: SASLStep) -> SASLStep {
        switch step {
        case .challenge:
            return step
        case .success(let account, let data?) where successDataAsChallenge:
            state = .awaitingAcknowledgement(account)
            return .challenge(data)
        case .success, .failure:
            state = .finished
            return step
        }
    }
}
