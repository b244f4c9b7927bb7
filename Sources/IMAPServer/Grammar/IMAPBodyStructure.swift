// BODY / BODYSTRUCTURE (RFC 9051 §7.5.2), filled by the session from the stored MIME tree.

/// A MIME part as IMAP describes it: a single part or a multipart with children.
public indirect enum IMAPBodyStructure: Sendable, Equatable {
    case singlePart(SinglePart)
    case multipart(Multipart)

    /// `body-type-1part` with its `body-fields` and extension data.
    public struct SinglePart: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            case basic
            /// TEXT/*: the body's line count.
            case text(lines: UInt64)
            /// MESSAGE/RFC822 or MESSAGE/GLOBAL: the enclosed message's envelope, structure, lines.
            case message(IMAPEnvelope, IMAPBodyStructure, lines: UInt64)
        }

        public var type: String
        public var subtype: String
        public var parameters: [IMAPBodyParameter]
        public var id: String?
        public var description: String?
        /// Content-Transfer-Encoding; "7BIT" when absent.
        public var encoding: String
        public var octets: UInt32
        public var kind: Kind
        public var md5: String?
        public var extensions: IMAPBodyExtensions

        public init(type: String, subtype: String, parameters: [IMAPBodyParameter] = [], id: String? = nil,
                    description: String? = nil, encoding: String = "7BIT", octets: UInt32, kind: Kind = .basic,
                    md5: String? = nil, extensions: IMAPBodyExtensions = IMAPBodyExtensions()) {
            self.type = type
            self.subtype = subtype
            self.parameters = parameters
            self.id = id
            self.description = description
            self.encoding = encoding
            self.octets = octets
            self.kind = kind
            self.md5 = md5
            self.extensions = extensions
        }
    }

    /// `body-type-mpart`: the children and the multipart subtype.
    public struct Multipart: Sendable, Equatable {
        public var parts: [IMAPBodyStructure]
        public var subtype: String
        public var parameters: [IMAPBodyParameter]
        public var extensions: IMAPBodyExtensions

        public init(parts: [IMAPBodyStructure], subtype: String, parameters: [IMAPBodyParameter] = [],
                    extensions: IMAPBodyExtensions = IMAPBodyExtensions()) {
            self.parts = parts
            self.subtype = subtype
            self.parameters = parameters
            self.extensions = extensions
        }
    }
}

/// A `body-fld-param` attribute/value pair.
public struct IMAPBodyParameter: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// The extension data common to single parts and multiparts: disposition, language, location.
public struct IMAPBodyExtensions: Sendable, Equatable {
    /// `body-fld-dsp`: e.g. `attachment` with `filename=a.pdf`.
    public struct Disposition: Sendable, Equatable {
        public var type: String
        public var parameters: [IMAPBodyParameter]

        public init(_ type: String, parameters: [IMAPBodyParameter] = []) {
            self.type = type
            self.parameters = parameters
        }
    }

    public var disposition: Disposition?
    public var languages: [String]
    public var location: String?

    public init(disposition: Disposition? = nil, languages: [String] = [], location: String? = nil) {
        self.disposition = disposition
        self.languages = languages
        self.location = location
    }
}
