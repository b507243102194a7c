/// Base64url without padding (RFC 4648 §5), strict: decoding refuses padding, characters outside the alphabet,
/// impossible lengths and non-zero unused trailing bits, so every byte string has exactly one accepted encoding.
enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Maps an ASCII byte to its 6-bit value, or 0xFF.
    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index + 3 <= bytes.count {
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            out.append(alphabet[Int(chunk >> 18 & 63)])
            out.append(alphabet[Int(chunk >> 12 & 63)])
            out.append(alphabet[Int(chunk >> 6 & 63)])
            out.append(alphabet[Int(chunk & 63)])
            index += 3
        }
        let rest = bytes.count - index
        if rest == 1 {
            let chunk = UInt32(bytes[index]) << 16
            out.append(alphabet[Int(chunk >> 18 & 63)])
            out.append(alphabet[Int(chunk >> 12 & 63)])
        } else if rest == 2 {
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            out.append(alphabet[Int(chunk >> 18 & 63)])
            out.append(alphabet[Int(chunk >> 12 & 63)])
            out.append(alphabet[Int(chunk >> 6 & 63)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `input`, or returns nil if it is not the canonical encoding of some byte string.
    static func decode(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        let capacity = decodedCapacity(input.count)
        var count = 0
        let out = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            count = decode(input, into: buffer) ?? -1
            initialized = max(count, 0)
        }
        return count >= 0 ? out : nil
    }

    /// Upper bound of the decoded size of `count` characters.
    static func decodedCapacity(_ count: Int) -> Int { count / 4 * 3 + 2 }

    /// Decodes `input` into `output` and returns the number of bytes written, or nil if `input` is not canonical
    /// base64url or `output` is too small. Allocates nothing.
    static func decode(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        let remainder = input.count % 4
        if remainder == 1 { return nil }
        let needed = input.count / 4 * 3 + (remainder == 0 ? 0 : remainder - 1)
        guard output.count >= needed else { return nil }
        return decodeTable.withUnsafeBufferPointer { table -> Int? in
            var index = 0
            var written = 0
            while index + 4 <= input.count {
                let a = table[Int(input[index])]
                let b = table[Int(input[index + 1])]
                let c = table[Int(input[index + 2])]
                let d = table[Int(input[index + 3])]
                if (a | b | c | d) & 0xC0 != 0 { return nil }
                let chunk = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                output[written] = UInt8(truncatingIfNeeded: chunk >> 16)
                output[written + 1] = UInt8(truncatingIfNeeded: chunk >> 8)
                output[written + 2] = UInt8(truncatingIfNeeded: chunk)
                written += 3
                index += 4
            }
            if remainder == 2 {
                let a = table[Int(input[index])]
                let b = table[Int(input[index + 1])]
                if (a | b) & 0xC0 != 0 || b & 0x0F != 0 { return nil }
                output[written] = a << 2 | b >> 4
                written += 1
            } else if remainder == 3 {
                let a = table[Int(input[index])]
                let b = table[Int(input[index + 1])]
                let c = table[Int(input[index + 2])]
                if (a | b | c) & 0xC0 != 0 || c & 0x03 != 0 { return nil }
                output[written] = a << 2 | b >> 4
                output[written + 1] = (b & 0x0F) << 4 | c >> 2
                written += 2
            }
            return written
        }
    }

    static func decode(_ string: String) -> [UInt8]? {
        var copy = string
        return copy.withUTF8 { decode($0) }
    }
}
