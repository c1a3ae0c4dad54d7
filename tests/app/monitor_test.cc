// Monitoring endpoint: the registry's counters and gauges, the exposition text checked line by
// line against the Prometheus 0.0.4 text grammar, and the HTTP server over real loopback sockets
// with a client written here on plain Asio (status line, headers and Content-Length parsed by
// hand, independently of the server's HTTP library).
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>
#include <yaml-cpp/yaml.h>

#include "monitor.h"

using namespace groundlink::app;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

// ------------------------------------------------------------------------------------------
// A minimal HTTP/1.1 client (RFC 9112 §4, §6.3: status line, header fields, Content-Length).

struct Response {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class Client {
 public:
  explicit Client(uint16_t port, const char* address = "127.0.0.1") : socket_(ioc_) {
    socket_.connect(tcp::endpoint(net::ip::make_address(address), port));
    socket_.set_option(tcp::no_delay(true));
  }

  void send(const std::string& bytes) { net::write(socket_, net::buffer(bytes)); }

  /// The next complete response, or nullopt when the server closed first or `timeout` passed.
  /// `head`: the response to a HEAD request has no content whatever its Content-Length.
  std::optional<Response> read_response(std::chrono::milliseconds timeout = 2000ms,
                                        bool head = false) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
      if (auto r = parse(head)) return r;
      if (closed_ || !read_some(deadline)) return std::nullopt;
    }
  }

  /// True when the server closes the connection (EOF or reset) before `timeout`; bytes that
  /// arrive meanwhile are kept.
  bool wait_closed(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (!closed_) {
      if (!read_some(deadline)) return closed_;
    }
    return true;
  }

  const std::string& received() const { return buffer_; }

 private:
  // One read with a deadline; false on timeout or when the connection ended.
  bool read_some(Clock::time_point deadline) {
    bool done = false;
    boost::system::error_code result;
    std::size_t n = 0;
    socket_.async_read_some(net::buffer(chunk_), [&](boost::system::error_code ec, std::size_t k) {
      done = true;
      result = ec;
      n = k;
    });
    ioc_.restart();
    ioc_.run_until(deadline);
    if (!done) {
      socket_.cancel();
      ioc_.restart();
      ioc_.run();
      buffer_.append(chunk_.data(), n);
      return false;
    }
    buffer_.append(chunk_.data(), n);
    if (result) {
      closed_ = true;
      return false;
    }
    return true;
  }

  std::optional<Response> parse(bool head) {
    const auto end = buffer_.find("\r\n\r\n");
    if (end == std::string::npos) return std::nullopt;
    Response r;
    std::istringstream lines(buffer_.substr(0, end + 2));
    std::string line;
    std::getline(lines, line);
    std::smatch m;
    static const std::regex status_line(R"(^HTTP/1\.[01] ([0-9]{3}) [^\r\n]*\r$)");
    if (!std::regex_match(line, m, status_line)) {
      ADD_FAILURE() << "bad status line: " << line;
      return std::nullopt;
    }
    r.status = std::stoi(m[1]);
    static const std::regex field(R"(^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*\r$)");
    while (std::getline(lines, line) && line != "\r") {
      if (!std::regex_match(line, m, field)) {
        ADD_FAILURE() << "bad header line: " << line;
        return std::nullopt;
      }
      std::string name = m[1];
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers[name] = m[2];
    }
    std::size_t length = 0;
    if (!head) {
      const std::string cl = r.header("content-length");
      if (cl.empty()) {
        ADD_FAILURE() << "response without Content-Length";
        return std::nullopt;
      }
      length = std::stoul(cl);
    }
    if (buffer_.size() < end + 4 + length) return std::nullopt;
    r.body = buffer_.substr(end + 4, length);
    buffer_.erase(0, end + 4 + length);
    return r;
  }

  net::io_context ioc_;
  tcp::socket socket_;
  std::array<char, 4096> chunk_{};
  std::string buffer_;
  bool closed_ = false;
};

/// One request on its own connection ("Connection: close").
std::optional<Response> fetch(uint16_t port, const std::string& method, const std::string& target) {
  Client c(port);
  c.send(method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  return c.read_response(2000ms, method == "HEAD");
}

MonitorConfig test_config() {
  MonitorConfig cfg;
  cfg.port = 0;
  cfg.request_timeout = 2000ms;
  return cfg;
}

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout = 2000ms) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(2ms);
  }
  return pred();
}

