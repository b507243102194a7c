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
        json.member("name", string: Self.scopeName)
        json.comma()
        json.member("version", string: scopeVersion)
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
        json.member("traceId", string: span.traceID.hex)
        json.comma()
        json.member("spanId", string: span.spanID.hex)
        if let parent = span.parentSpanID {
            json.comma()
            json.member("parentSpanId", string: parent.hex)
        }
        json.comma()
        json.key("flags")
        var flags = UInt32(span.context.flags) | Self.hasIsRemoteFlag
        if span.parentIsRemote { flags |= Self.isRemoteFlag }
        json.number(flags)
        json.comma()
        json.member("name", string: span.name)
        json.comma()
        json.member("kind", number: span.kind.rawValue)
        json.comma()
        json.member("startTimeUnixNano", int64String: span.startTimeUnixNano)
        json.comma()
        json.member("endTimeUnixNano", int64String: span.endTimeUnixNano)
        json.comma()
        attributes(span.attributes, dropped: span.droppedAttributesCount, into: &json)
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
        droppedCount("droppedEventsCount", span.droppedEventsCount, into: &json)
        json.comma()
        json.key("status")
        json.raw("{")
        if case .error(let message) = span.status, !message.isEmpty {
            json.member("message", string: message)
            json.comma()
        }
        json.member("code", number: span.status.code)
        json.raw("}}")
    }

    private func encode(_ event: SpanEvent, into json: inout JSONWriter) {
        json.raw("{")
        json.member("timeUnixNano", int64String: event.timeUnixNano)
        json.comma()
        json.member("name", string: event.name)
        json.comma()
        attributes(event.attributes, dropped: event.droppedAttributesCount, into: &json)
        json.raw("}")
    }

    /// `"attributes":[…]`, then how many were dropped: spans and events carry both.
    private func attributes(_ list: [SpanAttribute], dropped: UInt32, into json: inout JSONWriter) {
        json.key("attributes")
        attributes(list, into: &json)
        droppedCount("droppedAttributesCount", dropped, into: &json)
    }

    /// `,"<key>":count`, left out when nothing was dropped (proto3 JSON omits default values).
    private func droppedCount(_ key: StaticString, _ count: UInt32, into json: inout JSONWriter) {
        guard count > 0 else { return }
        json.comma()
        json.member(key, number: count)
    }

    private func attributes(_ list: [SpanAttribute], into json: inout JSONWriter) {
        json.raw("[")
        for (index, attribute) in list.enumerated() {
            if index > 0 { json.comma() }
            json.raw("{")
            json.member("key", string: attribute.key)
            json.raw(",\"value\":{")
            switch attribute.value {
            case .string(let text):
                json.member("stringValue", string: text)
            case .int(let value):
                json.member("intValue", int64String: value)
            case .double(let value):
                json.member("doubleValue", double: value)
            case .bool(let value):
                json.member("boolValue", bool: value)
            }
            json.raw("}}")
        }
        json.raw("]")
    }
}
