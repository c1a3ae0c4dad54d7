// Station monitoring endpoint: metrics registry and HTTP/1.1 server (see monitor.h).
#include "monitor.h"

#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unordered_set>

namespace groundlink::app {

namespace {

bool valid_metric_name(const std::string& n) {
  // Prometheus data model: [a-zA-Z_:][a-zA-Z0-9_:]*
  if (n.empty()) return false;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const char c = n[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    const bool digit = c >= '0' && c <= '9';
    if (!(alpha || (i > 0 && digit))) return false;
  }
  return true;
}

bool valid_label_name(const std::string& n) {
  // [a-zA-Z_][a-zA-Z0-9_]*; names starting with "__" are reserved for Prometheus itself.
  if (n.empty() || n.rfind("__", 0) == 0) return false;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const char c = n[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    if (!(alpha || (i > 0 && digit))) return false;
  }
  return true;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void append_series(std::string& out, const std::string& name, const MetricLabels& labels,
                   const std::string& value) {
  out += name;
  if (!labels.empty()) {
    out += '{';
    bool first = true;
    for (const auto& [k, v] : labels) {
      if (!first) out += ',';
      first = false;
      out += k;
      out += "=\"";
      out += escape_label_value(v);
      out += '"';
    }
    out += '}';
  }
  out += ' ';
  out += value;
  out += '\n';
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Text-format helpers (Prometheus exposition formats, "Text format details", version 0.0.4)

std::string escape_label_value(const std::string& v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string escape_help(const std::string& v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string format_sample_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[32];
  // Shortest representation that reads back to the same double (Go's ParseFloat, which the
  // Prometheus parser uses, accepts it).
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

// ---------------------------------------------------------------------------------------------
// MetricsRegistry

MetricsRegistry::Family& MetricsRegistry::family(const std::string& name, const std::string& help,
                                                 const MetricLabels& labels, Type type) {
  const char* kind = type == Type::counter ? "counter" : "gauge";
  if (!valid_metric_name(name)) {
    throw std::invalid_argument("metric name '" + name + "' must match [a-zA-Z_:][a-zA-Z0-9_:]*");
  }
  if (type == Type::counter && !ends_with(name, "_total")) {
    throw std::invalid_argument("counter name '" + name + "' must end in _total");
  }
  for (const auto& [k, v] : labels) {
    (void)v;
    if (!valid_label_name(k)) {
      throw std::invalid_argument("label name '" + k + "' of metric '" + name +
                                  "' must match [a-zA-Z_][a-zA-Z0-9_]* and not start with __");
    }
  }
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(name, Family{type, help, {}, {}}).first;
  } else {
    if (it->second.type != type) {
      throw std::invalid_argument("metric '" + name + "' is already registered as a " +
                                  (type == Type::counter ? "gauge" : "counter") + ", not a " +
                                  kind);
    }
    if (it->second.help != help) {
      throw std::invalid_argument("metric '" + name + "' is already registered with help text '" +
                                  it->second.help + "'");
    }
  }
  return it->second;
}

Counter& MetricsRegistry::counter(const std::string& name, const std::string& help,
                                  const MetricLabels& labels) {
  std::lock_guard<std::mutex> lock(metrics_mutex_);
  Family& f = family(name, help, labels, Type::counter);
  auto it = f.counters.find(labels);
  if (it != f.counters.end()) return *it->second;
  Counter& c = counter_store_.emplace_back();
  f.counters.emplace(labels, &c);
  return c;
}

Gauge& MetricsRegistry::gauge(const std::string& name, const std::string& help,
                              const MetricLabels& labels) {
  std::lock_guard<std::mutex> lock(metrics_mutex_);
  Family& f = family(name, help, labels, Type::gauge);
  auto it = f.gauges.find(labels);
  if (it != f.gauges.end()) return *it->second;
  Gauge& g = gauge_store_.emplace_back();
  f.gauges.emplace(labels, &g);
  return g;
}

void MetricsRegistry::add_status(const std::string& key, StatusProvider provider) {
  if (key.empty()) throw std::invalid_argument("status key must not be empty");
  if (!provider) throw std::invalid_argument("status provider for '" + key + "' is empty");
  std::lock_guard<std::mutex> lock(status_mutex_);
  providers_[key] = std::move(provider);
}

void MetricsRegistry::remove_status(const std::string& key) {
  StatusProvider dropped;  // destroyed after the lock is released
  std::lock_guard<std::mutex> lock(status_mutex_);
  auto it = providers_.find(key);
  if (it != providers_.end()) {
    dropped = std::move(it->second);
    providers_.erase(it);
  }
}

std::string MetricsRegistry::render_prometheus() const {
  std::string out;
  std::lock_guard<std::mutex> lock(metrics_mutex_);
  for (const auto& [name, f] : families_) {
    out += "# HELP ";
    out += name;
    out += ' ';
    out += escape_help(f.help);
    out += "\n# TYPE ";
    out += name;
    out += f.type == Type::counter ? " counter\n" : " gauge\n";
    if (f.type == Type::counter) {
      for (const auto& [labels, c] : f.counters) {
        append_series(out, name, labels, std::to_string(c->value()));
      }
    } else {
      for (const auto& [labels, g] : f.gauges) {
        append_series(out, name, labels, format_sample_value(g->value()));
      }
    }
  }
  return out;
}

nlohmann::json MetricsRegistry::status() const {
  nlohmann::json out = nlohmann::json::object();
  std::lock_guard<std::mutex> lock(status_mutex_);
  for (const auto& [key, provider] : providers_) {
    try {
      out[key] = provider();
    } catch (const std::exception& e) {
      spdlog::warn("monitor: status provider '{}' failed: {}", key, e.what());
      out[key] = {{"error", e.what()}};
    } catch (...) {
      spdlog::warn("monitor: status provider '{}' failed", key);
      out[key] = {{"error", "unknown exception"}};
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// MonitorConfig

void MonitorConfig::validate() const {
  boost::system::error_code ec;
  boost::asio::ip::make_address(address, ec);
  if (ec) {
    throw std::invalid_argument("monitor.address '" + address +
                                "' must be an IPv4 or IPv6 address literal (e.g. 127.0.0.1, ::1)");
  }
  if (request_timeout < std::chrono::milliseconds(1) ||
      request_timeout > std::chrono::milliseconds(600000)) {
    throw std::invalid_argument("monitor.request_timeout must be 1 ms .. 600000 ms, got " +
                                std::to_string(request_timeout.count()) + " ms");
  }
  if (max_connections < 1 || max_connections > 1024) {
    throw std::invalid_argument("monitor.max_connections must be 1 .. 1024, got " +
                                std::to_string(max_connections));
  }
  if (max_header_bytes < 512 || max_header_bytes > (1u << 20)) {
    throw std::invalid_argument("monitor.max_header_bytes must be 512 .. 1048576, got " +
                                std::to_string(max_header_bytes));
  }
  if (max_body_bytes > (1u << 20)) {
    throw std::invalid_argument("monitor.max_body_bytes must be 0 .. 1048576, got " +
                                std::to_string(max_body_bytes));
  }
}

MonitorConfig monitor_config_from_yaml(const YAML::Node& monitor) {
  MonitorConfig cfg;
  if (!monitor || monitor.IsNull()) return cfg;
  if (!monitor.IsMap()) throw std::invalid_argument("monitor must be a mapping");
  auto integer = [](const YAML::Node& v, const std::string& key, long long lo, long long hi) {
    long long x = 0;
    try {
      x = v.as<long long>();
    } catch (const YAML::Exception&) {
      throw std::invalid_argument("monitor." + key + " must be an integer " + std::to_string(lo) +
                                  " .. " + std::to_string(hi));
    }
    if (x < lo || x > hi) {
      throw std::invalid_argument("monitor." + key + " must be " + std::to_string(lo) + " .. " +
                                  std::to_string(hi) + ", got " + std::to_string(x));
    }
    return x;
  };
  for (const auto& kv : monitor) {
    const std::string key = kv.first.as<std::string>();
    const YAML::Node& v = kv.second;
    if (key == "address") {
      if (!v.IsScalar()) throw std::invalid_argument("monitor.address must be an address literal");
      cfg.address = v.as<std::string>();
    } else if (key == "port") {
      cfg.port = static_cast<uint16_t>(integer(v, key, 0, 65535));
    } else if (key == "request_timeout_ms") {
      cfg.request_timeout = std::chrono::milliseconds(integer(v, key, 1, 600000));
    } else if (key == "max_connections") {
      cfg.max_connections = static_cast<std::size_t>(integer(v, key, 1, 1024));
    } else if (key == "max_header_bytes") {
      cfg.max_header_bytes = static_cast<std::size_t>(integer(v, key, 512, 1 << 20));
    } else if (key == "max_body_bytes") {
      cfg.max_body_bytes = static_cast<std::size_t>(integer(v, key, 0, 1 << 20));
    } else {
      throw std::invalid_argument("monitor." + key +
                                  " is not a known field (address, port, request_timeout_ms, "
                                  "max_connections, max_header_bytes, max_body_bytes)");
    }
  }
  cfg.validate();
  return cfg;
}

// ---------------------------------------------------------------------------------------------
// MonitorServer

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

namespace {
std::string str(beast::string_view v) { return std::string(v.data(), v.size()); }
}  // namespace

struct MonitorServer::Impl {
  class Session;

  Impl(MonitorConfig c, MetricsRegistry& r)
      : cfg(std::move(c)),
        registry(r),
        connections(r.gauge("groundlink_monitor_connections",
                            "HTTP connections open on the monitoring endpoint")) {
    for (unsigned code : {200u, 400u, 404u, 405u, 500u, 503u}) {
      responses[code] = &r.counter("groundlink_monitor_http_requests_total",
                                   "HTTP responses sent by the monitoring endpoint, by status code",
                                   {{"code", std::to_string(code)}});
    }
  }

  void count_response(unsigned code) {
    auto it = responses.find(code);
    if (it != responses.end()) it->second->inc();
  }

  void start();
  void stop();
  void do_accept();
  void on_accept(error_code ec, tcp::socket socket);
  void reject(tcp::socket socket);
  void shutdown_all();

  const MonitorConfig cfg;
  MetricsRegistry& registry;
  Gauge& connections;
  std::map<unsigned, Counter*> responses;

  // Declared before the io_context so that handlers still queued when it is destroyed (none
  // after a clean stop) find the session set alive.
  std::unordered_set<Session*> sessions;  // touched on the monitor thread only
  bool stopping = false;                  // monitor thread only

  net::io_context ioc{1};
  std::optional<tcp::acceptor> acceptor;
  std::optional<net::steady_timer> accept_retry;
  std::thread thread;
  std::atomic<std::thread::id> thread_id{};  // read by stop() on any thread

  mutable std::mutex lifecycle_mutex;  // start/stop/port/endpoint from user threads
  uint16_t bound_port = 0;
  std::string bound_endpoint;
};

/// One connection: read a request, answer it, repeat while the client keeps the connection
/// alive. Owned by the shared_ptrs in its pending handlers; the server closes it on stop().
class MonitorServer::Impl::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Impl& server, tcp::socket socket) : srv_(server), stream_(std::move(socket)) {}

  ~Session() {
    srv_.sessions.erase(this);
    srv_.connections.dec();
  }

  void run() {
    srv_.sessions.insert(this);
    srv_.connections.inc();
    error_code ec;
    // Request/response traffic: do not let Nagle hold back a response (or a pipelined one
    // behind it) waiting for the client's delayed ACK.
    stream_.socket().set_option(tcp::no_delay(true), ec);
    const auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) peer_ = ep.address().to_string() + ":" + std::to_string(ep.port());
    read_request();
  }

  /// Cancels everything pending; the handlers then run with operation_aborted and let go.
  void close() { stream_.close(); }

 private:
  void read_request() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(srv_.cfg.max_header_bytes));
    parser_->body_limit(srv_.cfg.max_body_bytes);
    // One deadline covers the whole request (and the idle gap before it): a client that sends
    // a byte every few seconds cannot hold the connection (slowloris).
    stream_.expires_after(srv_.cfg.request_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](error_code ec, std::size_t) {
                       self->on_read(ec);
                     });
  }

  void on_read(error_code ec) {
    if (srv_.stopping || ec == net::error::operation_aborted) return;
    if (ec == http::error::end_of_stream) {
      // The client closed between requests.
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
      stream_.close();
      return;
    }
    if (ec == beast::error::timeout) {
      spdlog::debug("monitor: {} timed out waiting for a request", peer_);
      stream_.close();
      return;
    }
    if (ec && ec.category() == http::make_error_code(http::error::bad_target).category() &&
        ec != http::error::partial_message) {
      // Malformed or oversized request (RFC 9112 §2.2, §3): 400, then close, since where the
      // next request would start is unknown.
      spdlog::debug("monitor: bad request from {}: {}", peer_, ec.message());
      respond(error_response(http::status::bad_request, 11, ec.message()), false, true);
      return;
    }
    if (ec) {
      spdlog::debug("monitor: connection from {} ended: {}", peer_, ec.message());
      stream_.close();
      return;
    }
    handle(parser_->release());
  }

  http::response<http::string_body> error_response(http::status status, unsigned version,
                                                    const std::string& detail) {
    http::response<http::string_body> res{status, version};
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.body() = str(http::obsolete_reason(status));
    if (!detail.empty()) res.body() += ": " + detail;
    res.body() += '\n';
    return res;
  }

  void handle(const http::request<http::string_body>& req) {
    std::string_view target(req.target().data(), req.target().size());
    const auto q = target.find_first_of("?#");
    const std::string_view path = target.substr(0, q);
    const bool head = req.method() == http::verb::head;
    const bool get_like = head || req.method() == http::verb::get;
    const bool keep_alive = req.keep_alive();

    http::response<http::string_body> res;
    try {
      if (path != "/metrics" && path != "/status") {
        res = error_response(http::status::not_found, req.version(), "");
      } else if (!get_like) {
        // RFC 9110 §15.5.6: a 405 response lists the methods the resource supports.
        res = error_response(http::status::method_not_allowed, req.version(), "");
        res.set(http::field::allow, "GET, HEAD");
      } else if (path == "/metrics") {
        res = http::response<http::string_body>{http::status::ok, req.version()};
        res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
        res.body() = srv_.registry.render_prometheus();
      } else {
        res = http::response<http::string_body>{http::status::ok, req.version()};
        res.set(http::field::content_type, "application/json");
        // Invalid UTF-8 from a provider is replaced rather than failing the whole answer.
        res.body() =
            srv_.registry.status().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
            "\n";
      }
    } catch (const std::exception& e) {
      spdlog::error("monitor: answering {} {} failed: {}", str(req.method_string()),
                    std::string(target), e.what());
      res = error_response(http::status::internal_server_error, req.version(), "");
    }
    spdlog::debug("monitor: {} {} {} -> {}", peer_, str(req.method_string()),
                  std::string(target), res.result_int());
    respond(std::move(res), keep_alive, false, head);
  }

  void respond(http::response<http::string_body> res, bool keep_alive, bool linger,
               bool head = false) {
    res.set(http::field::server, "groundlink");
    res.set(http::field::cache_control, "no-store");
    res.keep_alive(keep_alive);
    res.prepare_payload();
    if (head) {
      // RFC 9110 §9.3.2: HEAD carries the GET headers (Content-Length included), no content.
      const std::string length = std::to_string(res.body().size());
      res.body().clear();
      res.set(http::field::content_length, length);
    }
    srv_.count_response(res.result_int());
    res_ = std::move(res);
    stream_.expires_after(srv_.cfg.request_timeout);
    http::async_write(stream_, res_,
                      [self = shared_from_this(), keep_alive, linger](error_code ec, std::size_t) {
                        self->on_write(ec, keep_alive, linger);
                      });
  }

  void on_write(error_code ec, bool keep_alive, bool linger) {
    if (srv_.stopping || ec == net::error::operation_aborted) return;
    if (ec) {
      spdlog::debug("monitor: writing to {} failed: {}", peer_, ec.message());
      stream_.close();
      return;
    }
    if (keep_alive) {
      read_request();
      return;
    }
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (!linger) {
      stream_.close();
      return;
    }
    // After an error answer the client may still be sending: closing with unread input makes
    // the kernel send RST, which can destroy the answer before the client reads it. Drain the
    // input until the client closes or a short deadline passes (a "lingering close").
    stream_.expires_after(std::min<std::chrono::milliseconds>(srv_.cfg.request_timeout,
                                                              std::chrono::milliseconds(2000)));
    drain();
  }

  void drain() {
    stream_.async_read_some(net::buffer(scratch_), [self = shared_from_this()](error_code ec,
                                                                              std::size_t) {
      if (self->srv_.stopping || ec == net::error::operation_aborted) return;
      if (ec) {
        self->stream_.close();
        return;
      }
      self->drain();
    });
  }

  Impl& srv_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> res_;
  std::array<char, 4096> scratch_{};
  std::string peer_ = "?";
};

void MonitorServer::Impl::start() {
  std::lock_guard<std::mutex> lock(lifecycle_mutex);
  if (thread.joinable()) throw std::logic_error("monitor: start() on a running server");
  ioc.restart();
  stopping = false;

  const tcp::endpoint ep(net::ip::make_address(cfg.address), cfg.port);
  acceptor.emplace(ioc);
  error_code ec;
  auto fail = [&](const char* what) {
    acceptor.reset();
    throw std::runtime_error("monitor: cannot " + std::string(what) + " " + cfg.address + ":" +
                             std::to_string(cfg.port) + ": " + ec.message());
  };
  if (acceptor->open(ep.protocol(), ec)) fail("open a socket for");
  // SO_REUSEADDR: a restarted station can rebind while old connections sit in TIME_WAIT
  // (on Linux it does not let two listeners share the port).
  if (acceptor->set_option(net::socket_base::reuse_address(true), ec)) fail("configure");
  if (acceptor->bind(ep, ec)) fail("bind");
  if (acceptor->listen(net::socket_base::max_listen_connections, ec)) fail("listen on");

  const tcp::endpoint local = acceptor->local_endpoint();
  bound_port = local.port();
  bound_endpoint = local.address().is_v6()
                       ? "[" + local.address().to_string() + "]:" + std::to_string(bound_port)
                       : local.address().to_string() + ":" + std::to_string(bound_port);
  accept_retry.emplace(ioc);
  do_accept();

  thread = std::thread([this] {
    thread_id = std::this_thread::get_id();
    try {
      ioc.run();
    } catch (const std::exception& e) {
      spdlog::error("monitor: server thread stopped: {}", e.what());
    }
  });
  thread_id = thread.get_id();
  spdlog::info("monitor: serving /metrics and /status on http://{}", bound_endpoint);
  if (!local.address().is_loopback()) {
    spdlog::warn("monitor: {} is not a loopback address; the endpoint has no authentication",
                 cfg.address);
  }
}

void MonitorServer::Impl::do_accept() {
  acceptor->async_accept(
      [this](error_code ec, tcp::socket socket) { on_accept(ec, std::move(socket)); });
}

void MonitorServer::Impl::on_accept(error_code ec, tcp::socket socket) {
  if (stopping || ec == net::error::operation_aborted) return;
  if (ec) {
    // Usually out of file descriptors: wait a little instead of spinning on the error.
    spdlog::warn("monitor: accept failed: {}", ec.message());
    accept_retry->expires_after(std::chrono::milliseconds(100));
    accept_retry->async_wait([this](error_code wec) {
      if (!wec && !stopping) do_accept();
    });
    return;
  }
  if (sessions.size() >= cfg.max_connections) {
    reject(std::move(socket));
  } else {
    std::make_shared<Session>(*this, std::move(socket))->run();
  }
  do_accept();
}

void MonitorServer::Impl::reject(tcp::socket socket) {
  // At the connection limit: a short 503 written without waiting (a fresh socket's send buffer
  // takes it whole), then close. RFC 9110 §15.6.4.
  static const std::string kBody = "Service Unavailable: too many clients\n";
  static const std::string kResponse =
      "HTTP/1.1 503 Service Unavailable\r\n"
      "Content-Type: text/plain; charset=utf-8\r\n"
      "Content-Length: " + std::to_string(kBody.size()) + "\r\n"
      "Retry-After: 1\r\n"
      "Connection: close\r\n"
      "\r\n" + kBody;
  error_code ec;
  socket.non_blocking(true, ec);
  socket.write_some(net::buffer(kResponse), ec);
  socket.shutdown(tcp::socket::shutdown_send, ec);
  socket.close(ec);
  count_response(503);
  spdlog::debug("monitor: refused a connection: {} connections open", sessions.size());
}

void MonitorServer::Impl::shutdown_all() {
  stopping = true;
  error_code ec;
  if (acceptor) acceptor->close(ec);
  if (accept_retry) accept_retry->cancel();
  // Copy: closing does not destroy a session (its pending handlers own it), but be safe.
  const std::vector<Session*> open(sessions.begin(), sessions.end());
  for (Session* s : open) s->close();
}

void MonitorServer::Impl::stop() {
  if (std::this_thread::get_id() == thread_id) {
    // On the monitor thread (from a status provider): begin the shutdown; run() returns once
    // the handlers have unwound, and the next stop()/destructor joins.
    shutdown_all();
    return;
  }
  std::lock_guard<std::mutex> lock(lifecycle_mutex);
  if (!thread.joinable()) return;
  net::post(ioc, [this] { shutdown_all(); });
  thread.join();
  thread_id = std::thread::id();
  acceptor.reset();
  accept_retry.reset();
  spdlog::info("monitor: stopped serving on {}", bound_endpoint);
}

MonitorServer::MonitorServer(MonitorConfig config, MetricsRegistry& registry) {
  config.validate();
  impl_ = std::make_unique<Impl>(std::move(config), registry);
}

MonitorServer::~MonitorServer() {
  try {
    stop();
  } catch (const std::exception& e) {
    spdlog::error("monitor: stopping failed: {}", e.what());
  }
}

void MonitorServer::start() { impl_->start(); }
void MonitorServer::stop() { impl_->stop(); }

bool MonitorServer::running() const {
  std::lock_guard<std::mutex> lock(impl_->lifecycle_mutex);
  return impl_->thread.joinable();
}

uint16_t MonitorServer::port() const {
  std::lock_guard<std::mutex> lock(impl_->lifecycle_mutex);
  return impl_->bound_port;
}

std::string MonitorServer::endpoint() const {
  std::lock_guard<std::mutex> lock(impl_->lifecycle_mutex);
  return impl_->bound_endpoint;
}

}  // namespace groundlink::app
