import Foundation

/// tlog-tiles entry bundles: each entry as a big-endian uint16 length followed by its bytes.
public enum EntryBundle {
    /// The largest entry a bundle can carry.
    public static let maximumEntrySize = Int(UInt16.max)

    /// Why a bundle could not be decoded; `entry` is the position within the bundle.
    public struct DecodingError: Error, Equatable, Sendable {
        public var entry: Int
        public var reason: String
    }

    /// Encodes entries (each at most 65535 bytes; the writer refuses larger ones before they get here).
    static func encode(_ entries: [Data]) -> Data {
        var out = Data()
        out.reserveCapacity(entries.reduce(0) { $0 + 2 + $1.count })
        for entry in entries {
            precondition(entry.count <= maximumEntrySize, "entry too large for an entry bundle")
            out.append(UInt8(entry.count >> 8))
            out.append(UInt8(entry.count & 0xff))
            out.append(entry)
        }
        return out
    }

    /// Decodes a bundle; refuses truncated records and trailing bytes.
    public static func decode(_ bundle: Data) throws(DecodingError) -> [Data] {
        var entries: [Data] = []
        var offset = bundle.startIndex
        while offset < bundle.endIndex {
            guard bundle.endIndex - offset >= 2 else {
                throw DecodingError(entry: entries.count, reason: "truncated length prefix")
            }
            let length = Int(bundle[offset]) << 8 | Int(bundle[offset + 1])
            offset += 2
            guard bundle.endIndex - offset >= length else {
                throw DecodingError(entry: entries.count, reason: "entry runs past the end of the bundle")
            }
            entries.append(bundle[offset..<(offset + length)])
            offset += length
        }
        return entries
    }
}

/// Tile contents: concatenated 32-byte hashes.
enum TileCodec {
    static func encode(_ hashes: some Collection<TreeHash>) -> Data {
        var out = Data()
        out.reserveCapacity(hashes.count * TreeHash.byteCount)
        for hash in hashes {
            hash.withUnsafeBytes { out.append(contentsOf: $0) }
        }
        return out
    }

    static func decode(_ data: Data, width: Int) -> [TreeHash]? {
        guard data.count == width * TreeHash.byteCount else { return nil }
        var hashes: [TreeHash] = []
        hashes.reserveCapacity(width)
        var offset = data.startIndex
        for _ in 0..<width {
            guard let hash = TreeHash(data[offset..<(offset + TreeHash.byteCount)]) else { return nil }
            hashes.append(hash)
            offset += TreeHash.byteCount
        }
        return hashes
    }

    /// The Merkle Tree Hash of a full tile: its 256 hashes hashed up eight levels.
    static func fullTileRoot(_ hashes: [TreeHash]) -> TreeHash {
        subtreeRoot(hashes[...])
    }

    /// Hashes a power-of-two run of hashes up to its single root.
    static func subtreeRoot(_ hashes: ArraySlice<TreeHash>) -> TreeHash {
        var level = Array(hashes)
        while level.count > 1 {
            var next: [TreeHash] = []
            next.reserveCapacity(level.count / 2)
            var index = 0
            while index + 1 < level.count {
                next.append(RFC6962.nodeHash(level[index], level[index + 1]))
                index += 2
            }
            level = next
        }
        return level[0]
    }
}
