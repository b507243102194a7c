/// One dispatched Server-Sent Event.
public struct SSEEvent: Sendable, Hashable {
    /// The `event` field, "message" when absent.
    public var type: String
    /// The `data` lines joined with "\n".
    public var data: String
    /// The last event id seen on the stream when this event was dispatched (nil if none yet).
    public var lastEventID: String?

    public init(type: String = "message", data: String, lastEventID: String? = nil) {
        self.type = type
        self.data = data
        self.lastEventID = lastEventID
    }
}

/// Why an SSE stream was refused.
public enum SSEParserError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One line, or the data of one event, exceeds the limit: the stream is abandoned, not truncated.
    case eventTooLarge(limit: Int)

    public var description: String {
        switch self {
        case .eventTooLarge(let limit): return "SSE event exceeds \(limit) bytes"
        }
    }
}

/// An incremental `text/event-stream` parser following the WHATWG event-stream rules.
///
/// Pure and chunk-agnostic: bytes may arrive split anywhere, including inside a UTF-8 sequence or
/// between the CR and LF of a CRLF. Lines end at CRLF, LF or CR. Comments (lines starting ":") are
/// counted and dropped. A field named `id` whose value contains NUL is ignored, as the standard says.
/// An event is dispatched at a blank line; an unterminated event at the end of the stream is discarded.
public struct SSEParser: Sendable {
    /// The largest line, and the largest data of one event, in bytes.
    public let maxEventBytes: Int

    /// The last event id received (the value to send as `Last-Event-ID` when resuming).
    public private(set) var lastEventID: String?
    /// The reconnection delay the server asked for with `retry`, in milliseconds.
    public private(set) var retryMilliseconds: Int?
    /// How many comment lines were seen (servers use them as keep-alives).
    public private(set) var commentCount = 0

    private var line: [UInt8] = []
    private var afterCR = false
    private var atStreamStart = true
    private var data: [UInt8] = []
    private var hasData = false
    private var eventType: String?
    private var pendingID: String?

    public init(maxEventBytes: Int = 4 * 1024 * 1024) {
        self.maxEventBytes = maxEventBytes
    }

    /// Feeds the next chunk and returns the events it completes.
    public mutating func feed(_ chunk: some Sequence<UInt8>) throws(SSEParserError) -> [SSEEvent] {
        var events: [SSEEvent] = []
        for byte in chunk {
            if afterCR {
                afterCR = false
                if byte == 0x0A { continue }  // the LF of a CRLF already ended the line
            }
            switch byte {
            case 0x0D:
                afterCR = true
                if let event = try endLine() { events.append(event) }
            case 0x0A:
                if let event = try endLine() { events.append(event) }
            default:
                guard line.count < maxEventBytes else { throw .eventTooLarge(limit: maxEventBytes) }
                line.append(byte)
            }
        }
        return events
    }

    private mutating func endLine() throws(SSEParserError) -> SSEEvent? {
        var bytes = line[...]
        line.removeAll(keepingCapacity: true)
        if atStreamStart {
            atStreamStart = false
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        }
        if bytes.isEmpty { return dispatch() }
        if bytes.first == UInt8(ascii: ":") {
            commentCount += 1
            return nil
        }
        let name: ArraySlice<UInt8>
        var value: ArraySlice<UInt8>
        if let colon = bytes.firstIndex(of: UInt8(ascii: ":")) {
            name = bytes[..<colon]
            value = bytes[(colon + 1)...]
            if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        } else {
            name = bytes
            value = []
        }
        switch String(decoding: name, as: UTF8.self) {
        case "event":
            eventType = String(decoding: value, as: UTF8.self)
        case "data":
            guard data.count + value.count + 1 <= maxEventBytes else { throw .eventTooLarge(limit: maxEventBytes) }
            if hasData { data.append(0x0A) }
            data.append(contentsOf: value)
            hasData = true
        case "id":
            if !value.contains(0) { pendingID = String(decoding: value, as: UTF8.self) }
        case "retry":
            if !value.isEmpty, value.count <= 9, value.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                retryMilliseconds = Int(String(decoding: value, as: UTF8.self))
            }
        default:
            break  // unknown fields are ignored by the standard
        }
        return nil
    }

    private mutating func dispatch() -> SSEEvent? {
        if let pendingID {
            // An empty id resets the last event id, as the standard says.
            lastEventID = pendingID.isEmpty ? nil : pendingID
            self.pendingID = nil
        }
        defer {
            data.removeAll(keepingCapacity: true)
            hasData = false
            eventType = nil
        }
        guard hasData else { return nil }
        let type = eventType.flatMap { $0.isEmpty ? nil : $0 } ?? "message"
        return SSEEvent(type: type, data: String(decoding: data, as: UTF8.self), lastEventID: lastEventID)
    }
}
