/// JSON string literal escaping as serde_json writes it (the safetensors reference
/// implementation): `"` and `\` escaped, control characters as \b \f \n \r \t or \u00xx
/// (lower-case hex), everything else raw UTF-8. Shared by the safetensors writer and the
/// hand-written baseline files, whose bytes must not depend on Foundation's encoder.
public func jsonQuoted(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\u{08}": out += "\\b"
        case "\u{0C}": out += "\\f"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if scalar.value < 0x20 {
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}
