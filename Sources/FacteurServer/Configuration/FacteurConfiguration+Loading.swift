// Finding the configuration file and turning its TOML into a FacteurConfiguration, with every
// complaint naming the file, the line and the key.
import Foundation
import TOMLKit

extension FacteurConfiguration {
    /// Consulted when `--config` is not given.
    public static let environmentVariable = "FACTEUR_CONFIG"
    /// Looked for in the current directory when neither `--config` nor the variable is set.
    public static let defaultFileName = "facteur.toml"
    /// Configuration files are small; a bigger one is a mistake (or an attack on the parser).
    static let maximumFileSize = 1 << 20

    /// Resolves and reads the configuration: `path` (from `--config`), then `$FACTEUR_CONFIG`,
    /// then `./facteur.toml`, then development defaults. A file that is named but missing is an
    /// error; only the last step falls back silently.
    ///
    /// - Parameters:
    ///   - environment: the process environment; a parameter so tests can supply their own.
    ///   - currentDirectory: where `facteur.toml` is looked for; nil for the process's own.
    public static func load(path: String?,
                            environment: [String: String] = ProcessInfo.processInfo.environment,
                            currentDirectory: String? = nil) throws(ConfigurationError) -> FacteurConfiguration {
        if let path {
            return try load(file: path)
        }
        if let fromEnvironment = environment[environmentVariable], !fromEnvironment.isEmpty {
            return try load(file: fromEnvironment)
        }
        let defaultFile = currentDirectory.map { ($0 as NSString).appendingPathComponent(defaultFileName) }
            ?? defaultFileName
        if FileManager.default.fileExists(atPath: defaultFile) {
            return try load(file: defaultFile)
        }
        return developmentDefaults()
    }

    /// Reads and parses one file.
    public static func load(file: String) throws(ConfigurationError) -> FacteurConfiguration {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ConfigurationError(file: file, line: nil, message: "cannot read the configuration file")
        }
        guard data.count <= maximumFileSize else {
            throw ConfigurationError(file: file, line: nil, message: "larger than \(maximumFileSize) bytes")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw ConfigurationError(file: file, line: nil, message: "not valid UTF-8")
        }
        return try parse(text, file: file)
    }

    /// Parses configuration text; `file` names it in errors and in `sourceFile`. Of several
    /// problems, the one on the earliest line is reported.
    public static func parse(_ text: String, file: String) throws(ConfigurationError) -> FacteurConfiguration {
        let document: TOMLTable
        do {
            document = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError(file: file, line: error.source.begin.line, message: error.description)
        } catch {
            throw ConfigurationError(file: file, line: nil, message: "cannot parse: \(error)")
        }
        var reader = ConfigurationReader(file: file, locator: TOMLKeyLocator(text))
        let configuration = reader.read(document)
        if let first = reader.problems.min(by: { ($0.line ?? .max) < ($1.line ?? .max) }) {
            throw first
        }
        return configuration
    }
}

/// Walks a parsed document against `ConfigurationSchema`, collecting problems instead of
/// stopping at the first, so the earliest by line can be reported.
private struct ConfigurationReader {
    let file: String
    let locator: TOMLKeyLocator
    var problems: [ConfigurationError] = []

    mutating func read(_ document: TOMLTable) -> FacteurConfiguration {
        var configuration = FacteurConfiguration.fileBaseline(sourceFile: file)
        let rootKeys = ConfigurationSchema.rootKeys
        let sections = ConfigurationSchema.sections
        for name in document.keys {
            guard let value = document[name] else { continue }
            if let key = rootKeys[name] {
                apply(key, value: value, path: [name], to: &configuration)
            } else if let section = sections[name] {
                guard let table = value.table else {
                    complain(at: [name], "\(name): expected a table")
                    continue
                }
                read(table, as: section, named: name, into: &configuration)
            } else {
                complain(at: [name], "unknown key '\(name)'")
            }
        }
        return configuration
    }

    private mutating func read(_ table: TOMLTable, as section: ConfigurationSection, named name: String,
                               into configuration: inout FacteurConfiguration) {
        section.whenPresent(&configuration)
        for keyName in table.keys {
            guard let value = table[keyName] else { continue }
            guard let key = section.keys[keyName] else {
                complain(at: [name, keyName], "unknown key '\(name).\(keyName)'")
                continue
            }
            apply(key, value: value, path: [name, keyName], to: &configuration)
        }
        if let failure = section.validate(configuration) {
            let path = failure.key.map { [name, $0] } ?? [name]
            let line = locator.line(of: path) ?? locator.line(of: [name])
            problems.append(ConfigurationError(file: file, line: line,
                                               message: "\(path.joined(separator: ".")): \(failure.message)"))
        }
    }

    private mutating func apply(_ key: ConfigurationKey, value: any TOMLValueConvertible, path: [String],
                                to configuration: inout FacteurConfiguration) {
        if let complaint = key.apply(value, &configuration) {
            complain(at: path, "\(path.joined(separator: ".")): \(complaint)")
        }
    }

    private mutating func complain(at path: [String], _ message: String) {
        problems.append(ConfigurationError(file: file, line: locator.line(of: path), message: message))
    }
}
