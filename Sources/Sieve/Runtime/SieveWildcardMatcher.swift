/// RFC 5228 §2.7.1 `:matches`: `*` (any run), `?` (one character), `\` escapes. A greedy scan that
/// only ever backtracks to the most recent `*` needs O(pattern × text) steps at worst, never
/// exponential time, and yields the RFC 5229 §3.2 captures (each wildcard as short as possible,
/// leftmost first).
struct SieveWildcardMatcher {
    private enum Element: Equatable { case literal(Unicode.Scalar), one, any }

    private let elements: [Element]
    private let comparator: SieveComparator
    /// Number of wildcards, i.e. capture groups ${1}…
    let wildcardCount: Int

    init(pattern: String, comparator: SieveComparator) {
        var elements: [Element] = []
        var escaped = false
        for scalar in pattern.unicodeScalars {
            if escaped {
                elements.append(.literal(scalar))
                escaped = false
            } else if scalar == "\\" {
                escaped = true
            } else if scalar == "*" {
                elements.append(.any)
            } else if scalar == "?" {
                elements.append(.one)
            } else {
                elements.append(.literal(scalar))
            }
        }
        self.elements = elements
        self.comparator = comparator
        self.wildcardCount = elements.filter { !Self.isLiteral($0) }.count
    }

    private static func isLiteral(_ element: Element) -> Bool {
        if case .literal = element { return true }
        return false
    }

    private func equal(_ pattern: Unicode.Scalar, _ text: Unicode.Scalar) -> Bool {
        comparator == .asciiCasemap ? SieveComparator.fold(pattern) == SieveComparator.fold(text) : pattern == text
    }

    /// Match `text`; on success returns the captures (`[0]` is the whole text). `steps` counts the
    /// work done, and the scan gives up (nil) once it passes `limit`, so the interpreter's budget
    /// covers hostile patterns too.
    func match(_ text: String, steps: inout Int, limit: Int = .max) -> [String]? {
        let scalars = Array(text.unicodeScalars)
        var wildcardOfElement: [Int] = []
        var counter = 0
        for element in elements {
            wildcardOfElement.append(Self.isLiteral(element) ? -1 : counter)
            if !Self.isLiteral(element) { counter += 1 }
        }
        var captures = [Range<Int>](repeating: 0..<0, count: counter)
        var patternIndex = 0
        var textIndex = 0
        var starElement = -1        // element index of the last `*` seen
        var starTextStart = 0       // where that `*` began in the text
        var starTextEnd = 0         // how far that `*` currently extends
        while textIndex < scalars.count || patternIndex < elements.count {
            steps += 1
            if steps > limit { return nil }
            if patternIndex < elements.count {
                switch elements[patternIndex] {
                case .any:
                    starElement = patternIndex
                    starTextStart = textIndex
                    starTextEnd = textIndex
                    captures[wildcardOfElement[patternIndex]] = textIndex..<textIndex
                    patternIndex += 1
                    continue
                case .one where textIndex < scalars.count:
                    captures[wildcardOfElement[patternIndex]] = textIndex..<(textIndex + 1)
                    patternIndex += 1
                    textIndex += 1
                    continue
                case .literal(let scalar) where textIndex < scalars.count && equal(scalar, scalars[textIndex]):
                    patternIndex += 1
                    textIndex += 1
                    continue
                default:
                    break
                }
            }
            // Mismatch: let the last `*` take one more character and retry what follows it.
            guard starElement >= 0, starTextEnd < scalars.count else { return nil }
            starTextEnd += 1
            captures[wildcardOfElement[starElement]] = starTextStart..<starTextEnd
            patternIndex = starElement + 1
            textIndex = starTextEnd
        }
        var result = [text]
        result += captures.map { String(String.UnicodeScalarView(scalars[$0])) }
        return result
    }
}
