/// Who is exporting: becomes the OTLP `Resource` of every batch.
public struct ServiceResource: Hashable, Sendable {
    /// `service.name`, e.g. "warden".
    public var serviceName: String
    /// `service.version`.
    public var serviceVersion: String
    /// `service.instance.id`, unique per running cell (e.g. tenant and replica).
    public var serviceInstanceID: String
    /// Further resource attributes (e.g. `deployment.environment.name`); they cannot replace the three above.
    public var attributes: [SpanAttribute]

    public init(
        serviceName: String, serviceVersion: String, serviceInstanceID: String,
        attributes: [(String, SpanAttributeValue)] = []
    ) {
        self.serviceName = serviceName
        self.serviceVersion = serviceVersion
        self.serviceInstanceID = serviceInstanceID
        let reserved: Set<String> = ["service.name", "service.version", "service.instance.id"]
        var seen = Set<String>()
        self.attributes = attributes.compactMap { key, value in
            guard !reserved.contains(key), seen.insert(key).inserted else { return nil }
            return SpanAttribute(key: key, value: value)
        }
    }

    /// The resource attributes in export order.
    public var allAttributes: [SpanAttribute] {
        [
            SpanAttribute(key: "service.name", value: .string(serviceName)),
            SpanAttribute(key: "service.version", value: .string(serviceVersion)),
            SpanAttribute(key: "service.instance.id", value: .string(serviceInstanceID)),
        ] + attributes
    }
}

/// Encodes a batch of spans as the OTLP/HTTP JSON body of an `ExportTraceServiceRequest`.
///
/// Pure. Follows the OTLP JSON rules: camelCase field names, trace and span ids as lower-case hex strings
/// (not base64), 64-bit integers as decimal strings, enums as integers, default values omitted.
public struct OTLPJSONEncoder: Sendable {
    /// The instrumentation scope name on every batch.
    public static let scopeName = "warden"

    public var resource: ServiceResource
    public var scopeVersion: String

    public init(resource: ServiceResource, scopeVersion: String? = nil) {
        self.resource = resource
        self.scopeVersion = scopeVersion ?? resource.serviceVersion
    }

    /// OTLP span flags: bit 8 says whether the parent is remote is known, bit 9 says it is.
    static let hasIsRemoteFlag: UInt32 = 0x100
    static let isRemoteFlag: UInt32 = 0x200

    public func encode(_ spans: [SpanRecord]) -> [UInt8] {
        var json = JSONWriter()
        json.raw("{\"resourceSpans\":[{\"resource\":{")
        json.key("attributes")
        attributes(resource.allAttributes, into: &json)
        json.raw("},\"scopeSpans\":[{\"scope\":{")
        json.key("name")
        json.string(Self.scopeName)
        json.comma()
        json.key("version")
        json.string(scopeVersion)
        json.raw("},\"spans\":[")
        for (index, span) in spans.enumerated() {
            if index > 0 { json.comma() }
            encode(span, into: &json)
        }
        json.raw("]}]}]}")
        return json.bytes
    }

    private func encode(_ span: SpanRecord, into json: inout JSONWriter) {
        json.raw("{")
        json.key("traceId")
        json.string(span.traceID.hex)
        json.comma()
        json.key("spanId")
        json.string(span.spanID.hex)
        if let parent = span.parentSpanID {
            json.comma()
            json.key("parentSpanId")
            json.string(parent.hex)
        }
        json.comma()
        json.key("flags")
        var flags = UInt32(span.context.flags) | Self.hasIsRemoteFlag
        if span.parentIsRemote { flags |= Self.isRemoteFlag }
        json.number(flags)
        json.comma()
        json.key("name")
        json.string(span.name)
        json.comma()
        json.key("kind")
        json.number(span.kind.rawValue)
        json.comma()
        json.key("startTimeUnixNano")
        json.int64String(span.startTimeUnixNano)
        json.comma()
        json.key("endTimeUnixNano")
        json.int64String(span.endTimeUnixNano)
        json.comma()
        json.key("attributes")
        attributes(span.attributes, into: &json)
        if span.droppedAttributesCount > 0 {
            json.comma()
            json.key("droppedAttributesCount")
            json.number(span.droppedAttributesCount)
        }
        if !span.events.isEmpty {
            json.comma()
            json.key("events")
            json.raw("[")
            for (index, event) in span.events.enumerated() {
                if index > 0 { json.comma() }
                encode(event, into: &json)
            }
            json.raw("]")
        }
        if span.droppedEventsCount > 0 {
            json.comma()
            json.key("droppedEventsCount")
            json.number(span.droppedEventsCount)
        }
        json.comma()
        json.key("status")
        json.raw("{")
        if case .error(let message) = span.status, !message.isEmpty {
            json.key("message")
            json.string(message)
            json.comma()
        }
        json.key("code")
        json.number(span.status.code)
        json.raw("}}")
    }

    private func encode(_ event: SpanEvent, into json: inout JSONWriter) {
        json.raw("{")
        json.key("timeUnixNano")
        json.int64String(event.timeUnixNano)
        json.comma()
        json.key("name")
        json.string(event.name)
        json.comma()
        json.key("attributes")
        attributes(event.attributes, into: &json)
        if event.droppedAttributesCount > 0 {
            json.comma()
            json.key("droppedAttributesCount")
            json.number(event.droppedAttributesCount)
        }
        json.raw("}")
    }

    private func attributes(_ list: [SpanAttribute], into json: inout JSONWriter) {
        json.raw("[")
        for (index, attribute) in list.enumerated() {
            if index > 0 { json.comma() }
            json.raw("{")
            json.key("key")
            json.string(attribute.key)
            json.raw(",\"value\":{")
            switch attribute.value {
            case .string(let text):
                json.key("stringValue")
                json.string(text)
            case .int(let value):
                json.key("intValue")
                json.int64String(value)
            case .double(let value):
                json.key("doubleValue")
                json.double(value)
            case .bool(let value):
                json.key("boolValue")
                json.bool(value)
            }
            json.raw("}}")
        }
        json.raw("]")
    }
}
