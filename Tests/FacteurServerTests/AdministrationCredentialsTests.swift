import Auth
@testable import FacteurServer
import Foundation
import Logging
import MailStore
import Testing

@Suite struct AdministrationCredentialsTests {
    static func admin() async throws -> (Administration, URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("facteur-admin-\(UUID().uuidString)")
        let admin = Administration(store: try SQLiteMailStore(directory: directory, logger: Logger(label: "t")),
                                   hasher: PasswordHasher(configuration: .init(memoryKiB: 8, iterations: 1, parallelism: 1)))
        try await admin.addDomain("example.test")
        return (admin, directory)
    }

    @Test func passwordsGetSCRAMKeysAndPasswdKeepsTheSalt() async throws {
        let (admin, directory) = try await Self.admin()
        defer { try? FileManager.default.removeItem(at: directory) }
        let account = try await admin.addUser(address: "a@example.test", password: "pw", passwordHash: nil, quotaBytes: nil)
        let first = try #require(try await admin.store.scramCredentials(accountID: account.id).flatMap(SCRAMCredentials.init(encoded:)))
        #expect(first == SCRAMCredentials.derive(password: "pw", salt: first.salt, iterations: first.iterations))

        try await admin.setPassword(address: "a@example.test", password: "new", passwordHash: nil)
        let second = try #require(try await admin.store.scramCredentials(accountID: account.id).flatMap(SCRAMCredentials.init(encoded:)))
        #expect(second.salt == first.salt)
        #expect(second == SCRAMCredentials.derive(password: "new", salt: first.salt, iterations: first.iterations))

        // An imported hash leaves no keys of the old password behind.
        try await admin.setPassword(address: "a@example.test", password: nil,
                                    passwordHash: "$6$saltsalt$hRM5XZ86KXEw9UOmjigeVqFgULtFB2sgpC9lXQDfMib3Zgw7mEiUvBJI2EplzfAqxL5Vvwp2scFtv/uamSo5z0")
        #expect(try await admin.store.scramCredentials(accountID: account.id) == nil)
    }

    @Test func appPasswordsAreMadeListedAndRevoked() async throws {
        let (admin, directory) = try await Self.admin()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try await admin.addUser(address: "a@example.test", password: "pw", passwordHash: nil, quotaBytes: nil)
        let phone = try await admin.addAppPassword(address: "a@example.test", name: "phone")
        #expect(AppPasswordFormat.canonical(phone) == phone)
        let listed = try await admin.appPasswords(address: "A@example.test")
        #expect(listed.map(\.name) == ["phone"])
        #expect(listed.first?.scramCredentials != nil)
        #expect(!(listed.first?.passwordHash.contains(phone) ?? true))
        let authenticator = Authenticator(store: admin.store, hasher: admin.hasher)
        #expect(await authenticator.authenticate(address: "a@example.test", password: phone) != nil)
        await #expect(throws: StoreError.self) { _ = try await admin.addAppPassword(address: "a@example.test", name: "phone") }
        await #expect(throws: StoreError.self) { _ = try await admin.addAppPassword(address: "nobody@example.test", name: "x") }
        try await admin.revokeAppPassword(address: "a@example.test", name: "phone")
        #expect(await authenticator.authenticate(address: "a@example.test", password: phone) == nil)
        #expect(try await admin.appPasswords(address: "a@example.test").isEmpty)
    }
}
