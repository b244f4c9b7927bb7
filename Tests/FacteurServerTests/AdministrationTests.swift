@testable import FacteurServer
import Foundation
import Logging
import MailStore
import Testing

@Suite struct AdministrationTests {
    @Test(arguments: [
        ("1048576", Int64?.some(1_048_576)), ("10K", 10_240), ("500M", 524_288_000), ("2g", 2_147_483_648),
        ("none", nil), ("unlimited", nil),
    ])
    func quotaArguments(text: String, expected: Int64?) {
        #expect(Administration.parseQuota(text) == .some(expected))
    }

    @Test(arguments: ["", "-1", "12Q", "M", "99999999999999T"])
    func badQuotaArguments(text: String) {
        #expect(Administration.parseQuota(text) == nil)
    }

    @Test(arguments: [("Example.COM", "example.com"), ("mx.example.com.", "mx.example.com"), ("xn--caf-dma.fr", "xn--caf-dma.fr")])
    func domainsAreNormalised(name: String, expected: String) throws {
        #expect(try Administration.validatedDomain(name) == expected)
    }

    @Test(arguments: ["", "-bad.com", "bad-.com", "a..b", "space here.com", "under_score.com", String(repeating: "a", count: 64) + ".com"])
    func badDomainsAreRefused(name: String) {
        #expect(throws: AdministrationError.self) { try Administration.validatedDomain(name) }
    }

    @Test func usersNeedALocalDomainAndAPassword() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("facteur-admin-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let admin = Administration(store: try SQLiteMailStore(directory: directory, logger: Logger(label: "t")))
        await #expect(throws: AdministrationError.unknownDomain("example.test")) {
            try await admin.addUser(address: "a@example.test", password: "pw", passwordHash: nil, quotaBytes: nil)
        }
        try await admin.addDomain("Example.Test")
        await #expect(throws: AdministrationError.missingPassword) {
            try await admin.addUser(address: "a@example.test", password: nil, passwordHash: nil, quotaBytes: nil)
        }
        await #expect(throws: AdministrationError.unsupportedHash("{PLAIN}pw")) {
            try await admin.addUser(address: "a@example.test", password: nil, passwordHash: "{PLAIN}pw", quotaBytes: nil)
        }
        let account = try await admin.addUser(address: "a@EXAMPLE.test", password: "pw", passwordHash: nil, quotaBytes: 5)
        #expect(account.address == "a@example.test")
        #expect(account.passwordHash.hasPrefix("$argon2id$"))
        #expect(await admin.hasher.verify("pw", against: account.passwordHash))
        try await admin.addAlias(address: "@example.test", targets: ["a@example.test"])
        #expect(try await admin.aliases(domain: nil) == [Alias(address: "@example.test", targets: ["a@example.test"])])
        await #expect(throws: AdministrationError.invalidTarget("not an address")) {
            try await admin.addAlias(address: "x@example.test", targets: ["not an address"])
        }
    }
}
