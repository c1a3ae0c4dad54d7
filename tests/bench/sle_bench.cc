// SLE RAF delivery over loopback TCP: provider -> user, 1115-byte frames (TARGETS.md "SLE delivery":
// >= 300k frames/s to one user; p99 frame latency <= 2 ms in timely mode at 10k frames/s).
// Baseline in the same run: the same octets (8-octet TML header + 1115-octet frame per message)
// pushed through a plain loopback socket pair with no SLE encoding, i.e. the transport ceiling.
#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>

#include <boost/asio.hpp>

#include <algorithm>
#include <atomic>
#include <thread>

#include "framing/frame_bus.h"
#include "sle/provider.h"
#include "sle/user.h"

using namespace groundlink;
using namespace groundlink::sle;
namespace asio = boost::asio;

namespace {

const char* kSii = "sagr=1.spack=BENCH.rsl-fg=1.raf=onlt1";

struct Loop {
  std::unique_ptr<SleProvider> provider;
  std::unique_ptr<SleUser> user;
  Loop(DeliveryMode mode, int buffer_size, int latency_ms, bool callback,
       std::function<void(const AnnotatedFrame&)> cb = {}) {
    spdlog::set_level(spdlog::level::warn);
    ProviderConfig pc;
    ServiceInstanceConfig c;
    c.sii = kSii;
    c.host = "127.0.0.1";
    c.delivery = mode;
    c.buffer_size = buffer_size;
    c.latency_limit_ms = latency_ms;
    c.max_backlog_buffers = 256;
    pc.instances.push_back(c);
    provider = std::make_unique<SleProvider>(pc);
    provider->start();
    UserConfig u;
    u.port = provider->port(kSii);
    u.sii = kSii;
    u.version = 5;
    user = std::make_unique<SleUser>(u);
    if (callback) user->on_frame(std::move(cb));
    if (!user->bind().positive || !user->start().result.positive) throw std::runtime_error("bind/start failed");
  }
  ~Loop() {
    user->stop();
    user->unbind();
    provider->stop();
  }
};

framing::Frame bench_frame() {
  framing::Frame f;
  f.data.resize(1115);
  for (size_t i = 0; i < f.data.size(); ++i) f.data[i] = static_cast<uint8_t>(i * 13);
  f.quality = framing::FrameQuality::good;
  return f;
}

}  // namespace

// Throughput: complete online mode (no loss), 20 frames per TRANSFER-BUFFER; the user decodes every
// buffer into annotated frames.
static void BM_SleRaf_Loopback_1115B(benchmark::State& state) {
  Loop loop(DeliveryMode::complete_online, static_cast<int>(state.range(0)), 100, false);
  const framing::Frame f = bench_frame();
  const SleTime ert = SleTime::now();
  const uint64_t batch = 20000;
  uint64_t sent = 0;
  for (auto _ : state) {
    for (uint64_t i = 0; i < batch; ++i) loop.provider->deliver(f, ert);
    sent += batch;
    // Account for what the user has actually received (the tail of the last buffer waits for the
    // latency limit, so the final partial buffer is not waited for).
    loop.user->wait_frames(sent - static_cast<uint64_t>(state.range(0)), std::chrono::seconds(30));
  }
  state.SetItemsProcessed(static_cast<int64_t>(sent));
  state.SetBytesProcessed(static_cast<int64_t>(sent * f.data.size()));
}
BENCHMARK(BM_SleRaf_Loopback_1115B)->Arg(20)->Arg(100)->Unit(benchmark::kMillisecond)->UseRealTime();

