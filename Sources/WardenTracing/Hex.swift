/// Lower-case hex, the only spelling W3C Trace Context and our OTLP JSON emit.
enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends the big-endian hex of `value`, `byteCount` bytes wide, to `output`.
    static func append(_ value: UInt64, byteCount: Int, to output: inout [UInt8]) {
        var shift = (byteCount - 1) * 8
        while shift >= 0 {
            let byte = UInt8(truncatingIfNeeded: value >> UInt64(shift))
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0f)])
            shift -= 8
        }
    }

    static func string(_ value: UInt64, byteCount: Int) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(byteCount * 2)
        append(value, byteCount: byteCount, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// The value of one lower-case hex digit; upper case is refused because W3C requires lower case.
    static func lowerCaseDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }

    /// Parses exactly `bytes.count` lower-case hex digits (at most 16) into an integer.
    static func parseLowerCase(_ bytes: ArraySlice<UInt8>) -> UInt64? {
        guard !bytes.isEmpty, bytes.count <= 16 else { return nil }
        var value: UInt64 = 0
        for byte in bytes {
            guard let digit = lowerCaseDigit(byte) else { return nil }
            value = value << 4 | UInt64(digit)
        }
        return value
    }
}
