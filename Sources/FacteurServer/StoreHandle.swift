// Opens the configured backend. The server and the admin CLI both come through here, so they
// always agree on where the data is.
import Foundation
import Logging
import MailStore

public struct StoreHandle: Sendable {
    public let store: any MailStore
    public var administration: Administration { Administration(store: store) }

    public init(store: any MailStore) {
        self.store = store
    }

    public static func open(configuration: FacteurConfiguration, logger: Logger) throws -> StoreHandle {
        switch configuration.storage.backend {
        case .sqlite:
            let directory = URL(fileURLWithPath: configuration.dataDirectory)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            return StoreHandle(store: try SQLiteMailStore(directory: directory, logger: logger))
        case .postgres:
            throw StoreError.backend("the PostgreSQL backend is not available in this version; use backend = \"sqlite\"")
        }
    }
}
