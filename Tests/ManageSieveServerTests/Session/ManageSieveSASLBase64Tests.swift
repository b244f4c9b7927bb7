// The base64 of SASL strings (RFC 5804 §2.1): the empty string is empty data, anything else must
// be canonical base64 or the exchange is refused as malformed.

import Testing
@testable import ManageSieveServer

struct ManageSieveSASLBase64Tests {
    @Test(arguments: [
        ("", [UInt8]()),
        ("AA==", [0]),
        ("AGFsaWNlAHNlY3JldA==", Array("\0alice\0secret".utf8)),
        ("VXNlcm5hbWU6", Array("Username:".utf8)),
    ] as [(String, [UInt8])])
    func decodes(text: String, expected: [UInt8]) {
        #expect(ManageSieveSession.decodeBase64(Array(text.utf8)) == expected)
    }

    @Test(arguments: ["*", "A", "AAA", "not base64!", "AA==AA==", "AA= =", "QUJD\r\n"])
    func refuses(text: String) {
        #expect(ManageSieveSession.decodeBase64(Array(text.utf8)) == nil)
    }
}
