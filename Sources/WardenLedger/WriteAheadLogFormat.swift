import Foundation

/// The record format of the ledger's write-ahead log (pure: no I/O).
///
/// File: the 8-byte header `WLEDGER1`, then records `uint32 BE length || entry || SHA-256(0x00 || entry)`.
/// The trailing leaf hash lets recovery tell a complete record from a torn one (a zero-filled or half-written
/// tail cannot carry a matching hash) and saves rehashing on replay.
enum WriteAheadLogFormat {
    static let header = Data("WLEDGER1".utf8)
    static let overhead = 4 + TreeHash.byteCount

    static func append(entry: Data, leafHash: TreeHash, to out: inout Data) {
        let length = UInt32(entry.count)
        out.append(UInt8(length >> 24))
        out.append(UInt8((length >> 16) & 0xff))
        out.append(UInt8((length >> 8) & 0xff))
        out.append(UInt8(length & 0xff))
        out.append(entry)
        leafHash.withUnsafeBytes { out.append(contentsOf: $0) }
    }

    enum Decoded {
        /// A complete, self-consistent record of `length` bytes.
        case record(entry: Data, leafHash: TreeHash, length: Int)
        /// The buffer ends inside the record.
        case incomplete
        /// The record cannot be valid whatever follows.
        case corrupt(String)
    }

    /// Splits off the record at `offset` without hashing: its entry bytes and stored leaf hash, or nil if the
    /// buffer ends inside it or its length is impossible. For callers that check the hash themselves.
    static func split(_ buffer: Data, at offset: Int) -> (entry: Data, storedHash: Data, length: Int)? {
        guard buffer.endIndex - offset >= 4 else { return nil }
        let length =
            Int(buffer[offset]) << 24 | Int(buffer[offset + 1]) << 16 | Int(buffer[offset + 2]) << 8
            | Int(buffer[offset + 3])
        guard length <= EntryBundle.maximumEntrySize else { return nil }
        let total = 4 + length + TreeHash.byteCount
        guard buffer.endIndex - offset >= total else { return nil }
        return (
            buffer[(offset + 4)..<(offset + 4 + length)], buffer[(offset + 4 + length)..<(offset + total)], total
        )
    }

    static func decode(_ buffer: Data, at offset: Int) -> Decoded {
        guard buffer.endIndex - offset >= 4 else { return .incomplete }
        let length =
            Int(buffer[offset]) << 24 | Int(buffer[offset + 1]) << 16 | Int(buffer[offset + 2]) << 8
            | Int(buffer[offset + 3])
        guard length <= EntryBundle.maximumEntrySize else { return .corrupt("record length \(length) too large") }
        let total = 4 + length + TreeHash.byteCount
        guard buffer.endIndex - offset >= total else { return .incomplete }
        let entry = buffer[(offset + 4)..<(offset + 4 + length)]
        let stored = buffer[(offset + 4 + length)..<(offset + total)]
        let leafHash = RFC6962.leafHash(entry)
        guard leafHash.withUnsafeBytes({ $0.elementsEqual(stored) }) else {
            return .corrupt("record does not match its leaf hash")
        }
        return .record(entry: Data(entry), leafHash: leafHash, length: total)
    }
}