// Latency: timely mode at 10k frames/s; arguments: frames per TRANSFER-BUFFER and latency limit
// (ms). Reports the median and 99th percentile delay from deliver() (the frame bus hand-off, ERT
// stamped then) to the user's frame callback.
static void BM_SleRaf_TimelyLatency_10kfps(benchmark::State& state) {
  std::vector<double> lat;
  std::mutex mu;
  lat.reserve(20000);
  Loop loop(DeliveryMode::timely_online, static_cast<int>(state.range(0)), static_cast<int>(state.range(1)), true,
            [&](const AnnotatedFrame& af) {
    const double us = static_cast<double>(SleTime::now().ns - af.ert.ns) / 1000.0;
    std::lock_guard<std::mutex> lk(mu);
    lat.push_back(us);
  });
  const framing::Frame f = bench_frame();
  uint64_t sent = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 5000; ++i) {  // 0.5 s paced at 100 µs
      std::this_thread::sleep_until(t0 + std::chrono::microseconds(100 * i));
      loop.provider->deliver(f, SleTime::now());
    }
    sent += 5000;
    loop.user->wait_frames(sent, std::chrono::seconds(5));
  }
  std::lock_guard<std::mutex> lk(mu);
  std::sort(lat.begin(), lat.end());
  if (!lat.empty()) {
    state.counters["p50_us"] = lat[lat.size() / 2];
    state.counters["p99_us"] = lat[lat.size() * 99 / 100];
    state.counters["max_us"] = lat.back();
  }
  state.SetItemsProcessed(static_cast<int64_t>(sent));
}
BENCHMARK(BM_SleRaf_TimelyLatency_10kfps)->Args({10, 1})->Args({1, 1})->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

// The same latency measured from the frame bus: the receive chain publishes each frame (ERT = now)
// on a framing::FrameBus, the SLE consumer thread pops it and hands it to the provider (as the
// program's pass pipeline does), the user's callback takes the delay. Arguments as above.
static void BM_SleRaf_FrameBusToUserLatency_10kfps(benchmark::State& state) {
  std::vector<double> lat;
  std::mutex mu;
  lat.reserve(20000);
  Loop loop(DeliveryMode::timely_online, static_cast<int>(state.range(0)), static_cast<int>(state.range(1)), true,
            [&](const AnnotatedFrame& af) {
              const double us = static_cast<double>(SleTime::now().ns - af.ert.ns) / 1000.0;
              std::lock_guard<std::mutex> lk(mu);
              lat.push_back(us);
            });
  framing::FrameBus bus;
  auto sub = bus.subscribe("sle", framing::DeliveryPolicy::drop_oldest, 8192);
  std::thread consumer([&] {
    framing::FramePtr f;
    while (sub->pop(f, std::chrono::milliseconds(200)) != framing::PopStatus::closed)
      if (f) {
        loop.provider->deliver(*f);
        f.reset();
      }
  });
  framing::Frame f = bench_frame();
  uint64_t sent = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 5000; ++i) {
      std::this_thread::sleep_until(t0 + std::chrono::microseconds(100 * i));
      const SleTime now = SleTime::now();
      f.ert = framing::Timestamp{now.ns / 1000000000, (now.ns % 1000000000) * 1000};
      bus.publish(f);
    }
    sent += 5000;
    loop.user->wait_frames(sent, std::chrono::seconds(5));
  }
  bus.close();
  consumer.join();
  std::lock_guard<std::mutex> lk(mu);
  std::sort(lat.begin(), lat.end());
  if (!lat.empty()) {
    state.counters["p50_us"] = lat[lat.size() / 2];
    state.counters["p99_us"] = lat[lat.size() * 99 / 100];
    state.counters["max_us"] = lat.back();
  }
  state.counters["lost"] = static_cast<double>(sent - loop.user->stats().frames);
  state.SetItemsProcessed(static_cast<int64_t>(sent));
}
BENCHMARK(BM_SleRaf_FrameBusToUserLatency_10kfps)->Args({10, 1})->Args({1, 1})->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

