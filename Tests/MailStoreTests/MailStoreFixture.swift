// What the backend-independent behaviour suite needs from a backend under test.
import Foundation
import MailStore

/// One backend instance with empty data, plus a way to open a second instance on the same data
/// (restart, or the admin CLI running beside the server). The PostgreSQL backend provides its own.
protocol MailStoreFixture: Sendable {
    var store: any MailStore { get }
    func reopen() async throws -> any MailStore
    func tearDown() async
}
