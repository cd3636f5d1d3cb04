"""The service's Prometheus metrics, in a registry of its own (one per app: no process-wide state)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("copydesk_requests", "HTTP requests answered, by route and status.",
                                ("route", "status"), registry=self.registry)
        self.request_seconds = Histogram("copydesk_request_seconds", "Time to answer a request, by route.",
                                         ("route",), buckets=_LATENCY_BUCKETS, registry=self.registry)
        self.extractions = Counter("copydesk_extractions", "Extractions by outcome: ok, error (not a page), "
                                   "timeout, crashed, cancelled, overloaded.", ("outcome",), registry=self.registry)
        self.extraction_seconds = Histogram("copydesk_extraction_seconds", "Time a worker spent on one page.",
                                            buckets=_LATENCY_BUCKETS, registry=self.registry)
        self.in_progress = Gauge("copydesk_extractions_in_progress", "Extractions running now.",
                                 registry=self.registry)
        self.waiting = Gauge("copydesk_extractions_waiting", "Extractions waiting for a free worker.",
                             registry=self.registry)
        self.worker_restarts = Counter("copydesk_worker_restarts", "Worker processes killed and replaced.",
                                       registry=self.registry)
        self.fetches = Counter("copydesk_fetches", "Pages fetched by URL, by outcome: ok, refused, failed.",
                               ("outcome",), registry=self.registry)

    def render(self) -> bytes:
        return generate_latest(self.registry)
