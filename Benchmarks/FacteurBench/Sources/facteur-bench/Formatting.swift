/// `value` with `digits` decimals (no Foundation here for String(format:)).
func fixed(_ value: Double, _ digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = Int((abs(value) * scale).rounded())
    let whole = String(scaled / Int(scale))
    guard digits > 0 else { return (value < 0 ? "-" : "") + whole }
    let fraction = String(scaled % Int(scale))
    return (value < 0 ? "-" : "") + whole + "." + String(repeating: "0", count: digits - fraction.count) + fraction
}
