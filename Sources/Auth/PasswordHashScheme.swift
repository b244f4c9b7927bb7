// Recognises the stored password hash formats Facteur accepts, and reads the cost parameters of
// each before any work is done, so a tampered or hostile hash cannot make verification allocate
// gigabytes or loop for minutes.

/// The family of a stored password hash, told apart by its `$id$` prefix.
public enum PasswordHashScheme: Sendable, Equatable {
    /// Argon2 in the PHC string format (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`).
    case argon2(Argon2Parameters)
    /// A crypt(3) hash that libcrypt verifies: `$6$`, `$5$`, `$2y$`, `$2b$`, `$y$`, `$1$`.
    case crypt(CryptVariant)

    /// The crypt(3) schemes verified for migration; each is rehashed to Argon2id on the next login.
    public enum CryptVariant: String, Sendable, Equatable, CaseIterable {
        case sha512 = "$6$"
        case sha256 = "$5$"
        case bcryptY = "$2y$"
        case bcryptB = "$2b$"
        case yescrypt = "$y$"
        case md5 = "$1$"
    }

    /// The longest stored hash Facteur looks at; real ones are under 150 characters.
    static let maximumLength = 512

    /// Classifies `hash`, or returns nil for anything unknown, malformed or too long.
    public init?(_ hash: String) {
        guard hash.utf8.count <= Self.maximumLength else { return nil }
        if hash.hasPrefix("$argon2") {
            guard let parameters = Argon2Parameters(phcString: hash) else { return nil }
            self = .argon2(parameters)
            return
        }
        guard let variant = CryptVariant.allCases.first(where: { hash.hasPrefix($0.rawValue) }) else {
            return nil
        }
        self = .crypt(variant)
    }
}

/// The parameters of an Argon2 PHC string, read without running the hash.
public struct Argon2Parameters: Sendable, Equatable {
    public enum Variant: String, Sendable, Equatable {
        case argon2i, argon2d, argon2id
    }

    public var variant: Variant
    /// 0x13 (19) for current hashes; 0x10 when the `v=` field is absent (the 2015 format).
    public var version: Int
    public var memoryKiB: Int
    public var iterations: Int
    public var parallelism: Int

    public init(variant: Variant, version: Int, memoryKiB: Int, iterations: Int, parallelism: Int) {
        self.variant = variant
        self.version = version
        self.memoryKiB = memoryKiB
        self.iterations = iterations
        self.parallelism = parallelism
    }

    /// Parses `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`; nil when any field is missing or odd.
    init?(phcString: String) {
        var fields = phcString.split(separator: "$", omittingEmptySubsequences: false)
        // A leading "$" gives an empty first field.
        guard fields.count >= 5, fields[0].isEmpty, let variant = Variant(rawValue: String(fields[1])) else {
            return nil
        }
        fields.removeFirst(2)
        var version = 0x10
        if fields[0].hasPrefix("v=") {
            guard let value = Self.number(fields[0].dropFirst(2)) else { return nil }
            version = value
            fields.removeFirst()
        }
        guard fields.count == 3, !fields[1].isEmpty, !fields[2].isEmpty else { return nil }
        var memory: Int?
        var iterations: Int?
        var parallelism: Int?
        for pair in fields[0].split(separator: ",", omittingEmptySubsequences: false) {
            guard let equals = pair.firstIndex(of: "="),
                  let value = Self.number(pair[pair.index(after: equals)...]) else { return nil }
            switch pair[..<equals] {
            case "m": memory = value
            case "t": iterations = value
            case "p": parallelism = value
            default: return nil
            }
        }
        guard let memory, let iterations, let parallelism else { return nil }
        self.init(variant: variant, version: version, memoryKiB: memory, iterations: iterations,
                  parallelism: parallelism)
    }

    /// A decimal of at most 10 digits: anything longer is not a real cost parameter.
    private static func number(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 10, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }
}
