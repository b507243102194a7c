import Logging

/// A minimal JSON writer for log lines: never throws, always produces valid JSON.
///
/// Strings are escaped per RFC 8259 (quote, backslash and all control characters); invalid UTF-8 cannot occur
/// because Swift strings are always valid Unicode.
struct JSONLine {
    private(set) var bytes: [UInt8] = []
    private static let hexDigits = Array("0123456789abcdef".utf8)

    init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    mutating func append(raw: String) { bytes.append(contentsOf: raw.utf8) }

    mutating func append(string: String) {
        bytes.append(UInt8(ascii: "\""))
        for b in string.utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x00..<0x20, 0x7F:
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                bytes.append(Self.hexDigits[Int(b >> 4)])
                bytes.append(Self.hexDigits[Int(b & 0x0F)])
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends `value` with every string (keys included) passed through `transform`.
    mutating func append(metadata value: Logger.MetadataValue, transform: (String) -> String, depth: Int = 0) {
        // Deeply nested metadata is flattened to a marker rather than risk unbounded recursion.
        guard depth < 32 else {
            append(string: "[TRUNCATED:depth]")
            return
        }
        switch value {
        case .string(let string):
            append(string: transform(string))
        case .stringConvertible(let convertible):
            append(string: transform(convertible.description))
        case .dictionary(let dictionary):
            append(object: dictionary, transform: transform, depth: depth + 1)
        case .array(let array):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in array.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                append(metadata: element, transform: transform, depth: depth + 1)
            }
            bytes.append(UInt8(ascii: "]"))
        }
    }

    /// Appends an object with keys in sorted order, so equal metadata always produces equal lines.
    mutating func append(object: Logger.Metadata, transform: (String) -> String, depth: Int = 0) {
        bytes.append(UInt8(ascii: "{"))
        for (index, key) in object.keys.sorted().enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            append(string: transform(key))
            bytes.append(UInt8(ascii: ":"))
            if let value = object[key] { append(metadata: value, transform: transform, depth: depth) }
        }
        bytes.append(UInt8(ascii: "}"))
    }
}