// ------------------------------------------------------------------------------------------
// Prometheus text format 0.0.4, checked line by line.

const std::string kName = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const std::string kLabelName = "[a-zA-Z_][a-zA-Z0-9_]*";
const std::string kLabelValue = R"("(?:[^"\\\n]|\\[\\"n])*")";
const std::string kValue = R"([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?Inf|NaN)";

struct Exposition {
  std::map<std::string, std::string> types;   // family -> counter | gauge | ...
  std::map<std::string, std::string> help;    // family -> unescaped help
  std::map<std::string, double> samples;      // "name{labels as written}" -> value
  std::map<std::string, std::map<std::string, std::string>> labels;  // same key -> unescaped
};

std::string unescape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      ++i;
      out += s[i] == 'n' ? '\n' : s[i];
    } else {
      out += s[i];
    }
  }
  return out;
}

double parse_value(const std::string& v) {
  if (v == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (v == "+Inf" || v == "Inf") return std::numeric_limits<double>::infinity();
  if (v == "-Inf") return -std::numeric_limits<double>::infinity();
  return std::strtod(v.c_str(), nullptr);
}

/// Parses and checks an exposition; every violation is a test failure naming the line.
Exposition parse_exposition(const std::string& text) {
  static const std::regex help_re("^# HELP (" + kName + ")(?: ((?:[^\\\\\\n]|\\\\[\\\\n])*))?$");
  static const std::regex type_re("^# TYPE (" + kName +
                                  ") (counter|gauge|histogram|summary|untyped)$");
  static const std::regex sample_re("^(" + kName + ")(\\{(?:" + kLabelName + "=" + kLabelValue +
                                    "(?:," + kLabelName + "=" + kLabelValue + ")*,?)?\\})? (" +
                                    kValue + ")(?: -?[0-9]+)?$");
  static const std::regex pair_re("(" + kLabelName + ")=(" + kLabelValue + ")");
  Exposition e;
  EXPECT_TRUE(!text.empty() && text.back() == '\n') << "the last line must end with a line feed";
  std::istringstream in(text);
  std::string line;
  std::string current;  // family whose samples are being read
  std::set<std::string> finished;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    std::smatch m;
    if (std::regex_match(line, m, help_re)) {
      EXPECT_FALSE(e.help.count(m[1])) << "second HELP for " << m[1] << " at line " << n;
      e.help[m[1]] = unescape(m[2]);
    } else if (std::regex_match(line, m, type_re)) {
      const std::string name = m[1];
      EXPECT_FALSE(e.types.count(name)) << "second TYPE for " << name << " at line " << n;
      if (!current.empty()) finished.insert(current);
      current = name;
      e.types[name] = m[2];
    } else if (std::regex_match(line, m, sample_re)) {
      const std::string name = m[1];
      // 0.0.4: a family's samples follow its TYPE line, together; counters carry the _total
      // name they were declared with.
      EXPECT_EQ(name, current) << "sample outside its family at line " << n << ": " << line;
      EXPECT_FALSE(finished.count(name)) << "family " << name << " split at line " << n;
      const std::string key = name + m[2].str();
      EXPECT_FALSE(e.samples.count(key)) << "duplicate series at line " << n << ": " << key;
      e.samples[key] = parse_value(m[3]);
      auto& lbl = e.labels[key];
      const std::string set = m[2];
      for (std::sregex_iterator it(set.begin(), set.end(), pair_re), end; it != end; ++it) {
        const std::string quoted = (*it)[2];
        EXPECT_FALSE(lbl.count((*it)[1])) << "label repeated at line " << n;
        lbl[(*it)[1]] = unescape(quoted.substr(1, quoted.size() - 2));
      }
    } else if (line.empty() || line[0] == '#') {
      EXPECT_TRUE(line.empty() || line.rfind("# ", 0) == 0) << "bad comment at line " << n;
    } else {
      ADD_FAILURE() << "line " << n << " is not in the 0.0.4 text format: [" << line << "]";
    }
  }
  for (const auto& [name, type] : e.types) {
    if (type == "counter") {
      EXPECT_EQ(name.substr(name.size() - 6), "_total") << name;
    }
  }
  return e;
}

}  // namespace

