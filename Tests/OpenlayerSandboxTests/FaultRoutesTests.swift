import DropJSON
import Testing

/// `GET`, `PUT` and `DELETE /v1/sandbox/faults`: the shape of the state, whole replacement,
/// clearing, and refusal of anything that would not inject what a test meant.
@Suite struct FaultRoutesTests {
    static let noFaults = #"""
        {"failNext": 0, "status": 503, "retryAfter": null, "retryAfterMs": null, "shouldRetry": null,
         "message": null, "latencyMs": 0, "dropNext": 0, "unauthorized": false}
        """#

    static func text(_ json: String) throws -> String { try JSONParser.parse(json).compactText }

    @Test func initiallyNothingIsInjected() async throws {
        try await SandboxHarness.withSandbox { client in
            let reply = try await client.send(.get, "/v1/sandbox/faults")
            #expect(reply.status == .ok)
            #expect(try reply.json.compactText == Self.text(Self.noFaults))
        }
    }

    @Test func putReplacesTheWholeStateAndDeleteClearsIt() async throws {
        try await SandboxHarness.withSandbox { client in
            let all = #"""
                {"failNext": 3, "status": 429, "retryAfter": "Wed, 21 Oct 2015 07:28:00 GMT", "retryAfterMs": 250,
                 "shouldRetry": true, "message": "busy", "latencyMs": 10, "dropNext": 1, "unauthorized": false}
                """#
            let put = try await client.send(.put, "/v1/sandbox/faults", body: all)
            #expect(put.status == .ok)
            #expect(try put.json.compactText == Self.text(all))
            #expect(try await client.send(.get, "/v1/sandbox/faults").json.compactText == Self.text(all))

            // Fields left out are off, not kept; an integer Retry-After is sent as its digits.
            let some = try await client.send(.put, "/v1/sandbox/faults", body: #"{"retryAfter": 2, "latencyMs": 5}"#)
            #expect(some.status == .ok)
            let expected = try JSONParser.parse(Self.noFaults).replacing("retryAfter", with: .string("2"))
                .replacing("latencyMs", with: .integer(5))
            #expect(try await client.send(.get, "/v1/sandbox/faults").json.compactText == expected.compactText)

            let deleted = try await client.send(.delete, "/v1/sandbox/faults")
            #expect(deleted.status == .ok)
            #expect(try deleted.json.compactText == Self.text(Self.noFaults))
            #expect(try await client.send(.get, "/v1/sandbox/faults").json.compactText == Self.text(Self.noFaults))
        }
    }

    @Test(arguments: [
        ("unknown field", #"{"failnext": 1}"#),
        ("negative count", #"{"failNext": -1}"#),
        ("negative drops", #"{"dropNext": -2}"#),
        ("success status", #"{"failNext": 1, "status": 200}"#),
        ("status out of range", #"{"status": 600}"#),
        ("count as text", #"{"failNext": "2"}"#),
        ("count as double", #"{"failNext": 2.0}"#),
        ("switch as text", #"{"unauthorized": "yes"}"#),
        ("header injection", #"{"retryAfter": "2\r\nX-Evil: 1"}"#),
        ("empty Retry-After", #"{"retryAfter": ""}"#),
        ("negative retryAfterMs", #"{"retryAfterMs": -1}"#),
        ("latency too long", #"{"latencyMs": 600001}"#),
        ("body not an object", #"[]"#),
        ("body not JSON", #"{"failNext": "#),
    ])
    func invalidFaultsAreRefusedAndChangeNothing(label: String, body: String) async throws {
        try await SandboxHarness.withSandbox { client in
            #expect(try await client.send(.put, "/v1/sandbox/faults", body: #"{"failNext": 1}"#).status == .ok)
            let reply = try await client.send(.put, "/v1/sandbox/faults", body: body)
            #expect(reply.status == .badRequest, "\(label)")
            #expect(try reply.json.at("error")?.string?.isEmpty == false, "\(label)")
            let state = try await client.send(.get, "/v1/sandbox/faults").json
            #expect(state.at("failNext") == .integer(1), "\(label)")
        }
    }

    @Test func faultRoutesNeedTheKey() async throws {
        try await SandboxHarness.withSandbox { client in
            #expect(try await client.send(.get, "/v1/sandbox/faults", key: nil).status == .unauthorized)
            let put = try await client.send(.put, "/v1/sandbox/faults", body: #"{"failNext": 1}"#, key: "wrong")
            #expect(put.status == .unauthorized)
            #expect(try await client.send(.delete, "/v1/sandbox/faults", key: nil).status == .unauthorized)
            #expect(try await client.send(.get, "/v1/sandbox/faults").json.at("failNext") == .integer(0))
        }
    }
}

extension JSONValue {
    /// The object with one member's value replaced, keeping the order of the keys.
    fileprivate func replacing(_ key: String, with value: JSONValue) -> JSONValue {
        guard case .object(var object) = self else { return self }
        object[key] = value
        return .object(object)
    }
}
