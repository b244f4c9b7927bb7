// PLAIN (RFC 4616): one message with authzid, authcid and password.

struct SASLPlainMechanism: SASLServerMechanism {
    let server: SASLServer
    let remote: String
    private var done = false

    init(server: SASLServer, remote: String) {
        self.server = server
        self.remote = remote
    }

    mutating func start(initialResponse: [UInt8]?) async -> SASLStep {
        // RFC 4422 §5: PLAIN has no challenge; an empty one asks for the client's message.
        // An empty initial response ("=") is an empty message, malformed for this mechanism.
        guard let initialResponse else { return .challenge([]) }
        return await step(initialResponse)
    }

    mutating func step(_ response: [UInt8]) async -> SASLStep {
        guard !done else { return .failure(.malformed("PLAIN takes one message")) }
        done = true
        let credentials: SASLPlainCredentials
        do {
            credentials = try SASLPlain.parseMessage(response)
        } catch {
            return .failure(.malformed(error.description))
        }
        let user = credentials.authenticationIdentity
        // Acting as another user (authzid ≠ authcid) is not offered.
        if let authorization = credentials.authorizationIdentity,
           authorization.caseInsensitiveCompare(user) != .orderedSame {
            return .failure(.authorizationDenied(user: user))
        }
        return await server.passwordStep(user: user, password: credentials.password, remote: remote)
    }
}