// ------------------------------------------------------------------------------------------
// Registry

TEST(MetricsRegistry, ConcurrentUpdatesAreExact) {
  MetricsRegistry reg;
  Counter& frames = reg.counter("groundlink_frames_total", "Transfer frames decoded");
  Gauge& level = reg.gauge("groundlink_test_level", "Sum of concurrent adds");
  constexpr int kThreads = 4;
  constexpr int kPerThread = 200000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        frames.inc();
        level.add(0.5);  // halves are exact in binary: the sum must come out exact
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(frames.value(), uint64_t{kThreads} * kPerThread);
  EXPECT_EQ(level.value(), 0.5 * kThreads * kPerThread);
  level.set(-3.25);
  level.dec();
  EXPECT_EQ(level.value(), -4.25);
}

TEST(MetricsRegistry, SameNameAndLabelsIsTheSameMetric) {
  MetricsRegistry reg;
  Counter& a = reg.counter("groundlink_rs_corrected_total", "Symbols corrected", {{"vc", "0"}});
  Counter& b = reg.counter("groundlink_rs_corrected_total", "Symbols corrected", {{"vc", "0"}});
  Counter& c = reg.counter("groundlink_rs_corrected_total", "Symbols corrected", {{"vc", "1"}});
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &c);
  a.inc(5);
  EXPECT_EQ(b.value(), 5u);
  EXPECT_EQ(c.value(), 0u);
}

TEST(MetricsRegistry, RefusesInvalidRegistrations) {
  MetricsRegistry reg;
  reg.counter("groundlink_x_total", "x");
  EXPECT_THROW(reg.counter("1frames_total", "h"), std::invalid_argument);
  EXPECT_THROW(reg.counter("frames-decoded_total", "h"), std::invalid_argument);
  EXPECT_THROW(reg.counter("", "h"), std::invalid_argument);
  EXPECT_THROW(reg.counter("groundlink_frames", "no _total suffix"), std::invalid_argument);
  EXPECT_THROW(reg.gauge("groundlink_x_total", "x"), std::invalid_argument);  // is a counter
  EXPECT_THROW(reg.counter("groundlink_x_total", "other help"), std::invalid_argument);
  EXPECT_THROW(reg.gauge("groundlink_g", "h", {{"__reserved", "1"}}), std::invalid_argument);
  EXPECT_THROW(reg.gauge("groundlink_g", "h", {{"bad-name", "1"}}), std::invalid_argument);
  EXPECT_THROW(reg.gauge("groundlink_g", "h", {{"0abc", "1"}}), std::invalid_argument);
  EXPECT_THROW(reg.add_status("", [] { return nlohmann::json(); }), std::invalid_argument);
  EXPECT_THROW(reg.add_status("k", nullptr), std::invalid_argument);
  try {
    reg.counter("groundlink_frames", "h");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("groundlink_frames"), std::string::npos) << e.what();
  }
}

