/// A minimal JSON byte writer for the encoder: the caller controls structure, this escapes strings and
/// formats numbers exactly as proto3 JSON expects.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// A JSON string with every character JSON requires escaped (quote, backslash, U+0000...U+001F), plus
    /// U+2028/U+2029 so the output is also safe to embed in JavaScript.
    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": raw("\\\"")
            case "\\": raw("\\\\")
            case "\n": raw("\\n")
            case "\r": raw("\\r")
            case "\t": raw("\\t")
            case "\u{2028}": raw("\\u2028")
            case "\u{2029}": raw("\\u2029")
            case _ where scalar.value < 0x20:
                raw("\\u00")
                Hex.append(UInt64(scalar.value), byteCount: 1, to: &bytes)
            default:
                bytes.append(contentsOf: String(scalar).utf8)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Key then colon.
    mutating func key(_ name: StaticString) {
        bytes.append(UInt8(ascii: "\""))
        raw(name)
        raw("\":")
    }

    /// A 64-bit integer as a decimal string, the proto3 JSON form of int64/fixed64.
    mutating func int64String(_ value: some BinaryInteger) {
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: String(value).utf8)
        bytes.append(UInt8(ascii: "\""))
    }

    /// A 32-bit or smaller integer as a bare JSON number.
    mutating func number(_ value: some BinaryInteger) {
        bytes.append(contentsOf: String(value).utf8)
    }

    /// A double; proto3 JSON spells the non-finite values as the strings "NaN", "Infinity", "-Infinity".
    mutating func double(_ value: Double) {
        if value.isNaN {
            raw("\"NaN\"")
        } else if value.isInfinite {
            if value < 0 { raw("\"-Infinity\"") } else { raw("\"Infinity\"") }
        } else {
            bytes.append(contentsOf: value.description.utf8)
        }
    }

    mutating func bool(_ value: Bool) {
        if value { raw("true") } else { raw("false") }
    }

    mutating func comma() { bytes.append(UInt8(ascii: ",")) }

    // One object member, key and value, per call, so the encoder reads one line per OTLP field.

    mutating func member(_ name: StaticString, string text: String) {
        key(name)
        string(text)
    }

    mutating func member(_ name: StaticString, int64String value: some BinaryInteger) {
        key(name)
        int64String(value)
    }

    mutating func member(_ name: StaticString, number value: some BinaryInteger) {
        key(name)
        number(value)
    }

    mutating func member(_ name: StaticString, double value: Double) {
        key(name)
        double(value)
    }

    mutating func member(_ name: StaticString, bool value: Bool) {
        key(name)
        bool(value)
    }
}
