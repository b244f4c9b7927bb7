// Counters that show whether group commit is doing its job (requests per transaction).
import Synchronization

/// Read by metrics and the throughput test; written by the append writer after each commit.
public final class AppendStatistics: Sendable {
    private let transactionCount = Atomic<Int>(0)
    private let requestCount = Atomic<Int>(0)

    public init() {}

    func record(transactionOf requests: Int) {
        transactionCount.add(1, ordering: .relaxed)
        requestCount.add(requests, ordering: .relaxed)
    }

    /// Append transactions committed since the store opened.
    public var transactions: Int { transactionCount.load(ordering: .relaxed) }
    /// Append requests those transactions carried (stored or refused).
    public var requests: Int { requestCount.load(ordering: .relaxed) }
}
