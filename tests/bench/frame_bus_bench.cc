// FrameBus hand-off rate: one producer, consumers on their own threads, 1115-byte frames
// (shared, not copied). Baseline in the same run: an unbounded std::deque behind one mutex and
// condition variable, the simplest queue one would write (no policy, no bound).
// SLE target context (TARGETS.md): >= 300k frames/s to one user.
#include <benchmark/benchmark.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "framing/frame_bus.h"

using namespace std::chrono_literals;
using groundlink::framing::DeliveryPolicy;
using groundlink::framing::Frame;
using groundlink::framing::FrameBus;
using groundlink::framing::FramePtr;
using groundlink::framing::PopStatus;

namespace {

constexpr int kFramesPerIteration = 10000;

std::vector<FramePtr> make_frames() {
  std::vector<FramePtr> v;
  for (int i = 0; i < kFramesPerIteration; ++i) {
    Frame f;
    f.data.assign(1115, static_cast<uint8_t>(i));
    f.sequence = static_cast<uint64_t>(i);
    v.push_back(std::make_shared<const Frame>(std::move(f)));
  }
  return v;
}

// args: number of block consumers, number of drop_oldest consumers, batch pop (0/1)
void BM_FrameBus(benchmark::State& state) {
  const auto frames = make_frames();
  FrameBus bus;
  std::vector<std::thread> consumers;
  const bool batch = state.range(2) != 0;
  auto consume = [batch](groundlink::framing::SubscriptionPtr s) {
    FramePtr f;
    std::vector<FramePtr> b;
    for (;;) {
      if (batch) {
        b.clear();
        if (s->pop_batch(b, 256, 100ms) == PopStatus::closed) return;
      } else if (s->pop(f, 100ms) == PopStatus::closed) {
        return;
      }
    }
  };
  for (int i = 0; i < state.range(0); ++i)
    consumers.emplace_back(consume, bus.subscribe("block", DeliveryPolicy::block, 4096));
  for (int i = 0; i < state.range(1); ++i)
    consumers.emplace_back(consume, bus.subscribe("timely", DeliveryPolicy::drop_oldest, 4096));
  for (auto _ : state)
    for (const auto& f : frames) bus.publish(f);
  bus.close();
  for (auto& t : consumers) t.join();
  uint64_t discarded = 0;
  for (const auto& s : bus.stats()) discarded += s.discarded;
  state.counters["discarded"] = static_cast<double>(discarded);
  state.SetItemsProcessed(state.iterations() * kFramesPerIteration);
}
BENCHMARK(BM_FrameBus)->Args({1, 0, 0})->Args({1, 0, 1})->Args({1, 1, 1})->UseRealTime();

// Baseline: unbounded mutex + deque, one consumer popping one at a time.
void BM_FrameBus_Baseline_MutexDeque(benchmark::State& state) {
  const auto frames = make_frames();
  std::mutex mu;
  std::condition_variable cv;
  std::deque<FramePtr> q;
  bool closed = false;
  std::thread consumer([&] {
    for (;;) {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return !q.empty() || closed; });
      if (q.empty()) return;
      FramePtr f = std::move(q.front());
      q.pop_front();
    }
  });
  for (auto _ : state)
    for (const auto& f : frames) {
      {
        std::lock_guard<std::mutex> lock(mu);
        q.push_back(f);
      }
      cv.notify_one();
    }
  {
    std::lock_guard<std::mutex> lock(mu);
    closed = true;
  }
  cv.notify_one();
  consumer.join();
  state.SetItemsProcessed(state.iterations() * kFramesPerIteration);
}
BENCHMARK(BM_FrameBus_Baseline_MutexDeque)->UseRealTime();

}  // namespace
