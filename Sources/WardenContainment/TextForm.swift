import Foundation

/// The spelling Warden matches on. Look-alike forms (full-width letters, ligatures, non-breaking spaces) fold to
/// one form under Unicode NFKC, and characters that render as nothing are dropped, so a value cannot be made to
/// look different to the index than it looks to a person.
enum TextForm {
    /// Characters that render as nothing or only reorder text: zero-width characters, bidirectional controls,
    /// variation selectors, tag characters, soft hyphens, and C0/C1 controls other than whitespace.
    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x08, 0x0E...0x1B, 0x7F...0x84, 0x86...0x9F: true
        case 0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B...0x180F, 0x200B...0x200F: true
        case 0x202A...0x202E, 0x2060...0x206F, 0x3164, 0xFE00...0xFE0F, 0xFEFF, 0xFFA0, 0xE0000...0xE0FFF: true
        default: false
        }
    }

    /// NFKC with invisible characters removed; case and spacing are kept.
    static func cleaned(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            return text
        }
        var out = String.UnicodeScalarView()
        for scalar in text.precomposedStringWithCompatibilityMapping.unicodeScalars where !isInvisible(scalar) {
            out.append(scalar)
        }
        return String(out)
    }

    /// The `.text` form: cleaned, lowercased, every run of whitespace one space, trimmed.
    static func normalised(_ text: String) -> String {
        collapsed(cleaned(text).lowercased())
    }

    static func collapsed(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if isWhitespace(scalar) {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace {
                out.append(" ")
                pendingSpace = false
            }
            out.append(scalar)
        }
        return String(out)
    }

    static func trimmed(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        guard let first = scalars.firstIndex(where: { !isWhitespace($0) }),
            let last = scalars.lastIndex(where: { !isWhitespace($0) })
        else { return "" }
        return string(scalars[first...last])
    }

    static func string<S: Sequence>(_ scalars: S) -> String where S.Element == Unicode.Scalar {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x80
            ? scalar == " " || (scalar.value >= 0x09 && scalar.value <= 0x0D) : scalar.properties.isWhitespace
    }

    static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x80 { return isASCIIAlphanumeric(scalar) }
        return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    static func isASCIIAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        isDigit(scalar) || isASCIILetter(scalar)
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool { scalar.value >= 0x30 && scalar.value <= 0x39 }

    static func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value >= 0x41 && scalar.value <= 0x5A) || (scalar.value >= 0x61 && scalar.value <= 0x7A)
    }

    static func isUppercaseASCII(_ scalar: Unicode.Scalar) -> Bool { scalar.value >= 0x41 && scalar.value <= 0x5A }

    /// ASCII-only lowercasing (for schemes, hosts and codes, where Unicode case mapping would change lengths).
    static func asciiLowercased(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        isUppercaseASCII(scalar) ? Unicode.Scalar(scalar.value + 0x20)! : scalar
    }

    static func asciiUppercased(_ text: String) -> String {
        string(text.unicodeScalars.map { $0.value >= 0x61 && $0.value <= 0x7A ? Unicode.Scalar($0.value - 0x20)! : $0 })
    }

    /// `text` for a person: printable ASCII as is (quotes and backslashes escaped), everything else as `\u{…}`, cut
    /// at `limit` characters.
    static func escaped(_ text: String, limit: Int = 80) -> String {
        var out = ""
        var characters = 0
        for character in text {
            if characters == limit {
                out += "..."
                break
            }
            characters += 1
            for scalar in character.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case " "..."~": out.unicodeScalars.append(scalar)
                default: out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                }
            }
        }
        return out
    }
}
