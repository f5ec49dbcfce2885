import DropEngine
import Foundation
import Testing
import Yams

/// The files under `deploy/` and `scripts/build-deb.sh`, read the way their tools read them:
/// a mistake there shows only on someone's server, so the fields that matter are checked here.
@Suite("Deployment files")
struct DeployFilesTests {
    static let repository = ToolRun.repository

    static func text(_ path: String) throws -> String {
        try String(contentsOf: repository.appendingPathComponent(path), encoding: .utf8)
    }

    /// The metrics the service exports, with their labels; the dashboard may use nothing else.
    static let metrics: [String: Set<String>] = [
        "openlayer_drop_files_total": ["pipeline", "kind", "outcome"],
        "openlayer_drop_rows_published_total": ["pipeline", "kind"],
        "openlayer_drop_rows_rejected_total": ["pipeline", "kind"],
        "openlayer_drop_rows_duplicate_total": ["pipeline", "kind"],
        "openlayer_drop_batches_sent_total": ["pipeline"],
        "openlayer_drop_bytes_sent_total": ["pipeline"],
        "openlayer_drop_retries_total": ["pipeline", "status"],
        "openlayer_drop_request_duration_seconds": ["pipeline"],
        "openlayer_drop_files_queued": ["pipeline"],
        "openlayer_drop_requests_in_flight": ["pipeline"],
        "openlayer_drop_inotify_overflows_total": [],
        "openlayer_drop_last_success_timestamp_seconds": ["pipeline"],
        "openlayer_drop_pipeline_paused": ["pipeline"],
        "openlayer_drop_journal_bytes": [],
    ]
    static let histograms: Set<String> = ["openlayer_drop_request_duration_seconds"]

    // MARK: systemd

