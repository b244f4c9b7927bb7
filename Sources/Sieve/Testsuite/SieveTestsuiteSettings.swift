import Foundation

/// The `test_config_set` keys this engine has, under Pigeonhole's names, mapped onto its limits and
/// run options. A key it lacks is reported as unsupported, so the test is skipped rather than run
/// under the wrong configuration.
struct SieveTestsuiteSettings {
    var limits = SieveLimits.default
    var options = SieveInterpreter.Options()
    /// sieve_user_email: the user's own address (vacation, redirect's envelope sender).
    var userEmail: String?
    /// sieve_redirect_envelope_from: "sender", "recipient", "orig_recipient", "user_email" or "<addr>".
    var redirectEnvelopeFrom = "sender"

    /// Applies `value`; false when the key is unknown or the value unusable.
    mutating func set(_ key: String, _ value: String) -> Bool {
        let text = value.trimmingCharacters(in: .whitespaces)
        switch key.lowercased() {
        case "recipient_delimiter":
            guard !text.isEmpty else { return false }
            options.recipientDelimiters = text
        case "sieve_user_email":
            userEmail = text.isEmpty ? nil : text
        case "sieve_redirect_envelope_from":
            redirectEnvelopeFrom = text.lowercased().hasPrefix("<") ? text : text.lowercased()
        case "sieve_variables_max_variable_size":
            guard let size = Self.size(text) else { return false }
            limits.maximumVariableLength = size
        case "sieve_include_max_nesting_depth":
            guard let depth = Int(text), depth >= 0 else { return false }
            limits.maximumIncludeDepth = depth
        case "sieve_max_script_size":
            guard let size = Self.size(text) else { return false }
            limits.maximumScriptSize = size
        case "sieve_max_actions":
            guard let count = Int(text), count >= 0 else { return false }
            limits.maximumActions = count
        case "sieve_max_redirects":
            guard let count = Int(text), count >= 0 else { return false }
            limits.maximumRedirects = count
        case "sieve_vacation_min_period":
            guard let period = Self.duration(text) else { return false }
            options.minimumVacationPeriod = period
        case "sieve_vacation_max_period":
            guard let period = Self.duration(text) else { return false }
            options.maximumVacationPeriod = period
        case "sieve_duplicate_default_period":
            guard let period = Self.duration(text) else { return false }
            options.defaultDuplicatePeriod = period
        default:
            return false
        }
        return true
    }

    /// Restores the default of `key`; false when the key is unknown.
    mutating func unset(_ key: String) -> Bool {
        let defaults = SieveTestsuiteSettings()
        switch key.lowercased() {
        case "recipient_delimiter": options.recipientDelimiters = defaults.options.recipientDelimiters
        case "sieve_user_email": userEmail = nil
        case "sieve_redirect_envelope_from": redirectEnvelopeFrom = defaults.redirectEnvelopeFrom
        case "sieve_variables_max_variable_size": limits.maximumVariableLength = defaults.limits.maximumVariableLength
        case "sieve_include_max_nesting_depth": limits.maximumIncludeDepth = defaults.limits.maximumIncludeDepth
        case "sieve_max_script_size": limits.maximumScriptSize = defaults.limits.maximumScriptSize
        case "sieve_max_actions": limits.maximumActions = defaults.limits.maximumActions
        case "sieve_max_redirects": limits.maximumRedirects = defaults.limits.maximumRedirects
        case "sieve_vacation_min_period": options.minimumVacationPeriod = defaults.options.minimumVacationPeriod
        case "sieve_vacation_max_period": options.maximumVacationPeriod = defaults.options.maximumVacationPeriod
        case "sieve_duplicate_default_period":
            options.defaultDuplicatePeriod = defaults.options.defaultDuplicatePeriod
        default: return false
        }
        return true
    }

    /// "4096", "4k", "1M" (Dovecot's size syntax), bounded to what an Int holds comfortably.
    static func size(_ text: String) -> Int? {
        let units: [Character: Int] = ["k": 1 << 10, "m": 1 << 20, "g": 1 << 30]
        let lowered = text.lowercased()
        var digits = Substring(lowered)
        var factor = 1
        if let last = lowered.last, let unit = units[last] {
            factor = unit
            digits = digits.dropLast()
        }
        guard digits.count <= 12, let number = Int(digits), number >= 0 else { return nil }
        return number * factor
    }

    /// "30", "30s", "5m", "2h", "1d", "1w" (Dovecot's interval syntax) in seconds.
    static func duration(_ text: String) -> Int? {
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400, "w": 604_800]
        let lowered = text.lowercased().replacingOccurrences(of: " ", with: "")
        var digits = Substring(lowered)
        var factor = 1
        if let last = lowered.last, let unit = units[last] {
            factor = unit
            digits = digits.dropLast()
        }
        guard digits.count <= 9, let number = Int(digits), number >= 0 else { return nil }
        return number * factor
    }
}
