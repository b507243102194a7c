import AsyncHTTPClient
import Foundation
import Logging

extension UpstreamClient {
    /// A client for an upstream run as a subprocess. Nothing starts until the first call.
    /// - Parameter parentEnvironment: where the configured inherited variables are read from.
    public static func stdio(
        _ configuration: StdioUpstreamConfiguration,
        parentEnvironment: [String: String] = ProcessInfo.processInfo.environment,
        requestTimeout: Duration = .seconds(30),
        logger: Logger
    ) throws(UpstreamEnvironment.InvalidName) -> UpstreamClient {
        let transport = try StdioUpstreamTransport(
            configuration: configuration,
            parentEnvironment: parentEnvironment,
            logger: logger
        )
        return UpstreamClient(transport: transport, requestTimeout: requestTimeout, logger: logger)
    }

    /// A client for an upstream reached over Streamable HTTP. Nothing is sent until the first call.
    /// - Parameter httpClient: a shared client; when nil the transport owns one and shuts it down on close.
    public static func http(
        _ configuration: HTTPUpstreamConfiguration,
        httpClient: HTTPClient? = nil,
        requestTimeout: Duration = .seconds(30),
        logger: Logger
    ) throws(HTTPUpstreamConfiguration.Invalid) -> UpstreamClient {
        let transport = try HTTPUpstreamTransport(configuration: configuration, client: httpClient, logger: logger)
        return UpstreamClient(transport: transport, requestTimeout: requestTimeout, logger: logger)
    }
}
