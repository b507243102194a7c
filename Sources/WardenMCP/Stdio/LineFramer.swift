/// Splits a byte stream into newline-delimited messages, as the MCP stdio transport frames them.
///
/// Pure. A trailing CR before the LF is dropped; empty lines are skipped. A line longer than the
/// limit is refused as a whole: a peer that sends one cannot be trusted to be in sync any more.
public struct LineFramer: Sendable {
    public let maxLineBytes: Int
    private var buffer: [UInt8] = []

    public init(maxLineBytes: Int) {
        self.maxLineBytes = maxLineBytes
    }

    /// Thrown when a line exceeds `maxLineBytes`.
    public struct LineTooLong: Error, Sendable, Hashable {
        public var limit: Int
    }

    /// Feeds a chunk and returns the complete lines it finishes.
    public mutating func feed(_ chunk: some Sequence<UInt8>) throws(LineTooLong) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        for byte in chunk {
            if byte == 0x0A {
                if buffer.last == 0x0D { buffer.removeLast() }
                if !buffer.isEmpty { lines.append(buffer) }
                buffer.removeAll(keepingCapacity: true)
            } else {
                guard buffer.count < maxLineBytes else { throw LineTooLong(limit: maxLineBytes) }
                buffer.append(byte)
            }
        }
        return lines
    }

    /// Bytes received after the last newline.
    public var pendingByteCount: Int { buffer.count }
}
