// Station monitoring endpoint: a metrics registry that hot threads update without locks, and a
// small HTTP/1.1 server (RFC 9110/9112) that serves it on its own Asio io_context thread.
//
//   GET /metrics  Prometheus text exposition format 0.0.4 (Content-Type
//                 "text/plain; version=0.0.4; charset=utf-8")
//   GET /status   JSON object: {"<key>": <what the provider registered under key returns>, ...}
//
// HEAD is answered like GET without the body. Other paths get 404; other methods on a known path
// get 405 with "Allow: GET, HEAD"; a malformed or oversized request gets 400 and its connection
// is closed; a client that does not complete a request within request_timeout is dropped; past
// max_connections a new connection gets 503. The endpoint has no authentication: it binds to
// loopback unless the station configuration says otherwise.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace YAML {
class Node;
}

namespace groundlink::app {

/// Metric labels, name -> value. Names follow the Prometheus data model
/// ([a-zA-Z_][a-zA-Z0-9_]*, not starting with "__"); values are any UTF-8 text.
using MetricLabels = std::map<std::string, std::string>;

/// A monotonically increasing count. Updates are one relaxed atomic add: safe and cheap from any
/// thread, no lock, no allocation.
class Counter {
 public:
  void inc(uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

/// A value that goes up and down (a lock state, Eb/N0 in dB, a frequency offset in Hz).
/// The double is kept as its bit pattern in a std::atomic<uint64_t> (always lock-free, unlike
/// std::atomic<double>::fetch_add before C++20); add() is a compare-exchange loop.
class Gauge {
 public:
  void set(double v) noexcept { bits_.store(to_bits(v), std::memory_order_relaxed); }
  void add(double d) noexcept {
    uint64_t old = bits_.load(std::memory_order_relaxed);
    while (!bits_.compare_exchange_weak(old, to_bits(from_bits(old) + d),
                                        std::memory_order_relaxed)) {
    }
  }
  void inc() noexcept { add(1.0); }
  void dec() noexcept { add(-1.0); }
  double value() const noexcept { return from_bits(bits_.load(std::memory_order_relaxed)); }

 private:
  static uint64_t to_bits(double v) noexcept {
    uint64_t b;
    std::memcpy(&b, &v, sizeof b);
    return b;
  }
  static double from_bits(uint64_t b) noexcept {
    double v;
    std::memcpy(&v, &b, sizeof v);
    return v;
  }
  std::atomic<uint64_t> bits_{0};  // bit pattern of +0.0
};

/// Named counters and gauges, and JSON status providers, shared by the components of a station.
///
/// Registration takes a lock and returns a reference that stays valid for the registry's
/// lifetime; components keep it and update it from their own threads. Registering the same
/// name and labels again returns the same metric (so a restarted component finds its counts);
/// registering a name with another type or help text, or an invalid name, throws
/// std::invalid_argument naming the field.
class MetricsRegistry {
 public:
  using StatusProvider = std::function<nlohmann::json()>;

  MetricsRegistry() = default;
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  /// Counter names must end in "_total" (Prometheus naming convention for counters).
  Counter& counter(const std::string& name, const std::string& help,
                   const MetricLabels& labels = {});
  Gauge& gauge(const std::string& name, const std::string& help, const MetricLabels& labels = {});

  /// Registers (or replaces) the provider reported under `key` in /status. Providers are called
  /// on the monitor thread, one at a time, under the registry's status lock: a provider must
  /// not call add_status/remove_status itself. A provider that throws is reported as
  /// {"error": "<what>"} under its key.
  void add_status(const std::string& key, StatusProvider provider);
  /// Removes a provider. When it returns, the provider is not running and will not be called
  /// again, so the objects it captured may be destroyed.
  void remove_status(const std::string& key);

  /// The text exposition format 0.0.4, families in name order, series in label order.
  std::string render_prometheus() const;
  /// {"<key>": provider(), ...}
  nlohmann::json status() const;

 private:
  enum class Type { counter, gauge };
  struct Family {
    Type type;
    std::string help;
    std::map<MetricLabels, Counter*> counters;
    std::map<MetricLabels, Gauge*> gauges;
  };
  Family& family(const std::string& name, const std::string& help, const MetricLabels& labels,
                 Type type);

  mutable std::mutex metrics_mutex_;
  std::map<std::string, Family> families_;
  std::deque<Counter> counter_store_;  // deque: references stay valid as it grows
  std::deque<Gauge> gauge_store_;

  mutable std::mutex status_mutex_;
  std::map<std::string, StatusProvider> providers_;
};

/// Prometheus text-format escaping: label values escape \ " and newline; HELP text \ and newline.
std::string escape_label_value(const std::string& v);
std::string escape_help(const std::string& v);
/// A sample value as the text format writes it: shortest round-trip decimal, NaN, +Inf, -Inf.
std::string format_sample_value(double v);

struct MonitorConfig {
  std::string address = "127.0.0.1";  ///< IPv4/IPv6 literal to bind; loopback by default
  uint16_t port = 9464;                ///< 0 = an ephemeral port (read it back with port())
  /// A request (or the idle gap before the next one on a kept-alive connection) must complete
  /// within this, else the connection is dropped. 1 ms .. 10 min.
  std::chrono::milliseconds request_timeout{5000};
  std::size_t max_connections = 16;     ///< 1 .. 1024 concurrent connections
  std::size_t max_header_bytes = 8192;  ///< request line + headers, 512 .. 1 MiB
  std::size_t max_body_bytes = 4096;    ///< request body (ignored), 0 .. 1 MiB

  /// Throws std::invalid_argument naming the field ("monitor.port") and its allowed range.
  void validate() const;
};

/// Reads the station configuration's `monitor:` mapping, e.g.
///   monitor: {address: 127.0.0.1, port: 9464, request_timeout_ms: 5000, max_connections: 16,
///             max_header_bytes: 8192, max_body_bytes: 4096}
/// Absent keys keep their defaults; an unknown key or a bad value throws std::invalid_argument
/// naming "monitor.<key>". The result is validated.
MonitorConfig monitor_config_from_yaml(const YAML::Node& monitor);

/// The HTTP server. start() binds and spawns the monitor thread; stop() (from any thread,
/// idempotent) closes the listener and every connection and joins the thread. The registry
/// must outlive the server.
///
/// The server counts its own work in the registry:
///   groundlink_monitor_http_requests_total{code="..."}  responses sent, by status code
///   groundlink_monitor_connections                      connections open now
class MonitorServer {
 public:
  MonitorServer(MonitorConfig config, MetricsRegistry& registry);
  ~MonitorServer();
  MonitorServer(const MonitorServer&) = delete;
  MonitorServer& operator=(const MonitorServer&) = delete;

  /// Binds and listens; throws std::runtime_error when the address cannot be bound (port in
  /// use, address not local). Calling start() on a running server throws std::logic_error.
  void start();
  /// Closes the listener and all connections and joins the monitor thread. Called from the
  /// monitor thread itself (a status provider), it only begins the shutdown; the join then
  /// happens in the next stop() or the destructor (which must then run on another thread).
  /// A status provider that never returns holds stop() up.
  void stop();

  bool running() const;
  /// The bound port (the chosen one when configured with 0); 0 before start().
  uint16_t port() const;
  /// "address:port" as bound, for logs and for users ("[::1]:9464" for IPv6).
  std::string endpoint() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace groundlink::app
