// The whole server configuration as values, the contract of DESIGN.md "Command line and
// configuration". Loading and validation live in FacteurConfiguration+Loading.swift.

/// Everything `facteur serve` needs to start. A plain value: read once at start, then shared.
public struct FacteurConfiguration: Sendable, Equatable {
    /// Used in greetings, Received: fields and Message-IDs.
    public var hostname: String
    /// Where the store, blobs and the self-signed certificate live (`data_dir`).
    public var dataDirectory: String
    public var storage: Storage
    /// Certificate and key files; nil means a self-signed certificate in `dataDirectory/tls`.
    public var tls: TLSFiles?
    /// Listeners to start; a name missing here is switched off.
    public var listeners: [ListenerName: ListenerAddress]
    public var limits: Limits
    /// `[security]`: when credentials may travel in the clear, how failed logins are throttled.
    public var security: Security
    /// `[sieve]`: the global script run before users' scripts and the `include :global` directory.
    public var sieve = SieveSettings()
    /// The file this came from, for log lines; nil for development defaults.
    public var sourceFile: String?

    public init(hostname: String, dataDirectory: String, storage: Storage = Storage(), tls: TLSFiles? = nil,
                listeners: [ListenerName: ListenerAddress] = [:], limits: Limits = Limits(),
                sourceFile: String? = nil, security: Security = Security()) {
        self.hostname = hostname
        self.dataDirectory = dataDirectory
        self.storage = storage
        self.tls = tls
        self.listeners = listeners
        self.limits = limits
        self.security = security
        self.sourceFile = sourceFile
    }

    /// `[storage]`: which backend holds accounts and mail.
    public struct Storage: Sendable, Equatable {
        public enum Backend: String, Sendable, Equatable, CaseIterable {
            case sqlite, postgres
        }
        public var backend: Backend = .sqlite
        /// The PostgreSQL connection URL; required when `backend` is `.postgres`.
        public var url: String?

        public init(backend: Backend = .sqlite, url: String? = nil) {
            self.backend = backend
            self.url = url
        }
    }

    /// `[tls]`: PEM files, typically from an ACME client.
    public struct TLSFiles: Sendable, Equatable {
        /// The certificate chain, leaf first.
        public var certificatePath: String
        public var keyPath: String

        public init(certificatePath: String, keyPath: String) {
            self.certificatePath = certificatePath
            self.keyPath = keyPath
        }
    }

    /// The data directory and hostname a file starts from before its own keys apply; no listener
    /// is on until the file names it.
    static func fileBaseline(sourceFile: String) -> FacteurConfiguration {
        FacteurConfiguration(hostname: "localhost", dataDirectory: "./facteur-data", sourceFile: sourceFile)
    }

    /// What `facteur serve` runs with when there is no configuration file: everything on loopback
    /// at unprivileged ports, data in `./facteur-data`, a self-signed certificate.
    public static func developmentDefaults() -> FacteurConfiguration {
        var listeners: [ListenerName: ListenerAddress] = [:]
        for name in ListenerName.allCases {
            listeners[name] = ListenerAddress(host: "127.0.0.1", port: name.developmentPort)
        }
        return FacteurConfiguration(hostname: "localhost", dataDirectory: "./facteur-data", listeners: listeners)
    }
}
