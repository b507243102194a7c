import Foundation
import Testing
import WardenTracing

@Suite("exporter configuration refuses unsafe endpoints and headers")
struct ExporterConfigurationTests {
    static let resource = ServiceResource(serviceName: "warden", serviceVersion: "0", serviceInstanceID: "t")

    @Test("https endpoints get /v1/traces appended once")
    func appendsTracesPath() throws {
        #expect(
            try OTLPEndpoint("https://otel.example.com:4318").tracesURL == "https://otel.example.com:4318/v1/traces")
        #expect(
            try OTLPEndpoint("https://otel.example.com/base/").tracesURL == "https://otel.example.com/base/v1/traces")
        #expect(
            try OTLPEndpoint("https://otel.example.com/v1/traces").tracesURL == "https://otel.example.com/v1/traces")
    }

    @Test("plain http is allowed only to loopback unless explicitly allowed")
    func httpOnlyForLoopback() throws {
        for host in ["127.0.0.1", "127.9.8.7", "localhost", "[::1]"] {
            #expect(throws: Never.self) { try OTLPEndpoint("http://\(host):4318") }
        }
        for host in ["10.0.0.1", "otel.example.com", "128.0.0.1", "127.0.0.1.example.com"] {
            #expect(throws: OTLPConfigurationError.self) { try OTLPEndpoint("http://\(host):4318") }
        }
        #expect(throws: Never.self) { try OTLPEndpoint("http://otel.internal:4318", allowInsecureHTTP: true) }
    }

    @Test("other schemes, user info, queries and fragments are refused")
    func refusesOddURLs() {
        for url in [
            "ftp://otel.example.com", "otel.example.com:4318", "https://user:pw@otel.example.com",
            "https://otel.example.com/?token=x", "https://otel.example.com/#x", "https://",
        ] {
            #expect(throws: OTLPConfigurationError.self, "\(url)") { try OTLPEndpoint(url) }
        }
    }

    @Test("headers with CR/LF, bad names or names the exporter owns are refused")
    func refusesBadHeaders() throws {
        let endpoint = try OTLPEndpoint("https://otel.example.com")
        for header in [
            ("authorization", "Bearer a\r\nX-Injected: 1"), ("bad name", "v"), ("", "v"),
            ("Content-Type", "text/plain"),
            ("host", "evil"), ("x-key", "caf\u{e9}"),
        ] {
            #expect(throws: OTLPConfigurationError.self, "\(header)") {
                try OTLPExporterConfiguration(
                    endpoint: endpoint, headers: [(name: header.0, value: header.1)], resource: Self.resource)
            }
        }
    }

    @Test("the configuration's description names headers but never shows their values")
    func descriptionHidesHeaderValues() throws {
        let configuration = try OTLPExporterConfiguration(
            endpoint: OTLPEndpoint("https://otel.example.com"),
            headers: [(name: "api-key", value: "s3cr3t-value")], resource: Self.resource)
        #expect(configuration.description.contains("api-key"))
        #expect(!configuration.description.contains("s3cr3t-value"))
        #expect(!String(reflecting: configuration).contains("s3cr3t"))
    }

    @Test("non-positive limits are refused")
    func refusesBadLimits() throws {
        let endpoint = try OTLPEndpoint("https://otel.example.com")
        #expect(throws: OTLPConfigurationError.self) {
            try OTLPExporterConfiguration(endpoint: endpoint, resource: Self.resource, queueCapacity: 0)
        }
        #expect(throws: OTLPConfigurationError.self) {
            try OTLPExporterConfiguration(endpoint: endpoint, resource: Self.resource, maxBatchSize: 0)
        }
        #expect(throws: OTLPConfigurationError.self) {
            try OTLPExporterConfiguration(endpoint: endpoint, resource: Self.resource, flushInterval: .zero)
        }
    }
}
