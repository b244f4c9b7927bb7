import Foundation
import Testing
@testable import MailStore

/// `BlobFileStore.path(for:)` is the string-built twin of `url(for:)` that the read paths use.
@Suite struct BlobFilePathTests {
    private static let digest = String(repeating: "0123456789abcdef", count: 4)

    @Test(arguments: ["/var/lib/facteur/blobs", "/var/lib/facteur/blobs/", "/tmp/a b/blobs", "/"])
    func pathIsTheURLsPath(root: String) throws {
        let store = BlobFileStore(root: URL(fileURLWithPath: root, isDirectory: true))
        #expect(try store.path(for: Self.digest) == (try store.url(for: Self.digest)).path)
    }

    @Test(arguments: ["", "../etc/passwd", String(repeating: "A", count: 64), String(repeating: "a", count: 63) + "/"])
    func malformedDigestsAreRefused(digest: String) {
        let store = BlobFileStore(root: URL(fileURLWithPath: "/var/lib/facteur/blobs", isDirectory: true))
        #expect(throws: StoreError.self) { try store.path(for: digest) }
    }
}
