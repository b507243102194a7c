import Foundation
import Logging
import WardenRedaction
import WardenTracing

/// OpenTelemetry traces of tool calls: one server span per `tools/call` (tool, effect class, decision, rule,
/// outcome) with a client span around the upstream call. Spans carry names, classes and rule ids only —
/// never arguments or results — and every string passes the redactor on its way in (the tracer's sanitizer).
public struct ToolCallTracing: Sendable {
    public let tracer: Tracer
    let exporter: OTLPHTTPExporter

    public init(
        settings: TracingSettings, headers: [(name: String, value: String)], tenant: String,
        redactor: Redactor = Redactor(), logger: Logger
    ) throws {
        let configuration = try OTLPExporterConfiguration(
            endpoint: try OTLPEndpoint(settings.endpoint, allowInsecureHTTP: settings.allowInsecureHTTP),
            headers: headers,
            resource: ServiceResource(
                serviceName: settings.serviceName, serviceVersion: Cell.version,
                serviceInstanceID: "\(tenant)/\(ProcessInfo.processInfo.processIdentifier)",
                attributes: [("warden.tenant", .string(tenant))]))
        exporter = OTLPHTTPExporter(configuration: configuration, logger: logger)
        tracer = Tracer(sink: exporter, sanitizer: { redactor.redact($0) })
    }

    /// Starts the exporter and returns its lifecycle as background work (flushes for up to 5 s at stop).
    public func start() -> CellBackgroundWork {
        exporter.start()
        let exporter = self.exporter
        return CellBackgroundWork(
            name: "trace-export", interval: nil, stop: { await exporter.shutdown(deadline: .now + .seconds(5)) })
    }

    /// Exporter counters for `/metrics`.
    public func gauges() -> [MetricGauge] {
        let counters = exporter.counters
        return [
            MetricGauge(
                name: "warden_trace_spans_exported", help: "Spans the collector accepted.",
                value: Double(counters.exportedSpans)),
            MetricGauge(
                name: "warden_trace_spans_dropped", help: "Spans dropped because the export queue was full.",
                value: Double(counters.droppedSpans)),
            MetricGauge(
                name: "warden_trace_spans_failed", help: "Spans in batches the collector never accepted.",
                value: Double(counters.failedSpans + counters.rejectedSpans)),
        ]
    }
}