// Baseline: the same message stream through a bare loopback TCP connection (no BER, no SLE).
static void BM_Baseline_RawTcp_1115B(benchmark::State& state) {
  asio::io_context ioc;
  asio::ip::tcp::acceptor acc(ioc, {asio::ip::make_address("127.0.0.1"), 0});
  asio::ip::tcp::socket tx(ioc), rx(ioc);
  tx.connect(acc.local_endpoint());
  acc.accept(rx);
  const uint64_t batch = 20000;
  std::atomic<uint64_t> received{0};
  std::thread reader([&] {
    std::vector<uint8_t> buf(1 << 20);
    uint64_t bytes = 0;
    boost::system::error_code ec;
    for (;;) {
      const size_t n = rx.read_some(asio::buffer(buf), ec);
      if (ec) break;
      bytes += n;
      received = bytes / (8 + 1115);
    }
  });
  std::vector<uint8_t> msg(8 + 1115, 0x5a);
  std::vector<uint8_t> chunk;
  for (int i = 0; i < 20; ++i) chunk.insert(chunk.end(), msg.begin(), msg.end());
  uint64_t sent = 0;
  for (auto _ : state) {
    // Copy each frame into the outgoing buffer as a provider has to, 20 per write.
    std::vector<uint8_t> out(chunk.size());
    for (uint64_t i = 0; i < batch; i += 20) {
      std::copy(chunk.begin(), chunk.end(), out.begin());
      asio::write(tx, asio::buffer(out));
    }
    sent += batch;
    while (received < sent) std::this_thread::yield();
  }
  tx.shutdown(asio::socket_base::shutdown_both);
  tx.close();
  reader.join();
  state.SetItemsProcessed(static_cast<int64_t>(sent));
}
BENCHMARK(BM_Baseline_RawTcp_1115B)->Unit(benchmark::kMillisecond)->UseRealTime();

// 32 concurrent users in complete online mode (32 service instances on one port, one association
// each): every frame goes to every user and none may be lost. Counters: frames per user (min and
// max over the users) and lost = frames sent - min; items = frames delivered over all users.
static void BM_SleRaf_32Users_Complete(benchmark::State& state) {
  spdlog::set_level(spdlog::level::warn);
  const int users = static_cast<int>(state.range(0));
  ProviderConfig pc;
  pc.io_threads = 2;
  std::vector<std::string> siis;
  for (int i = 0; i < users; ++i) {
    ServiceInstanceConfig c;
    siis.push_back("sagr=1.spack=BENCH.rsl-fg=1.raf=onlt" + std::to_string(i + 1));
    c.sii = siis.back();
    c.host = "127.0.0.1";
    c.delivery = DeliveryMode::complete_online;
    c.buffer_size = 20;
    c.latency_limit_ms = 20;
    c.max_backlog_buffers = 64;
    pc.instances.push_back(c);
  }
  SleProvider provider(pc);
  provider.start();
  std::vector<std::unique_ptr<SleUser>> us;
  for (int i = 0; i < users; ++i) {
    UserConfig u;
    u.port = provider.port(siis[i]);
    u.sii = siis[i];
    u.version = 5;
    us.push_back(std::make_unique<SleUser>(u));
    if (!us.back()->bind().positive || !us.back()->start().result.positive) throw std::runtime_error("bind/start");
  }
  const framing::Frame f = bench_frame();
  const SleTime ert = SleTime::now();
  const uint64_t batch = 5000;
  uint64_t sent = 0;
  for (auto _ : state) {
    for (uint64_t i = 0; i < batch; ++i) provider.deliver(f, ert);
    sent += batch;
    for (auto& u : us) u->wait_frames(sent - 20, std::chrono::seconds(30));
  }
  // The last partial buffers go out at the latency limit: wait for everything.
  for (auto& u : us) u->wait_frames(sent, std::chrono::seconds(5));
  uint64_t lo = UINT64_MAX, hi = 0;
  for (auto& u : us) {
    lo = std::min(lo, u->stats().frames);
    hi = std::max(hi, u->stats().frames);
  }
  state.counters["frames_per_user_min"] = static_cast<double>(lo);
  state.counters["frames_per_user_max"] = static_cast<double>(hi);
  state.counters["lost"] = static_cast<double>(sent - lo);
  state.SetItemsProcessed(static_cast<int64_t>(sent) * users);
  for (auto& u : us) {
    u->stop();
    u->unbind();
  }
  provider.stop();
}
BENCHMARK(BM_SleRaf_32Users_Complete)->Arg(32)->Unit(benchmark::kMillisecond)->UseRealTime();
