// The `[limits] max_connections` / `max_connections_per_address` pair as the accept loop uses it.

/// How many connections a listener accepts, in total and per remote address, and the counter that
/// tracks them. Listeners that share one `counter` share the limits (the whole process, in
/// FacteurServer); a listener built with the default shares it with nobody.
public struct ConnectionLimits: Sendable {
    /// Live connections at most, over every listener sharing `counter`.
    public var maxConnections: Int
    /// Live connections from one IP address at most. Loopback is not exempt: a local proxy that
    /// needs more connections raises this limit.
    public var maxConnectionsPerAddress: Int
    public var counter: ConnectionCounter
    /// Told of every refused connection with the listener's name and the limit it hit, so the
    /// composition root can count refusals in `/metrics` without this target knowing the
    /// metrics backend. Called on the accept loop's task: keep it cheap.
    public var onRefused: (@Sendable (_ listener: String, _ reason: ConnectionCounter.Admission) -> Void)?

    public init(maxConnections: Int = 10_000, maxConnectionsPerAddress: Int = 100,
                counter: ConnectionCounter = ConnectionCounter(),
                onRefused: (@Sendable (_ listener: String, _ reason: ConnectionCounter.Admission) -> Void)? = nil) {
        self.maxConnections = max(maxConnections, 1)
        self.maxConnectionsPerAddress = max(maxConnectionsPerAddress, 1)
        self.counter = counter
        self.onRefused = onRefused
    }

    /// Counts a connection from `address` if the limits allow it.
    public func admit(address: String) -> ConnectionCounter.Admission {
        counter.admit(address: address, maxConnections: maxConnections,
                      maxConnectionsPerAddress: maxConnectionsPerAddress)
    }
}
