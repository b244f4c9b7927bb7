// Turning whatever the database layer throws into a StoreError whose text is safe to log.
import Foundation
import GRDB

extension StoreError {
    /// StoreErrors pass through; SQLite errors keep their code and SQLite's own message (which
    /// names tables and constraints, never bound values: no bodies, no password hashes).
    init(mapping error: any Error) {
        switch error {
        case let storeError as StoreError:
            self = storeError
        case let databaseError as DatabaseError:
            self = .backend("sqlite \(databaseError.resultCode.rawValue): \(databaseError.message ?? "no message")")
        case is CancellationError:
            self = .backend("operation cancelled")
        default:
            self = .backend(String(describing: type(of: error)))
        }
    }
}
