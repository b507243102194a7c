import AsyncHTTPClient
import Foundation
import Logging
import WardenCore
import WardenGrants
import WardenModel

/// Warden's own agents in a cell: their scheduler, and for each run a model client and the loop
/// (`AgentRunner`) on the cell's one call pipeline. Started by the cell once its pipeline exists.
public struct AgentRuntime: Sendable {
    /// The same runtime with another model source (`warden demo` scripts its agent's model).
    public func replacingModels(
        with modelFor: @escaping @Sendable (AgentDefinition, String) async throws -> any ChatModel
    ) -> AgentRuntime {
        AgentRuntime(
            agents: agents, store: store, tenant: tenant, secrets: secrets, approvals: approvals, attached: attached,
            logger: logger, modelFor: modelFor)
    }

    public let agents: [AgentDefinition]
    public let store: AgentScheduleStore
    let tenant: String
    let secrets: any SecretResolver
    let approvals: ApprovalStore?
    let attached: (any AttachedGrantStore)?
    let logger: Logger
    /// The model behind an agent's run (agent, run name); by default its configured OpenAI-compatible endpoint
    /// (`warden demo` and tests may script one).
    let modelFor: @Sendable (AgentDefinition, String) async throws -> any ChatModel

    public init(
        agents: [AgentDefinition], store: AgentScheduleStore, tenant: String, secrets: any SecretResolver,
        approvals: ApprovalStore?, attached: (any AttachedGrantStore)? = nil, logger: Logger,
        modelFor: (@Sendable (AgentDefinition, String) async throws -> any ChatModel)? = nil
    ) {
        self.attached = attached
        self.agents = agents
        self.store = store
        self.tenant = tenant
        self.secrets = secrets
        self.approvals = approvals
        self.logger = logger
        self.modelFor =
            modelFor ?? { agent, _ in
                try await Self.endpointModel(agent.model, secrets: secrets, logger: logger)
            }
    }

    /// The configured endpoint, its API key read from the secret store now (so a rotated key is used at the next
    /// run).
    static func endpointModel(
        _ settings: AgentModelSettings, secrets: any SecretResolver, logger: Logger
    ) async throws -> any ChatModel {
        var endpoint = ModelEndpoint(
            flavor: {
                switch settings.flavor {
                case .openAI: .openAI
                case .azure(let version): .azure(apiVersion: version)
                }
            }(), baseURL: settings.endpoint, model: settings.model)
        endpoint.apiKey = try await settings.apiKey?.resolve(with: secrets)
        endpoint.timeoutSeconds = settings.timeoutSeconds
        endpoint.maxAttempts = settings.attempts
        endpoint.tokenParameter = settings.tokenParameter
        return OpenAICompatibleClient(endpoint: endpoint, httpClient: modelHTTPClient, logger: logger)
    }

    /// The HTTP client of every model endpoint: it never follows a redirect (one must not carry the API key or the
    /// conversation to another host), and lives as long as the process.
    static let modelHTTPClient = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup,
        configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))

    public func scheduler(pipeline: ToolCallPipeline) -> AgentScheduler {
        AgentScheduler(agents: agents, store: store, logger: logger) { agent, run, task in
            await self.run(agent, name: run, task: task, pipeline: pipeline)
        }
    }

    /// One run of `agent`. A model that cannot be built (its key's secret is missing) ends the run escalated like a
    /// failing endpoint: a person is told, nothing is lost.
    public func run(_ agent: AgentDefinition, name: String, task: String?, pipeline: ToolCallPipeline) async
        -> AgentRunReport
    {
        let model: any ChatModel
        do {
            model = try await modelFor(agent, name)
        } catch {
            model = UnavailableModel(reason: "the model client could not be set up: \(LogSafe.describe(error))")
        }
        let runner = AgentRunner(
            agent: agent, tenant: tenant, pipeline: pipeline, model: model, approvals: approvals, attached: attached,
            logger: logger)
        return await runner.run(name: name, task: task, origin: name.contains("-now-") ? "request" : "schedule")
    }

    /// Runs the scheduler until the cell stops.
    public func serve(pipeline: ToolCallPipeline) async {
        await scheduler(pipeline: pipeline).runForever()
    }
}

/// A model that cannot be reached for a reason known before any request (a missing secret): every request fails.
struct UnavailableModel: ChatModel {
    let reason: String

    func complete(_ request: ChatRequest) async throws(ModelError) -> ChatResponse {
        throw ModelError(kind: .rejected, attempts: 0, detail: reason)
    }
}
