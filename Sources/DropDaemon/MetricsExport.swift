import Metrics
import Prometheus

/// Where the service's metrics go: a Prometheus registry, made the swift-metrics backend the
/// first time it is asked for. swift-metrics takes one backend per process, so whoever asks
/// first bootstraps it, once; the engine records through swift-metrics alone.
public enum MetricsExport {
    public static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()
}
