// Live connections, in total and per remote address, shared by every listener that should count
// against the same limits (FacteurServer gives one counter to all listeners of the process).

import Synchronization

/// Counts live connections and decides whether one more may start. `Sendable` and lock-protected
/// because every listener's event loops admit and release connections concurrently.
public final class ConnectionCounter: Sendable {
    /// What `admit` decided.
    public enum Admission: Equatable, Sendable {
        /// Counted; call `release(address:)` exactly once when the connection closes.
        case admitted
        /// Over `maxConnections`: nothing was counted.
        case tooManyConnections
        /// Over `maxConnectionsPerAddress` for this address: nothing was counted.
        case tooManyFromAddress
    }

    private struct State {
        var total = 0
        var perAddress: [String: Int] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Counts a new connection from `address` unless that would pass a limit. The per-address map
    /// only holds addresses with a live connection, so it is bounded by `maxConnections`.
    public func admit(address: String, maxConnections: Int, maxConnectionsPerAddress: Int) -> Admission {
        state.withLock { state in
            guard state.total < maxConnections else { return .tooManyConnections }
            let fromAddress = state.perAddress[address, default: 0]
            guard fromAddress < maxConnectionsPerAddress else { return .tooManyFromAddress }
            state.total += 1
            state.perAddress[address] = fromAddress + 1
            return .admitted
        }
    }

    /// Forgets one admitted connection from `address`.
    public func release(address: String) {
        state.withLock { state in
            guard let count = state.perAddress[address] else { return }
            state.total = max(state.total - 1, 0)
            if count <= 1 {
                state.perAddress.removeValue(forKey: address)
            } else {
                state.perAddress[address] = count - 1
            }
        }
    }

    /// Live connections in total (for tests and metrics).
    public var total: Int { state.withLock { $0.total } }

    /// Live connections from `address`.
    public func count(from address: String) -> Int {
        state.withLock { $0.perAddress[address, default: 0] }
    }
}
