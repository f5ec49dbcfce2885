@testable import DropEngine
import Testing

@Suite("service.http: where metrics and health checks are served")
struct HTTPConfigTests {
    static func parse(service: String) throws(ConfigError) -> DropConfig {
        try ConfigTests.parse(service + "\n" + ConfigTests.valid)
    }

    @Test("Loopback port 9464 when not set; null turns the endpoint off")
    func defaultAndOff() throws {
        #expect(try ConfigTests.parse(ConfigTests.valid).service.httpListen == ListenAddress(host: "127.0.0.1", port: 9464))
        #expect(try Self.parse(service: "service: {settleSeconds: 1}").service.httpListen == ListenAddress(host: "127.0.0.1", port: 9464))
        #expect(try Self.parse(service: "service: {http: {}}").service.httpListen == ListenAddress(host: "127.0.0.1", port: 9464))
        #expect(try Self.parse(service: "service: {http: null}").service.httpListen == nil)
        #expect(try Self.parse(service: "service:\n  http:\n").service.httpListen == nil)
    }

    @Test("An address is host:port, an IPv6 host in brackets", arguments: [
        ("0.0.0.0:9100", "0.0.0.0", 9100),
        ("localhost:0", "localhost", 0),
        ("[::1]:9464", "::1", 9464),
        ("metrics.internal:80", "metrics.internal", 80),
    ])
    func addresses(_ listen: String, _ host: String, _ port: Int) throws {
        let config = try Self.parse(service: "service: {http: {listen: '\(listen)'}}")
        #expect(config.service.httpListen == ListenAddress(host: host, port: port))
    }

    @Test("A bad address names service.http.listen and what was expected", arguments: [
        ("127.0.0.1", "expected host:port"),
        ("127.0.0.1:99999", "expected a port from 0 to 65535"),
        ("127.0.0.1:metrics", "expected a port from 0 to 65535"),
        (":9464", "expected a host before ':'"),
        ("::1:9464", "write an IPv6 host in brackets"),
        ("[not-v6]:9464", "is not an IPv6 address"),
        ("bad host!:9464", "neither an IP address nor a host name"),
    ])
    func badAddress(_ listen: String, _ message: String) throws {
        let error = #expect(throws: ConfigError.self) { try Self.parse(service: "service: {http: {listen: '\(listen)'}}") }
        #expect(error?.keyPath == "service.http.listen")
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
    }

    @Test("A misspelt key under http is named, with its path")
    func unknownKey() throws {
        let error = #expect(throws: ConfigError.self) { try Self.parse(service: "service: {http: {listne: '127.0.0.1:1'}}") }
        #expect(error?.kind == .unknownKey)
        #expect(error?.keyPath == "service.http.listne")
        let wrongType = #expect(throws: ConfigError.self) { try Self.parse(service: "service: {http: 9464}") }
        #expect(wrongType?.keyPath == "service.http")
    }
}

@Suite("service.logFormat")
struct LogFormatConfigTests {
    @Test("text unless set; json or text when set; anything else names the key and the choices")
    func logFormat() throws {
        #expect(try ConfigTests.parse(ConfigTests.valid).service.logFormat == .text)
        #expect(try HTTPConfigTests.parse(service: "service: {logFormat: json}").service.logFormat == .json)
        #expect(try HTTPConfigTests.parse(service: "service: {logFormat: text}").service.logFormat == .text)
        let error = #expect(throws: ConfigError.self) { try HTTPConfigTests.parse(service: "service: {logFormat: yaml}") }
        #expect(error?.keyPath == "service.logFormat")
        #expect(error?.kind == .badChoice)
        #expect(error?.message == "expected one of text, json")
    }
}
