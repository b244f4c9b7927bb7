// LOGIN (draft-murchison-sasl-login-00): the server asks "Username:" then "Password:"; each
// answer is one response. Obsolete but what Outlook and many phones still use.

struct SASLLoginMechanism: SASLServerMechanism {
    /// draft-murchison-sasl-login §2: the challenges are informative; clients ignore them.
    static let usernameChallenge = Array("Username:".utf8)
    static let passwordChallenge = Array("Password:".utf8)
    /// An address is at most 320 octets (RFC 5321 §4.5.3.1); passwords follow PasswordHasher.
    static let maximumUsernameBytes = 320
    static let maximumPasswordBytes = 1_024

    private enum State {
        case username
        case password(user: String)
        case done
    }

    let server: SASLServer
    let remote: String
    private var state = State.username

    init(server: SASLServer, remote: String) {
        self.server = server
        self.remote = remote
    }

    mutating func start(initialResponse: [UInt8]?) async -> SASLStep {
        // draft-murchison-sasl-login §2: a client may send the user name as initial response.
        guard let initialResponse, !initialResponse.isEmpty else { return .challenge(Self.usernameChallenge) }
        return await step(initialResponse)
    }

    mutating func step(_ response: [UInt8]) async -> SASLStep {
        switch state {
        case .username:
            guard !response.isEmpty, response.count <= Self.maximumUsernameBytes, !response.contains(0),
                  let user = String(validating: response, as: UTF8.self) else {
                state = .done
                return .failure(.malformed("LOGIN user name is empty, too long or not UTF-8"))
            }
            state = .password(user: user)
            return .challenge(Self.passwordChallenge)
        case .password(let user):
            state = .done
            guard !response.isEmpty, response.count <= Self.maximumPasswordBytes,
                  let password = String(validating: response, as: UTF8.self) else {
                return .failure(.malformed("LOGIN password is empty, too long or not UTF-8"))
            }
            return await server.passwordStep(user: user, password: password, remote: remote)
        case .done:
            return .failure(.malformed("LOGIN exchange is over"))
        }
    }
}