    /// A unit file's sections, each key with every value it is given (keys may repeat).
    static func unitSections(_ text: String) -> [String: [String: [String]]] {
        var sections: [String: [String: [String]]] = [:]
        var section = ""
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                section = String(line.dropFirst().dropLast())
                continue
            }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            sections[section, default: [:]][key, default: []].append(value)
        }
        return sections
    }

    @Test("The unit starts after check-config, reloads with SIGHUP after check-config, is confined, and waits out the shutdown timeout")
    func unitKeys() throws {
        let unit = Self.unitSections(try Self.text("deploy/systemd/openlayer-drop.service"))
        let service = try #require(unit["Service"])
        let config = "--config /etc/openlayer-drop/config.yaml"
        #expect(service["ExecStartPre"] == ["/usr/bin/openlayer-drop check-config \(config)"])
        #expect(service["ExecStart"] == ["/usr/bin/openlayer-drop watch \(config)"])
        #expect(service["ExecReload"] == ["/usr/bin/openlayer-drop check-config \(config)", "/bin/kill -HUP $MAINPID"])
        let expected: [String: String] = [
            "Restart": "on-failure", "User": "openlayer-drop", "Group": "openlayer-drop", "ProtectSystem": "strict",
            "ReadWritePaths": "/var/lib/openlayer-drop", "NoNewPrivileges": "yes", "PrivateTmp": "yes",
            "LoadCredential": "openlayer-api-key:/etc/openlayer-drop/api-key", "RestartPreventExitStatus": "78",
        ]
        for (key, value) in expected { #expect(service[key] == [value], "\(key)") }
        #expect(unit["Install"]?["WantedBy"] == ["multi-user.target"])

        // The deploy config is the one the unit names, and the unit outwaits its shutdown timeout.
        let loaded = try ConfigLoader.load(
            path: Self.repository.appendingPathComponent("deploy/config.yaml").path, environment: [:], requireAPIKey: false)
        #expect(loaded.directories.inbox == "/var/lib/openlayer-drop/inbox")
        #expect(loaded.directories.state == "/var/lib/openlayer-drop/state")
        let stopSeconds = try #require(service["TimeoutStopSec"]?.first.flatMap { Int($0) })
        #expect(Duration.seconds(stopSeconds) > loaded.service.shutdownTimeout)
    }

    @Test("The container's config loads as the service loads it, serving metrics and health checks to other hosts")
    func containerConfigLoads() throws {
        let loaded = try ConfigLoader.load(
            path: Self.repository.appendingPathComponent("deploy/docker/config.yaml").path, environment: [:], requireAPIKey: false)
        #expect(loaded.service.httpListen == ListenAddress(host: "0.0.0.0", port: 9464))
    }

    @Test("systemd-analyze verify finds nothing to say about the unit")
    func unitVerifies() throws {
        let analyze = "/usr/bin/systemd-analyze"
        guard FileManager.default.isExecutableFile(atPath: analyze) else { return }  // unitKeys has read it already
        let directory = NSTemporaryDirectory() + "unit-verify-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // verify checks that ExecStart's file is executable: point it at a stand-in, the rest unchanged.
        let standIn = directory + "/openlayer-drop"
        try "#!/bin/sh\n".write(toFile: standIn, atomically: true, encoding: .utf8)
        chmod(standIn, 0o755)
        let unit = try Self.text("deploy/systemd/openlayer-drop.service").replacingOccurrences(of: "/usr/bin/openlayer-drop", with: standIn)
        let unitPath = directory + "/openlayer-drop.service"
        try unit.write(toFile: unitPath, atomically: true, encoding: .utf8)
        let result = try Self.run(analyze, ["verify", unitPath])
        #expect(result.status == 0, "\(result.output)")
        // verify exits 0 on an unknown key or a value it cannot parse, and says so on stderr.
        let aboutUnit = result.output.split(separator: "\n").filter { $0.contains("openlayer-drop") }
        #expect(aboutUnit.isEmpty, "\(aboutUnit)")
    }

    @Test("The sysctl file raises both inotify limits")
    func inotifySysctl() throws {
        var settings: [String: Int] = [:]
        for line in try Self.text("deploy/systemd/99-openlayer-drop-inotify.conf").split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { continue }
            settings[parts[0]] = Int(parts[1])
        }
        #expect(Set(settings.keys) == ["fs.inotify.max_user_watches", "fs.inotify.max_queued_events"])
        // Above the kernel's defaults (8192 watches on older kernels, 16384 events), or the file is pointless.
        #expect((settings["fs.inotify.max_user_watches"] ?? 0) > 8192)
        #expect((settings["fs.inotify.max_queued_events"] ?? 0) > 16384)
    }

    // MARK: the configs of the images

    /// The config as YAML values, comments gone.
    static func configTree(_ yaml: String) throws -> [String: Any] {
        try #require(try Yams.load(yaml: yaml) as? [String: Any])
    }

    /// The tree as JSON with sorted keys, to compare two trees whatever their order and comments.
    static func canonical(_ tree: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: tree, options: [.sortedKeys]), as: UTF8.self)
    }

    /// `deploy/config.yaml` with the HTTP endpoints on every interface: what a container needs.
    static func containerConfigTree() throws -> [String: Any] {
        var tree = try configTree(try text("deploy/config.yaml"))
        var service = tree["service"] as? [String: Any] ?? [:]
        #expect(service["http"] == nil, "the server config keeps the default, loopback")
        service["http"] = ["listen": "0.0.0.0:9464"]
        tree["service"] = service
        return tree
    }

    @Test("The image's config is the server config with the endpoints open to the container's network")
    func dockerConfig() throws {
        let docker = try Self.configTree(try Self.text("deploy/docker/config.yaml"))
        #expect(try Self.canonical(docker) == Self.canonical(try Self.containerConfigTree()))
    }

    // MARK: Dockerfile

    struct Instruction {
        var keyword: String
        var arguments: String
    }

    /// Instructions with their continuation lines joined, comments dropped.
    static func dockerInstructions(_ text: String) -> [Instruction] {
        var instructions: [Instruction] = []
        var pending = ""
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") || (line.isEmpty && pending.isEmpty) { continue }
            if line.hasSuffix("\\") {
                pending += String(line.dropLast()) + " "
                continue
            }
            let whole = (pending + line).trimmingCharacters(in: .whitespaces)
            pending = ""
            guard !whole.isEmpty else { continue }
            let parts = whole.split(separator: " ", maxSplits: 1)
            instructions.append(Instruction(keyword: parts[0].uppercased(), arguments: parts.count > 1 ? String(parts[1]) : ""))
        }
        return instructions
    }

    @Test("The Dockerfile builds in a Swift stage and runs as a non-root user on Debian, with a health check on /healthz")
    func dockerfile() throws {
        let instructions = Self.dockerInstructions(try Self.text("deploy/docker/Dockerfile"))
        var arguments: [String: String] = [:]
        var stages: [[Instruction]] = []
        for instruction in instructions {
            if instruction.keyword == "ARG", stages.isEmpty {
                let parts = instruction.arguments.split(separator: "=", maxSplits: 1)
                if parts.count == 2 { arguments[String(parts[0])] = String(parts[1]) }
            }
            if instruction.keyword == "FROM" { stages.append([]) }
            if !stages.isEmpty { stages[stages.count - 1].append(instruction) }
        }
        try #require(stages.count >= 2, "multi-stage")
        func image(_ stage: [Instruction]) -> String {
            var from = String(stage[0].arguments.split(separator: " ")[0])
            for (name, value) in arguments { from = from.replacingOccurrences(of: "${\(name)}", with: value) }
            return from
        }
        func runs(_ stage: [Instruction]) -> String { stage.filter { $0.keyword == "RUN" }.map(\.arguments).joined(separator: "\n") }

        let build = stages[0]
        #expect(image(build).hasPrefix("swift:6."))
        #expect(build[0].arguments.hasSuffix(" AS build"))
        #expect(runs(build).contains("libinotifytools0-dev"))
        #expect(runs(build).contains("libsqlite3-dev"))
        #expect(runs(build).contains("swift build -c release --product openlayer-drop --static-swift-stdlib"))

        let runtime = try #require(stages.last)
        // The binary links the build image's glibc and libraries: the runtime is the same Debian release.
        let release = try #require(image(build).split(separator: "-").last)
        #expect(image(runtime) == "debian:\(release)-slim")
        for package in ["libinotifytools0", "libsqlite3-0", "zlib1g", "libstdc++6", "libgcc-s1", "ca-certificates", "curl"] {
            #expect(runs(runtime).contains(" \(package)"), "\(package) in the runtime image")
        }
        #expect(runtime.contains { $0.keyword == "COPY" && $0.arguments.hasPrefix("--from=build ") && $0.arguments.contains("/usr/bin/openlayer-drop") })

        let users = runtime.filter { $0.keyword == "USER" }.map { $0.arguments.split(separator: ":")[0] }
        let user = try #require(users.last)
        #expect(!["root", "0"].contains(user))
        #expect(runtime.contains { $0.keyword == "EXPOSE" && $0.arguments.split(separator: " ").contains("9464") })
        #expect(runtime.contains { $0.keyword == "VOLUME" && $0.arguments == "/var/lib/openlayer-drop" })
        let healthcheck = try #require(runtime.last(where: { $0.keyword == "HEALTHCHECK" }))
        #expect(healthcheck.arguments.contains("CMD curl -fsS"))
        #expect(healthcheck.arguments.contains("http://127.0.0.1:9464/healthz"))
        #expect(runtime.last(where: { $0.keyword == "CMD" })?.arguments == #"["watch", "--config", "/etc/openlayer-drop/config.yaml"]"#)

        // Every file copied from the build context is in the repository.
        for copy in instructions where copy.keyword == "COPY" && !copy.arguments.hasPrefix("--from") {
            let sources = copy.arguments.split(separator: " ").dropLast()
            for source in sources where source != "." {
                #expect(FileManager.default.fileExists(atPath: Self.repository.appendingPathComponent(String(source)).path), "\(source)")
            }
        }
    }

    // MARK: Kubernetes

    static func manifests(_ path: String) throws -> [[String: Any]] {
        try Yams.load_all(yaml: try text(path)).compactMap { $0 as? [String: Any] }
    }

    /// `value[a][b]…`, through mappings and, for an integer, lists.
    static func dig(_ value: Any?, _ path: Any...) -> Any? {
        var current = value
        for step in path {
            if let key = step as? String { current = (current as? [String: Any])?[key] }
            else if let index = step as? Int, let list = current as? [Any], list.indices.contains(index) { current = list[index] }
            else { return nil }
        }
        return current
    }

    @Test("The ConfigMap holds the server config with the endpoints open to the pod's network")
    func configMap() throws {
        let configMap = try #require(try Self.manifests("deploy/kubernetes/configmap.yaml").first { $0["kind"] as? String == "ConfigMap" })
        #expect(Self.dig(configMap, "metadata", "name") as? String == "openlayer-drop")
        let yaml = try #require(Self.dig(configMap, "data", "config.yaml") as? String)
        #expect(try Self.canonical(try Self.configTree(yaml)) == Self.canonical(try Self.containerConfigTree()))
    }

    @Test("The DaemonSet and the Deployment: key from the Secret, probes, scrape annotations, non-root, their inbox", arguments: [
        ("deploy/kubernetes/daemonset.yaml", "DaemonSet"), ("deploy/kubernetes/deployment.yaml", "Deployment"),
    ])
    func workload(_ path: String, _ kind: String) throws {
        let documents = try Self.manifests(path)
        let workload = try #require(documents.first { $0["kind"] as? String == kind })
        let pod = try #require(Self.dig(workload, "spec", "template") as? [String: Any])
        let labels = Self.dig(pod, "metadata", "labels") as? [String: String]
        #expect(labels != nil && labels == Self.dig(workload, "spec", "selector", "matchLabels") as? [String: String])

        let annotations = Self.dig(pod, "metadata", "annotations") as? [String: String]
        #expect(annotations == ["prometheus.io/scrape": "true", "prometheus.io/port": "9464", "prometheus.io/path": "/metrics"])

        let spec = try #require(pod["spec"] as? [String: Any])
        #expect(Self.dig(spec, "securityContext", "runAsNonRoot") as? Bool == true)
        #expect((Self.dig(spec, "securityContext", "runAsUser") as? Int ?? 0) != 0)
        #expect((spec["terminationGracePeriodSeconds"] as? Int ?? 30) > 30, "longer than the default shutdown timeout")

        let container = try #require(Self.dig(spec, "containers", 0) as? [String: Any])
        #expect(container["args"] as? [String] == ["watch", "--config", "/etc/openlayer-drop/config.yaml"])
        let env = container["env"] as? [[String: Any]] ?? []
        let key = try #require(env.first { $0["name"] as? String == "OPENLAYER_API_KEY" })
        #expect(Self.dig(key, "valueFrom", "secretKeyRef", "name") as? String == "openlayer-drop")
        #expect(Self.dig(key, "valueFrom", "secretKeyRef", "key") as? String == "api-key")
        #expect(key["value"] == nil, "never the key itself")
        #expect(Self.dig(container, "ports", 0, "containerPort") as? Int == 9464)
        #expect(Self.dig(container, "livenessProbe", "httpGet", "path") as? String == "/healthz")
        #expect(Self.dig(container, "livenessProbe", "httpGet", "port") as? Int == 9464)
        #expect(Self.dig(container, "readinessProbe", "httpGet", "path") as? String == "/readyz")
        #expect(Self.dig(container, "readinessProbe", "httpGet", "port") as? Int == 9464)
        #expect(Self.dig(container, "securityContext", "allowPrivilegeEscalation") as? Bool == false)

        // The mounts: the config from the ConfigMap, the root (inbox, archive, state) from the host or a claim.
        let mounts = container["volumeMounts"] as? [[String: Any]] ?? []
        let volumes = spec["volumes"] as? [[String: Any]] ?? []
        func volume(mountedAt path: String) -> [String: Any]? {
            guard let name = mounts.first(where: { $0["mountPath"] as? String == path })?["name"] as? String else { return nil }
            return volumes.first { $0["name"] as? String == name }
        }
        #expect(Self.dig(volume(mountedAt: "/etc/openlayer-drop"), "configMap", "name") as? String == "openlayer-drop")
        let root = try #require(volume(mountedAt: "/var/lib/openlayer-drop"))
        if kind == "DaemonSet" {
            #expect(Self.dig(root, "hostPath", "path") as? String == "/var/lib/openlayer-drop")
        } else {
            let claimName = try #require(Self.dig(root, "persistentVolumeClaim", "claimName") as? String)
            let claim = documents.first { $0["kind"] as? String == "PersistentVolumeClaim" && Self.dig($0, "metadata", "name") as? String == claimName }
            #expect(claim != nil, "the claim \(claimName) is in \(path)")
            #expect(Self.dig(workload, "spec", "replicas") as? Int == 1)
            #expect(Self.dig(workload, "spec", "strategy", "type") as? String == "Recreate")
        }
        if Self.dig(container, "securityContext", "readOnlyRootFilesystem") as? Bool == true {
            #expect(volume(mountedAt: "/tmp") != nil, "scratch files go to /tmp")
        }
    }

    // MARK: Grafana

    @Test("The dashboard uses only the service's metrics and labels, and shows what an operator looks for")
    func grafanaDashboard() throws {
        let dashboard = try #require(try JSONSerialization.jsonObject(with: Data(try Self.text("deploy/grafana/openlayer-drop.json").utf8)) as? [String: Any])
        let panels = try #require(dashboard["panels"] as? [[String: Any]])
        #expect(Set(panels.compactMap { $0["id"] as? Int }).count == panels.count, "unique panel ids")
        let expressions = panels.flatMap { ($0["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String } }
        #expect(expressions.count >= panels.count)

        let metricName = #/openlayer_drop_[a-z_]+/#
        let grouping = #/(?:by|without)\s*\(([^)]*)\)/#
        var used: Set<String> = []
        for expression in expressions {
            var labels: Set<String> = ["le"]
            for match in expression.matches(of: metricName) {
                var name = String(match.output)
                for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) && Self.histograms.contains(String(name.dropLast(suffix.count))) {
                    name = String(name.dropLast(suffix.count))
                }
                #expect(Self.metrics[name] != nil, "\(name) in \(expression) is not a metric of the service")
                used.insert(name)
                labels.formUnion(Self.metrics[name] ?? [])
            }
            for match in expression.matches(of: grouping) {
                for label in match.output.1.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                    #expect(labels.contains(label), "\(expression) groups by '\(label)', which its metrics do not have")
                }
            }
        }
        let all = expressions.joined(separator: "\n")
        #expect(all.contains("rate(openlayer_drop_rows_published_total"))
        #expect(all.contains("[5m]"))
        #expect(all.contains("histogram_quantile(0.95, sum by (le, pipeline) (rate(openlayer_drop_request_duration_seconds_bucket"))
        #expect(expressions.contains { $0.contains("openlayer_drop_retries_total") && $0.contains("status") })
        for name in ["openlayer_drop_rows_rejected_total", "openlayer_drop_files_queued", "openlayer_drop_pipeline_paused"] {
            #expect(used.contains(name), "\(name) on the dashboard")
        }
    }

    // MARK: .deb

    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> ToolRun {
        try ToolRun.run(executable, arguments, environment: environment)
    }

    @Test("build-deb.sh packs a binary with the unit, the conffile config, the sysctl file and a postinst that makes the user")
    func debianPackage() throws {
        let directory = NSTemporaryDirectory() + "build-deb-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let binary = directory + "/openlayer-drop"
        // Answers as the real one does when asked for its completions.
        try "#!/bin/sh\n[ \"$1\" = --generate-completion-script ] && echo \"# $2 completions\" && exit 0\necho stand-in\n"
            .write(toFile: binary, atomically: true, encoding: .utf8)
        chmod(binary, 0o755)
        let manpage = directory + "/openlayer-drop.1"
        try ".Dt OPENLAYER-DROP 1\n".write(toFile: manpage, atomically: true, encoding: .utf8)
        let script = Self.repository.appendingPathComponent("scripts/build-deb.sh").path
        let built = try Self.run(script, [binary, directory + "/out"], environment: ["VERSION": "1.2.3", "ARCH": "amd64", "MANPAGE": manpage])
        try #require(built.status == 0, "\(built.output)")
        let package = directory + "/out/openlayer-drop_1.2.3_amd64.deb"
        #expect(built.output.trimmingCharacters(in: .whitespacesAndNewlines) == package)

        let info = try Self.run("/usr/bin/dpkg-deb", ["--info", package])
        #expect(info.status == 0)
        #expect(info.output.contains(" Package: openlayer-drop\n"))
        #expect(info.output.contains(" Version: 1.2.3\n"))
        #expect(info.output.contains(" Architecture: amd64\n"))
        let depends = try #require(info.output.split(separator: "\n").first { $0.hasPrefix(" Depends: ") })
        for dependency in ["libinotifytools0", "libsqlite3-0", "libstdc++6", "adduser"] { #expect(depends.contains(dependency), "\(dependency)") }

        let contents = try Self.run("/usr/bin/dpkg-deb", ["--contents", package])
        let entries = Dictionary(contents.output.split(separator: "\n").compactMap { line -> (String, String)? in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let path = fields.last, let mode = fields.first else { return nil }
            return (String(path), "\(mode) \(fields[1])")
        }) { first, _ in first }
        #expect(entries["./usr/bin/openlayer-drop"] == "-rwxr-xr-x root/root")
        #expect(entries["./lib/systemd/system/openlayer-drop.service"] == "-rw-r--r-- root/root")
        #expect(entries["./etc/openlayer-drop/config.yaml"] == "-rw-r--r-- root/root")
        #expect(entries["./usr/lib/sysctl.d/99-openlayer-drop-inotify.conf"] == "-rw-r--r-- root/root")
        #expect(entries["./usr/share/man/man1/openlayer-drop.1.gz"] == "-rw-r--r-- root/root")

        // The files are the repository's, and the maintainer scripts are shell a dpkg can run.
        let tree = directory + "/tree"
        let control = directory + "/control"
        #expect(try Self.run("/usr/bin/dpkg-deb", ["-x", package, tree]).status == 0)
        #expect(try Self.run("/usr/bin/dpkg-deb", ["-e", package, control]).status == 0)
        #expect(FileManager.default.contentsEqual(atPath: tree + "/usr/bin/openlayer-drop", andPath: binary))
        #expect(FileManager.default.contentsEqual(
            atPath: tree + "/lib/systemd/system/openlayer-drop.service", andPath: Self.repository.appendingPathComponent("deploy/systemd/openlayer-drop.service").path))
        #expect(FileManager.default.contentsEqual(
            atPath: tree + "/etc/openlayer-drop/config.yaml", andPath: Self.repository.appendingPathComponent("deploy/config.yaml").path))
        #expect(try String(contentsOfFile: control + "/conffiles", encoding: .utf8) == "/etc/openlayer-drop/config.yaml\n")
        for (path, shell) in [
            ("/usr/share/bash-completion/completions/openlayer-drop", "bash"), ("/usr/share/zsh/vendor-completions/_openlayer-drop", "zsh"),
            ("/usr/share/fish/vendor_completions.d/openlayer-drop.fish", "fish"),
        ] {
            #expect((try? String(contentsOfFile: tree + path, encoding: .utf8)) == "# \(shell) completions\n", "\(path)")
        }
        let postinst = try String(contentsOfFile: control + "/postinst", encoding: .utf8)
        #expect(postinst.contains("adduser --system --group --home /var/lib/openlayer-drop"))
        #expect(postinst.contains("install -d -o openlayer-drop -g openlayer-drop -m 0750 /var/lib/openlayer-drop"))
        for script in ["postinst", "prerm", "postrm"] {
            let path = control + "/" + script
            #expect(FileManager.default.isExecutableFile(atPath: path), "\(script) is executable")
            let syntax = try Self.run("/bin/sh", ["-n", path])
            #expect(syntax.status == 0, "\(script): \(syntax.output)")
        }

        // A version dpkg would refuse stops the build rather than making a package apt cannot order.
        let refused = try Self.run(script, [binary, directory + "/out"], environment: ["VERSION": "v1.2.3"])
        #expect(refused.status != 0)
        #expect(refused.output.contains("not a Debian version"))
    }
}
