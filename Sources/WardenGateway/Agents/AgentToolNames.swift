import WardenCore
import WardenModel

/// Tool names as a model sees them. OpenAI-compatible function names allow only `[A-Za-z0-9_-]{1,64}`, so
/// `server.tool` is offered as `server__tool`. The map is built over the whole catalog (not only what the agent
/// may see), so a model asking for a hidden tool reaches the pipeline under its real name and gets the same
/// answer an external agent gets; a name two tools would share is offered for neither.
public struct AgentToolNames: Sendable {
    var toolOfFunction: [String: String] = [:]
    var functionOfTool: [String: String] = [:]

    public init(toolNames: [String]) {
        var seen: [String: [String]] = [:]
        for tool in toolNames {
            let function = Self.function(for: tool)
            guard function.utf8.count <= 64 else { continue }
            seen[function, default: []].append(tool)
        }
        for (function, tools) in seen where tools.count == 1 {
            toolOfFunction[function] = tools[0]
            functionOfTool[tools[0]] = function
        }
    }

    static func function(for tool: String) -> String {
        tool.replacingOccurrences(of: ".", with: "__")
    }

    /// The function name a tool is offered under; nil when it cannot be offered.
    public func function(of tool: String) -> String? { functionOfTool[tool] }

    /// The tool a model's function name stands for; a name not in the map goes to the pipeline as it is (an
    /// unknown tool there, refused like any other).
    public func tool(of function: String) -> String { toolOfFunction[function] ?? function }

    /// Tool definitions (as `tools/list` advertises them) as the model's function tools.
    public func chatTools(_ definitions: [JSONValue]) -> [ChatTool] {
        definitions.compactMap { definition in
            guard let name = definition["name"]?.stringValue, let function = function(of: name) else { return nil }
            return ChatTool(
                name: function, description: definition["description"]?.stringValue ?? "",
                parameters: definition["inputSchema"] ?? ["type": "object"])
        }
    }
}
