import Foundation
import Testing
import WardenCore

@testable import WardenMCP

/// Malformed JSON-RPC must be refused with the right reason and the standard error code.
@Suite struct JSONRPCDecodingTests {
    struct Malformed: Sendable, CustomTestStringConvertible {
        var text: String
        var reason: JSONRPCDecodingError.Reason
        var code: JSONRPCErrorCode
        var testDescription: String { text }
    }

    static let malformed: [Malformed] = [
        .init(text: "{not json", reason: .notJSON, code: .parseError),
        .init(text: "", reason: .notJSON, code: .parseError),
        .init(text: #"{"jsonrpc":"2.0","method":"ping","id":1"#, reason: .notJSON, code: .parseError),
        .init(
            text: #"{"jsonrpc":"2.0","method":"tools/list","method":"tools/call","id":1}"#,
            reason: .notJSON,
            code: .parseError
        ),
        .init(text: "[]", reason: .batchNotSupported, code: .invalidRequest),
        .init(text: #"[{"jsonrpc":"2.0","method":"ping","id":1}]"#, reason: .batchNotSupported, code: .invalidRequest),
        .init(text: #""ping""#, reason: .notAnObject, code: .invalidRequest),
        .init(text: "42", reason: .notAnObject, code: .invalidRequest),
        .init(text: "null", reason: .notAnObject, code: .invalidRequest),
        .init(text: #"{"method":"ping","id":1}"#, reason: .badVersion, code: .invalidRequest),
        .init(text: #"{"jsonrpc":"1.0","method":"ping","id":1}"#, reason: .badVersion, code: .invalidRequest),
        .init(text: #"{"jsonrpc":2.0,"method":"ping","id":1}"#, reason: .badVersion, code: .invalidRequest),
        .init(text: #"{"jsonrpc":"2.0","method":5,"id":1}"#, reason: .methodNotString, code: .invalidRequest),
        .init(text: #"{"jsonrpc":"2.0","method":null,"id":1}"#, reason: .methodNotString, code: .invalidRequest),
        .init(
            text: #"{"jsonrpc":"2.0","method":"x","params":"a","id":1}"#,
            reason: .paramsNotStructured,
            code: .invalidRequest
        ),
        .init(
            text: #"{"jsonrpc":"2.0","method":"x","params":null,"id":1}"#,
            reason: .paramsNotStructured,
            code: .invalidRequest
        ),
        .init(text: #"{"jsonrpc":"2.0","method":"x","params":3}"#, reason: .paramsNotStructured, code: .invalidRequest),
        .init(text: #"{"jsonrpc":"2.0","method":"x","id":true}"#, reason: .badID, code: .invalidRequest),
        .init(text: #"{"jsonrpc":"2.0","method":"x","id":1.5}"#, reason: .badID, code: .invalidRequest),
        .init(text: #"{"jsonrpc":"2.0","method":"x","id":{}}"#, reason: .badID, code: .invalidRequest),
        .init(text: #"{"jsonrpc":"2.0","method":"x","id":null}"#, reason: .badID, code: .invalidRequest),
        .init(text: #"{"jsonrpc":"2.0","id":1}"#, reason: .resultXorError, code: .invalidRequest),
        .init(
            text: #"{"jsonrpc":"2.0","id":1,"result":{},"error":{"code":1,"message":"m"}}"#,
            reason: .resultXorError,
            code: .invalidRequest
        ),
        .init(text: #"{"jsonrpc":"2.0","result":{}}"#, reason: .missingID, code: .invalidRequest),
        .init(text: #"{"jsonrpc":"2.0","id":null,"result":{}}"#, reason: .missingID, code: .invalidRequest),
        .init(
            text: #"{"jsonrpc":"2.0","id":1,"error":{"message":"m"}}"#,
            reason: .badErrorObject,
            code: .invalidRequest
        ),
        .init(
            text: #"{"jsonrpc":"2.0","id":1,"error":{"code":"x","message":"m"}}"#,
            reason: .badErrorObject,
            code: .invalidRequest
        ),
        .init(text: #"{"jsonrpc":"2.0","id":1,"error":{"code":1}}"#, reason: .badErrorObject, code: .invalidRequest),
        .init(text: #"{"jsonrpc":"2.0","id":1,"error":"boom"}"#, reason: .badErrorObject, code: .invalidRequest),
        .init(
            text: #"{"jsonrpc":"2.0","id":1,"method":"x","result":{}}"#,
            reason: .mixedRequestAndResponse,
            code: .invalidRequest
        ),
        .init(
            text: #"{"jsonrpc":"2.0","id":1,"method":"x","extra":1}"#,
            reason: .unknownMember("extra"),
            code: .invalidRequest
        ),
        .init(
            text: #"{"jsonrpc":"2.0","id":1,"result":{},"meta":1}"#,
            reason: .unknownMember("meta"),
            code: .invalidRequest
        ),
        .init(
            text: #"{"jsonrpc":"2.0","id":1,"error":{"code":1,"message":"m","stack":"s"}}"#,
            reason: .unknownMember("error.stack"),
            code: .invalidRequest
        ),
    ]

    @Test("malformed message is refused with the right reason and code", arguments: malformed)
    func malformedMessageIsRefused(_ input: Malformed) {
        #expect(throws: JSONRPCDecodingError.self) { try JSONRPCDecoder().decode(bytes: Array(input.text.utf8)) }
        do {
            _ = try JSONRPCDecoder().decode(bytes: Array(input.text.utf8))
        } catch {
            #expect(error.reason == input.reason)
            #expect(error.code == input.code)
            #expect(error.response.error.code == input.code)
        }
    }

    @Test func refusalKeepsTheRequestIDSoTheAnswerCanBeMatched() throws {
        let text = #"{"jsonrpc":"1.0","id":"req-7","method":"tools/call"}"#
        let error = try #require(throws: JSONRPCDecodingError.self) {
            try JSONRPCDecoder().decode(bytes: Array(text.utf8))
        }
        #expect(error.id == .string("req-7"))
        #expect(error.response.id == .string("req-7"))
    }

    @Test func batchIsRefusedWithAClearMessage() throws {
        let error = try #require(throws: JSONRPCDecodingError.self) {
            try JSONRPCDecoder().decode(bytes: Array("[1]".utf8))
        }
        #expect(error.description.contains("batches are not supported"))
    }

    @Test func messageOverTheSizeLimitIsRefusedBeforeParsing() throws {
        let text = #"{"jsonrpc":"2.0","method":"ping","id":1}"#
        let error = try #require(throws: JSONRPCDecodingError.self) {
            try JSONRPCDecoder(maxMessageBytes: 10).decode(bytes: Array(text.utf8))
        }
        #expect(error.reason == .tooLarge(limit: 10))
        #expect(error.code == .invalidRequest)
    }

    @Test func validMessagesDecodeToTheirKinds() throws {
        let decoder = JSONRPCDecoder()
        let request = try decoder.decode(
            bytes: Array(#"{"jsonrpc":"2.0","id":3,"method":"tools/list","params":{}}"#.utf8))
        #expect(request == .request(JSONRPCRequest(id: .number(3), method: "tools/list", params: [:])))
        let notification = try decoder.decode(
            bytes: Array(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#.utf8))
        #expect(notification == .notification(JSONRPCNotification(method: "notifications/initialized")))
        let success = try decoder.decode(bytes: Array(#"{"jsonrpc":"2.0","id":"a","result":{"ok":true}}"#.utf8))
        #expect(success == .response(.success(JSONRPCSuccessResponse(id: .string("a"), result: ["ok": true]))))
        let failure = try decoder.decode(
            bytes: Array(#"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"bad"}}"#.utf8))
        #expect(
            failure
                == .response(.error(JSONRPCErrorResponse(id: nil, error: .init(code: .parseError, message: "bad"))))
        )
    }

    @Test(
        "encoding then decoding gives the same message",
        arguments: [
            JSONRPCMessage.request(JSONRPCRequest(id: .number(-9), method: "tools/call", params: ["name": "echo"])),
            .request(JSONRPCRequest(id: .string("x\ny"), method: "ping")),
            .notification(JSONRPCNotification(method: "notifications/cancelled", params: ["requestId": 1])),
            .response(.success(JSONRPCSuccessResponse(id: .number(1), result: ["content": [], "n": 1.5]))),
            .response(
                .error(
                    JSONRPCErrorResponse(
                        id: .string("k"),
                        error: JSONRPCErrorObject(code: .methodNotFound, message: "no", data: ["m": "x"])
                    )
                )
            ),
            .response(
                .error(JSONRPCErrorResponse(id: nil, error: JSONRPCErrorObject(code: .parseError, message: "p")))),
        ]
    )
    func encodingRoundTrips(_ message: JSONRPCMessage) throws {
        let bytes = message.encoded()
        #expect(!bytes.contains(0x0A), "stdio framing needs single-line messages")
        #expect(try JSONRPCDecoder().decode(bytes: bytes) == message)
    }
}