TEST(MetricsRegistry, SampleValuesRoundTrip) {
  EXPECT_EQ(format_sample_value(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(format_sample_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_sample_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_sample_value(0.1), "0.1");
  EXPECT_EQ(format_sample_value(-2.5), "-2.5");
  EXPECT_EQ(format_sample_value(0.0), "0");
  const std::regex value_re(kValue);
  for (double v : {0.1, 1.0 / 3.0, -1e-300, 6.02214076e23, 1e300, 5e-324, 123456789.0, -0.0}) {
    const std::string s = format_sample_value(v);
    EXPECT_TRUE(std::regex_match(s, value_re)) << s;
    EXPECT_EQ(std::strtod(s.c_str(), nullptr), v) << s;
  }
}

TEST(MetricsRegistry, EscapesLabelValuesAndHelp) {
  EXPECT_EQ(escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  EXPECT_EQ(escape_help("line1\nback\\slash \"quoted\""), "line1\\nback\\\\slash \"quoted\"");

  MetricsRegistry reg;
  const std::string nasty = "RAF \"onl1\"\\sagr=3\nspack=facility-PASS1";
  reg.gauge("groundlink_sle_bound", "SLE instance bound (1) or not (0)\nper \\service instance",
            {{"instance", nasty}, {"service", "raf"}})
      .set(1);
  const Exposition e = parse_exposition(reg.render_prometheus());
  ASSERT_EQ(e.samples.size(), 1u);
  const auto& [key, value] = *e.samples.begin();
  EXPECT_EQ(value, 1.0);
  EXPECT_EQ(e.labels.at(key).at("instance"), nasty);
  EXPECT_EQ(e.labels.at(key).at("service"), "raf");
  EXPECT_EQ(e.help.at("groundlink_sle_bound"),
            "SLE instance bound (1) or not (0)\nper \\service instance");
}

TEST(MetricsRegistry, StatusCollectsProvidersAndReportsFailures) {
  MetricsRegistry reg;
  reg.add_status("receiver", [] { return nlohmann::json{{"carrier_lock", true}}; });
  reg.add_status("broken", []() -> nlohmann::json { throw std::runtime_error("no device"); });
  nlohmann::json s = reg.status();
  EXPECT_EQ(s["receiver"]["carrier_lock"], true);
  EXPECT_EQ(s["broken"]["error"], "no device");
  reg.remove_status("broken");
  reg.remove_status("never-added");
  s = reg.status();
  EXPECT_FALSE(s.contains("broken"));
  EXPECT_TRUE(s.contains("receiver"));
}

// ------------------------------------------------------------------------------------------
// Server

TEST(MonitorServer, ConfigIsValidated) {
  MetricsRegistry reg;
  auto with = [](auto change) {
    MonitorConfig c;
    change(c);
    return c;
  };
  EXPECT_THROW(MonitorServer(with([](MonitorConfig& c) { c.address = "localhost:80"; }), reg),
               std::invalid_argument);
  EXPECT_THROW(MonitorServer(with([](MonitorConfig& c) { c.request_timeout = 0ms; }), reg),
               std::invalid_argument);
  EXPECT_THROW(MonitorServer(with([](MonitorConfig& c) { c.max_connections = 0; }), reg),
               std::invalid_argument);
  EXPECT_THROW(MonitorServer(with([](MonitorConfig& c) { c.max_header_bytes = 10; }), reg),
               std::invalid_argument);
  try {
    MonitorServer(with([](MonitorConfig& c) { c.max_connections = 5000; }), reg);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("monitor.max_connections"), std::string::npos);
  }
}

TEST(MonitorServer, ConfigFromYaml) {
  const MonitorConfig c = monitor_config_from_yaml(YAML::Load(
      "{address: '::1', port: 0, request_timeout_ms: 250, max_connections: 4,"
      " max_header_bytes: 2048, max_body_bytes: 0}"));
  EXPECT_EQ(c.address, "::1");
  EXPECT_EQ(c.port, 0);
  EXPECT_EQ(c.request_timeout, 250ms);
  EXPECT_EQ(c.max_connections, 4u);
  EXPECT_EQ(c.max_header_bytes, 2048u);
  EXPECT_EQ(c.max_body_bytes, 0u);
  EXPECT_EQ(monitor_config_from_yaml(YAML::Node()).port, MonitorConfig().port);
  auto error = [](const char* yaml) {
    try {
      monitor_config_from_yaml(YAML::Load(yaml));
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error("{port: 70000}").find("monitor.port"), std::string::npos);
  EXPECT_NE(error("{port: http}").find("monitor.port"), std::string::npos);
  EXPECT_NE(error("{adress: 127.0.0.1}").find("monitor.adress"), std::string::npos);
  EXPECT_NE(error("{address: example.org}").find("monitor.address"), std::string::npos);
  EXPECT_NE(error("{request_timeout_ms: 0}").find("monitor.request_timeout_ms"),
            std::string::npos);
  EXPECT_NE(error("[1, 2]").find("monitor"), std::string::npos);
}

TEST(MonitorServer, ServesOnIpv6Loopback) {
  MetricsRegistry reg;
  MonitorConfig cfg = test_config();
  cfg.address = "::1";
  MonitorServer server(cfg, reg);
  try {
    server.start();
  } catch (const std::runtime_error& e) {
    GTEST_SKIP() << "no IPv6 loopback here: " << e.what();
  }
  EXPECT_EQ(server.endpoint(), "[::1]:" + std::to_string(server.port()));
  Client c(server.port(), "::1");
  c.send("GET /metrics HTTP/1.1\r\nHost: [::1]\r\nConnection: close\r\n\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST(MonitorServer, EphemeralPortBindErrorsAndRestart) {
  MetricsRegistry reg;
  MonitorServer a(test_config(), reg);
  EXPECT_EQ(a.port(), 0);
  a.start();
  EXPECT_TRUE(a.running());
  ASSERT_NE(a.port(), 0);
  EXPECT_EQ(a.endpoint(), "127.0.0.1:" + std::to_string(a.port()));
  EXPECT_THROW(a.start(), std::logic_error);

  MonitorConfig taken = test_config();
  taken.port = a.port();
  MonitorServer b(taken, reg);
  EXPECT_THROW(b.start(), std::runtime_error);  // the port is in use
  EXPECT_FALSE(b.running());

  a.stop();
  a.stop();  // idempotent
  EXPECT_FALSE(a.running());
  a.start();  // a stopped server starts again
  auto r = fetch(a.port(), "GET", "/metrics");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST(MonitorServer, MetricsAreValidExpositionAndCountersMonotonic) {
  MetricsRegistry reg;
  Counter& frames = reg.counter("groundlink_frames_total", "Transfer frames decoded",
                                {{"quality", "good"}, {"vc", "0"}});
  Counter& erred = reg.counter("groundlink_frames_total", "Transfer frames decoded",
                               {{"quality", "erred"}, {"vc", "0"}});
  Gauge& ebn0 = reg.gauge("groundlink_ebn0_db", "Estimated Eb/N0 in dB");
  Gauge& offset = reg.gauge("groundlink_carrier_offset_hz", "Carrier frequency offset in Hz");
  reg.gauge("groundlink_snr_unknown", "An estimate not yet available")
      .set(std::numeric_limits<double>::quiet_NaN());
  reg.gauge("groundlink_lock", "Lock state (1 locked)", {{"loop", "carrier"}}).set(1);
  reg.gauge("groundlink_lock", "Lock state (1 locked)", {{"loop", "timing"}}).set(0);
  ebn0.set(7.25);
  offset.set(-1234.5);
  erred.inc(3);

  MonitorServer server(test_config(), reg);
  server.start();

  std::atomic<bool> run{true};
  std::atomic<uint64_t> done{0};
  std::thread hot([&] {
    while (run.load()) {
      frames.inc();
      done.fetch_add(1);
    }
  });
  ASSERT_TRUE(eventually([&] { return done.load() > 1000; }));
  auto r1 = fetch(server.port(), "GET", "/metrics");
  const uint64_t after_first = frames.value();
  ASSERT_TRUE(eventually([&] { return frames.value() > after_first + 1000; }));
  auto r2 = fetch(server.port(), "GET", "/metrics?format=text");  // a query does not change it
  run = false;
  hot.join();
  auto r3 = fetch(server.port(), "GET", "/metrics");
  ASSERT_TRUE(r1 && r2 && r3);
  for (const auto* r : {&*r1, &*r2, &*r3}) {
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  }
  const Exposition e1 = parse_exposition(r1->body);
  const Exposition e2 = parse_exposition(r2->body);
  const Exposition e3 = parse_exposition(r3->body);

  EXPECT_EQ(e1.types.at("groundlink_frames_total"), "counter");
  EXPECT_EQ(e1.types.at("groundlink_ebn0_db"), "gauge");
  EXPECT_EQ(e1.help.at("groundlink_frames_total"), "Transfer frames decoded");
  const std::string good = R"(groundlink_frames_total{quality="good",vc="0"})";
  const std::string bad = R"(groundlink_frames_total{quality="erred",vc="0"})";
  EXPECT_GT(e1.samples.at(good), 1000.0);
  EXPECT_EQ(e3.samples.at(good), static_cast<double>(done.load()));  // exact once quiet
  EXPECT_EQ(e3.samples.at(bad), 3.0);
  EXPECT_EQ(e3.samples.at("groundlink_ebn0_db"), 7.25);
  EXPECT_EQ(e3.samples.at("groundlink_carrier_offset_hz"), -1234.5);
  EXPECT_TRUE(std::isnan(e3.samples.at("groundlink_snr_unknown")));
  EXPECT_EQ(e3.samples.at(R"(groundlink_lock{loop="carrier"})"), 1.0);
  EXPECT_EQ(e3.samples.at(R"(groundlink_lock{loop="timing"})"), 0.0);

  // Every counter series, including the server's own request counts, never goes down.
  for (const auto& [earlier, later] : {std::make_pair(&e1, &e2), std::make_pair(&e2, &e3)}) {
    for (const auto& [key, v] : earlier->samples) {
      const std::string family = key.substr(0, key.find('{'));
      if (earlier->types.at(family) != "counter") continue;
      ASSERT_TRUE(later->samples.count(key)) << key;
      EXPECT_LE(v, later->samples.at(key)) << key;
    }
  }
  // Two /metrics answers went out before the third scrape was rendered.
  EXPECT_EQ(e3.samples.at(R"(groundlink_monitor_http_requests_total{code="200"})"), 2.0);
  EXPECT_EQ(e3.types.at("groundlink_monitor_connections"), "gauge");
}

TEST(MonitorServer, StatusReturnsProviderJson) {
  MetricsRegistry reg;
  std::atomic<int> frames{0};
  const nlohmann::json receiver = {{"carrier_lock", true},
                                   {"timing_lock", true},
                                   {"ebn0_db", 6.5},
                                   {"frequency_offset_hz", -412.0}};
  reg.add_status("receiver", [&] { return receiver; });
  reg.add_status("framing", [&] { return nlohmann::json{{"frames", frames.load()}}; });
  reg.add_status("sle", [] {
    return nlohmann::json{{"sessions", {{{"instance", "raf-onlc-1"}, {"state", "active"}}}}};
  });
  MonitorServer server(test_config(), reg);
  server.start();

  frames = 41;
  auto r = fetch(server.port(), "GET", "/status");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("content-type"), "application/json");
  const nlohmann::json s = nlohmann::json::parse(r->body);
  EXPECT_EQ(s["receiver"], receiver);
  EXPECT_EQ(s["framing"]["frames"], 41);
  EXPECT_EQ(s["sle"]["sessions"][0]["state"], "active");
  EXPECT_EQ(s.size(), 3u);

  frames = 42;  // providers are asked on every request
  reg.remove_status("sle");
  r = fetch(server.port(), "GET", "/status");
  ASSERT_TRUE(r);
  const nlohmann::json s2 = nlohmann::json::parse(r->body);
  EXPECT_EQ(s2["framing"]["frames"], 42);
  EXPECT_FALSE(s2.contains("sle"));
}

TEST(MonitorServer, NotFoundMethodNotAllowedAndHead) {
  MetricsRegistry reg;
  reg.gauge("groundlink_g", "g").set(1);
  MonitorServer server(test_config(), reg);
  server.start();
  const uint16_t port = server.port();

  auto r = fetch(port, "GET", "/nope");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  r = fetch(port, "GET", "/metrics/extra");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  for (const char* method : {"POST", "PUT", "DELETE"}) {
    r = fetch(port, method, "/metrics");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 405) << method;
    EXPECT_EQ(r->header("allow"), "GET, HEAD") << method;
  }
  r = fetch(port, "POST", "/status");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);

  // HEAD: the GET headers, no content; the next response on the connection proves no body
  // bytes were sent.
  Client c(port);
  c.send("HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\nGET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  auto head = c.read_response(2000ms, true);
  auto get = c.read_response();
  ASSERT_TRUE(head && get);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->body, "");
  EXPECT_EQ(get->status, 200);
  EXPECT_EQ(head->header("content-length"), std::to_string(get->body.size()));
  EXPECT_EQ(head->header("content-type"), get->header("content-type"));
}

TEST(MonitorServer, BadRequestsGet400AndServerKeepsServing) {
  MetricsRegistry reg;
  MonitorConfig cfg = test_config();
  cfg.max_header_bytes = 4096;
  MonitorServer server(cfg, reg);
  server.start();
  const uint16_t port = server.port();

  const std::vector<std::string> bad = {
      "HELLO THERE\r\n\r\n",                                            // not a request line
      "GET /metrics HTTP/9.9\r\n\r\n",                                  // no such version
      "GET /metrics HTTP/1.1\r\nBad Header\r\n\r\n",                    // field without colon
      "GET /metrics HTTP/1.1\r\nContent-Length: x\r\n\r\n",             // bad length
      "GET /metrics HTTP/1.1\r\nX-Big: " + std::string(8000, 'a') + "\r\n\r\n",  // oversized
      "POST /metrics HTTP/1.1\r\nContent-Length: 100000\r\n\r\n" + std::string(20000, 'b'),
  };
  for (const auto& request : bad) {
    Client c(port);
    c.send(request);
    auto r = c.read_response();
    ASSERT_TRUE(r) << request.substr(0, 40);
    EXPECT_EQ(r->status, 400) << request.substr(0, 40);
    EXPECT_EQ(r->header("connection"), "close");
    EXPECT_TRUE(c.wait_closed(3000ms)) << "connection left open after a 400";
  }
  auto r = fetch(port, "GET", "/metrics");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  const Exposition e = parse_exposition(r->body);
  EXPECT_EQ(e.samples.at(R"(groundlink_monitor_http_requests_total{code="400"})"),
            static_cast<double>(bad.size()));
}

TEST(MonitorServer, KeepAliveAndPipelinedRequests) {
  MetricsRegistry reg;
  reg.add_status("k", [] { return nlohmann::json{{"v", 1}}; });
  MonitorServer server(test_config(), reg);
  server.start();
  Client c(server.port());
  c.send("GET /status HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r1 = c.read_response();
  c.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r2 = c.read_response();
  auto r3 = c.read_response();
  ASSERT_TRUE(r1 && r2 && r3);
  EXPECT_EQ(r1->status, 200);
  EXPECT_EQ(nlohmann::json::parse(r1->body)["k"]["v"], 1);
  EXPECT_EQ(r2->status, 200);
  EXPECT_EQ(r3->status, 404);
  // HTTP/1.0 without keep-alive: one answer, then the server closes.
  Client old(server.port());
  old.send("GET /status HTTP/1.0\r\n\r\n");
  auto r4 = old.read_response();
  ASSERT_TRUE(r4);
  EXPECT_EQ(r4->status, 200);
  EXPECT_TRUE(old.wait_closed(1000ms));
}

TEST(MonitorServer, StalledClientDoesNotBlockOthersAndTimesOut) {
  MetricsRegistry reg;
  MonitorConfig cfg = test_config();
  cfg.request_timeout = 400ms;
  MonitorServer server(cfg, reg);
  server.start();

  Client stalled(server.port());
  stalled.send("GET /metr");  // half a request line, then nothing
  const auto t0 = Clock::now();
  auto r = fetch(server.port(), "GET", "/metrics");
  const auto served = Clock::now() - t0;
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_LT(served, 300ms) << "the stalled client held up another";

  // A client trickling bytes does not extend its deadline (one deadline per request).
  Client trickle(server.port());
  const auto t1 = Clock::now();
  bool closed = false;
  for (int i = 0; i < 20 && !closed; ++i) {
    try {
      trickle.send("X");
    } catch (const boost::system::system_error&) {
      break;  // the server already closed it
    }
    closed = trickle.wait_closed(50ms);
  }
  EXPECT_TRUE(closed || trickle.wait_closed(500ms));
  EXPECT_LT(Clock::now() - t1, 900ms);

  EXPECT_TRUE(stalled.wait_closed(1500ms)) << "the stalled client was not timed out";
  EXPECT_GE(Clock::now() - t0, 350ms);
}

TEST(MonitorServer, StopWithClientsConnectedReturnsPromptly) {
  MetricsRegistry reg;
  MonitorConfig cfg = test_config();
  cfg.request_timeout = 5000ms;
  MonitorServer server(cfg, reg);
  server.start();
  Client half(server.port());
  half.send("GET /status HTTP/1.1\r\nHost: x\r\n");  // headers not finished
  Client idle(server.port());
  idle.send("GET /status HTTP/1.1\r\nHost: x\r\n\r\n");  // kept alive after the answer
  ASSERT_TRUE(idle.read_response());
  ASSERT_TRUE(eventually([&] {
    return parse_exposition(reg.render_prometheus()).samples.at("groundlink_monitor_connections") ==
           2.0;
  }));

  const auto t0 = Clock::now();
  server.stop();
  EXPECT_LT(Clock::now() - t0, 500ms);
  EXPECT_FALSE(server.running());
  EXPECT_TRUE(half.wait_closed(500ms));
  EXPECT_TRUE(idle.wait_closed(500ms));
  EXPECT_EQ(parse_exposition(reg.render_prometheus()).samples.at("groundlink_monitor_connections"),
            0.0);
  EXPECT_THROW(Client refused(server.port()), boost::system::system_error);
}

TEST(MonitorServer, ConnectionLimitAnswers503AndRecovers) {
  MetricsRegistry reg;
  MonitorConfig cfg = test_config();
  cfg.max_connections = 2;
  MonitorServer server(cfg, reg);
  server.start();
  Gauge& open = reg.gauge("groundlink_monitor_connections",
                          "HTTP connections open on the monitoring endpoint");
  auto a = std::make_unique<Client>(server.port());
  Client b(server.port());
  ASSERT_TRUE(eventually([&] { return open.value() == 2.0; }));

  Client c(server.port());
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_TRUE(c.wait_closed(1000ms));

  a.reset();  // one slot frees
  ASSERT_TRUE(eventually([&] { return open.value() == 1.0; }));
  r = fetch(server.port(), "GET", "/metrics");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST(MonitorServer, StopFromAStatusProviderDoesNotDeadlock) {
  MetricsRegistry reg;
  auto server = std::make_unique<MonitorServer>(test_config(), reg);
  MonitorServer* s = server.get();
  reg.add_status("shutdown", [s] {
    s->stop();  // on the monitor thread: begins the shutdown
    return nlohmann::json("stopping");
  });
  server->start();
  Client c(server->port());
  c.send("GET /status HTTP/1.1\r\nHost: x\r\n\r\n");
  c.wait_closed(2000ms);  // whether the answer got out first is not specified
  reg.remove_status("shutdown");
  const auto t0 = Clock::now();
  server->stop();  // joins
  EXPECT_FALSE(server->running());
  EXPECT_LT(Clock::now() - t0, 500ms);
}

TEST(MonitorServer, CurlAsASecondClient) {
  // curl, when installed, is an HTTP implementation independent of both sides of this test.
  if (std::system("curl --version > /dev/null 2>&1") != 0) GTEST_SKIP() << "curl not installed";
  MetricsRegistry reg;
  reg.counter("groundlink_frames_total", "Transfer frames decoded").inc(7);
  reg.add_status("receiver", [] { return nlohmann::json{{"carrier_lock", true}}; });
  MonitorServer server(test_config(), reg);
  server.start();
  const std::string base = "http://127.0.0.1:" + std::to_string(server.port());
  // Body, then a line with the status code (curl -w).
  auto curl = [&](const std::string& options, const std::string& path) {
    const std::string cmd = "curl -sS --max-time 5 --http1.1 -w '\\n%{http_code}' " + options +
                            " '" + base + path + "'";
    std::string out;
    if (FILE* p = popen(cmd.c_str(), "r")) {
      char buf[4096];
      std::size_t n;
      while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
      pclose(p);
    }
    const auto nl = out.rfind('\n');
    return std::make_pair(nl == std::string::npos ? out : out.substr(nl + 1),
                          nl == std::string::npos ? std::string() : out.substr(0, nl));
  };
  auto [code, body] = curl("", "/metrics");
  EXPECT_EQ(code, "200");
  EXPECT_EQ(parse_exposition(body).samples.at("groundlink_frames_total"), 7.0);
  std::tie(code, body) = curl("", "/status");
  EXPECT_EQ(code, "200");
  EXPECT_EQ(nlohmann::json::parse(body)["receiver"]["carrier_lock"], true);
  EXPECT_EQ(curl("-X POST -d x=1", "/metrics").first, "405");
}
