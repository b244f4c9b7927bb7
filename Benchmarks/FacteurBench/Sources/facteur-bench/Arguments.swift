/// `--name value` options and `--flag` switches after the scenario name.
struct Arguments {
    private var values: [String: String] = [:]
    private var flags: Set<String> = []

    init(_ words: ArraySlice<String>, flags known: Set<String>) throws(BenchError) {
        var iterator = words.makeIterator()
        while let word = iterator.next() {
            guard word.hasPrefix("--") else { throw BenchError("unexpected argument \(word)") }
            let name = String(word.dropFirst(2))
            if known.contains(name) {
                flags.insert(name)
            } else if let value = iterator.next() {
                values[name] = value
            } else {
                throw BenchError("\(word) needs a value")
            }
        }
    }

    func has(_ flag: String) -> Bool { flags.contains(flag) }

    func string(_ name: String, default fallback: String? = nil) throws(BenchError) -> String {
        guard let value = values[name] ?? fallback else { throw BenchError("--\(name) is required") }
        return value
    }

    func integer(_ name: String, default fallback: Int? = nil, in range: ClosedRange<Int>) throws(BenchError) -> Int {
        guard let text = values[name] else {
            guard let fallback else { throw BenchError("--\(name) is required") }
            return fallback
        }
        guard let value = Int(text), range.contains(value) else {
            throw BenchError("--\(name) must be a number in \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }
}
