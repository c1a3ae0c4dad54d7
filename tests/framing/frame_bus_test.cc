// FrameBus with real threads: order, complete delivery under backpressure, bounded timely
// delivery with exact discard counts, unsubscribe while publishing, close waking everyone.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

#include "framing/frame_bus.h"

using namespace std::chrono_literals;
using groundlink::framing::DeliveryPolicy;
using groundlink::framing::Frame;
using groundlink::framing::FrameBus;
using groundlink::framing::FramePtr;
using groundlink::framing::PopStatus;
using groundlink::framing::SubscriptionConfig;
using groundlink::framing::SubscriptionPtr;

namespace {

// Frames that count how many of them are alive, to show the bus holds a bounded number.
std::atomic<int64_t> g_live{0};

FramePtr make_frame(uint64_t seq, std::size_t len = 64) {
  auto* f = new Frame;
  f->sequence = seq;
  f->data.resize(len);
  for (std::size_t i = 0; i < len; ++i) f->data[i] = static_cast<uint8_t>(seq * 31 + i * 7);
  g_live.fetch_add(1);
  return FramePtr(f, [](const Frame* p) {
    g_live.fetch_sub(1);
    delete p;
  });
}

bool content_ok(const Frame& f) {
  for (std::size_t i = 0; i < f.data.size(); ++i)
    if (f.data[i] != static_cast<uint8_t>(f.sequence * 31 + i * 7)) return false;
  return true;
}

// Pops until closed; records sequences.
std::vector<uint64_t> drain(const SubscriptionPtr& sub, std::chrono::microseconds pause_every_64 = 0us) {
  std::vector<uint64_t> seqs;
  FramePtr f;
  for (;;) {
    const PopStatus st = sub->pop(f, 2000ms);
    if (st == PopStatus::closed) break;
    if (st == PopStatus::timeout) {
      ADD_FAILURE() << "consumer " << sub->name() << " timed out after " << seqs.size();
      break;
    }
    EXPECT_TRUE(content_ok(*f)) << f->sequence;
    seqs.push_back(f->sequence);
    f.reset();
    if (pause_every_64.count() > 0 && seqs.size() % 64 == 0) std::this_thread::sleep_for(pause_every_64);
  }
  return seqs;
}

bool is_0_to_n(const std::vector<uint64_t>& s, uint64_t n) {
  if (s.size() != n) return false;
  for (uint64_t i = 0; i < n; ++i)
    if (s[i] != i) return false;
  return true;
}

}  // namespace

TEST(FrameBus, ConfigIsValidated) {
  FrameBus bus;
  try {
    bus.subscribe("x", DeliveryPolicy::block, 0);
    FAIL() << "capacity 0 accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("capacity"), std::string::npos) << e.what();
  }
  EXPECT_THROW(bus.subscribe("x", DeliveryPolicy::drop_oldest, (std::size_t{1} << 20) + 1),
               std::invalid_argument);
  EXPECT_EQ(bus.subscriber_count(), 0u);
}

TEST(FrameBus, OrderPreservedForEveryConsumer) {
  FrameBus bus;
  constexpr uint64_t N = 100000;
  auto a = bus.subscribe("a", DeliveryPolicy::block, 256);
  auto b = bus.subscribe("b", DeliveryPolicy::block, 1024);
  std::vector<uint64_t> sa, sb;
  std::thread ta([&] { sa = drain(a); });
  std::thread tb([&] { sb = drain(b); });
  for (uint64_t i = 0; i < N; ++i) EXPECT_EQ(bus.publish(make_frame(i)), 2u);
  bus.close();
  ta.join();
  tb.join();
  EXPECT_TRUE(is_0_to_n(sa, N)) << sa.size();
  EXPECT_TRUE(is_0_to_n(sb, N)) << sb.size();
  EXPECT_EQ(bus.published(), N);
  EXPECT_EQ(a->stats().delivered, N);
  EXPECT_EQ(a->stats().discarded, 0u);
  EXPECT_LE(a->stats().high_water, 256u);
  EXPECT_EQ(g_live.load(), 0);
}

TEST(FrameBus, BlockPolicyLosesNothingWithSlowConsumer) {
  FrameBus bus;
  constexpr uint64_t N = 5000;
  auto slow = bus.subscribe("archive", DeliveryPolicy::block, 8);
  std::vector<uint64_t> got;
  std::thread t([&] { got = drain(slow, 500us); });
  int64_t max_live = 0;
  for (uint64_t i = 0; i < N; ++i) {
    bus.publish(make_frame(i));
    max_live = std::max(max_live, g_live.load());
  }
  bus.close();
  t.join();
  EXPECT_TRUE(is_0_to_n(got, N)) << got.size();
  const auto st = slow->stats();
  EXPECT_EQ(st.enqueued, N);
  EXPECT_EQ(st.delivered, N);
  EXPECT_EQ(st.discarded, 0u);
  EXPECT_GT(st.publisher_waits, 0u) << "the consumer never held the producer back";
  EXPECT_EQ(st.high_water, 8u);
  // ring (8) + the one the consumer holds + the one being published
  EXPECT_LE(max_live, 10);
}

TEST(FrameBus, DropOldestKeepsNewestAndCountsExactly) {
  FrameBus bus;
  auto timely = bus.subscribe("raf-timely", DeliveryPolicy::drop_oldest, 16);
  for (uint64_t i = 0; i < 1000; ++i) {
    bus.publish(make_frame(i));
    ASSERT_LE(g_live.load(), 17);  // the ring plus the frame being published: bounded
  }
  auto st = timely->stats();
  EXPECT_EQ(st.depth, 16u);
  EXPECT_EQ(st.discarded, 984u);
  EXPECT_EQ(st.enqueued, 1000u);
  EXPECT_EQ(timely->take_discarded(), 984u);
  EXPECT_EQ(timely->take_discarded(), 0u);
  bus.close();
  EXPECT_EQ(drain(timely), (std::vector<uint64_t>{984, 985, 986, 987, 988, 989, 990, 991, 992, 993,
                                                  994, 995, 996, 997, 998, 999}));
  EXPECT_EQ(g_live.load(), 0);
}

TEST(FrameBus, DropOldestNeverHoldsProducerAndAccountsForEveryFrame) {
  FrameBus bus;
  constexpr uint64_t N = 20000;
  auto complete = bus.subscribe("archive", DeliveryPolicy::block, 4096);
  auto timely = bus.subscribe("raf", DeliveryPolicy::drop_oldest, 32);
  std::vector<uint64_t> got_complete, got_timely;
  uint64_t taken = 0;
  std::thread tc([&] { got_complete = drain(complete); });
  std::thread tt([&] {
    FramePtr f;
    for (;;) {
      const PopStatus s = timely->pop(f, 2000ms);
      if (s != PopStatus::frame) break;
      taken += timely->take_discarded();
      got_timely.push_back(f->sequence);
      std::this_thread::sleep_for(20us);  // slower than the producer
    }
    taken += timely->take_discarded();
  });
  for (uint64_t i = 0; i < N; ++i) bus.publish(make_frame(i));
  bus.close();
  tc.join();
  tt.join();
  EXPECT_TRUE(is_0_to_n(got_complete, N));
  const auto st = timely->stats();
  EXPECT_EQ(st.publisher_waits, 0u);
  EXPECT_GT(st.discarded, 0u);
  EXPECT_EQ(got_timely.size() + st.discarded, N);  // every frame either delivered or counted
  EXPECT_EQ(taken, st.discarded);
  for (std::size_t i = 1; i < got_timely.size(); ++i) ASSERT_LT(got_timely[i - 1], got_timely[i]);
  EXPECT_LE(st.high_water, 32u);
  EXPECT_EQ(g_live.load(), 0);
}

TEST(FrameBus, UnsubscribeReleasesBlockedPublisher) {
  FrameBus bus;
  constexpr uint64_t N = 2000;
  auto stuck = bus.subscribe("stuck", DeliveryPolicy::block, 4);  // never popped
  auto live = bus.subscribe("live", DeliveryPolicy::block, 64);
  std::vector<uint64_t> got;
  std::thread tl([&] { got = drain(live); });
  std::atomic<bool> done{false};
  std::thread producer([&] {
    for (uint64_t i = 0; i < N; ++i) bus.publish(make_frame(i));
    done = true;
  });
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(done.load()) << "publish did not wait for the full 'block' consumer";
  EXPECT_GT(stuck->stats().publisher_waits, 0u);
  bus.unsubscribe(stuck);
  producer.join();
  bus.close();
  tl.join();
  EXPECT_TRUE(is_0_to_n(got, N));
  EXPECT_EQ(bus.subscriber_count(), 1u);
  FramePtr f;
  EXPECT_EQ(stuck->pop(f, 0ms), PopStatus::closed);  // its queue was freed
  EXPECT_FALSE(stuck->stats().attached);
  bus.unsubscribe(stuck);  // idempotent
  EXPECT_EQ(g_live.load(), 0);
}

TEST(FrameBus, SubscribeAndUnsubscribeChurnDuringPublish) {
  FrameBus bus;
  constexpr uint64_t N = 50000;
  auto steady = bus.subscribe("steady", DeliveryPolicy::block, 512);
  std::vector<uint64_t> got;
  std::thread ts([&] { got = drain(steady); });
  std::atomic<bool> stop{false};
  std::vector<std::thread> churners;
  std::atomic<uint64_t> churn_frames{0};
  for (int c = 0; c < 3; ++c) {
    churners.emplace_back([&, c] {
      while (!stop) {
        auto s = bus.subscribe("churn", c == 0 ? DeliveryPolicy::block : DeliveryPolicy::drop_oldest, 8);
        FramePtr f;
        uint64_t last = 0;
        bool first = true;
        for (int k = 0; k < 20 && s->pop(f, 1ms) == PopStatus::frame; ++k) {
          if (!first) {
            EXPECT_LT(last, f->sequence);
          }
          last = f->sequence;
          first = false;
          churn_frames.fetch_add(1);
        }
        bus.unsubscribe(s);
      }
    });
  }
  for (uint64_t i = 0; i < N; ++i) bus.publish(make_frame(i));
  stop = true;
  for (auto& t : churners) t.join();
  bus.close();
  ts.join();
  EXPECT_TRUE(is_0_to_n(got, N));
  EXPECT_GT(churn_frames.load(), 0u);
  EXPECT_EQ(bus.subscriber_count(), 1u);
  EXPECT_EQ(g_live.load(), 0);
}

TEST(FrameBus, CloseWakesWaitingConsumersAfterDrain) {
  FrameBus bus;
  std::vector<SubscriptionPtr> subs;
  for (int i = 0; i < 3; ++i) subs.push_back(bus.subscribe("c", DeliveryPolicy::block, 16));
  bus.publish(make_frame(0));
  std::atomic<int> woke{0};
  std::vector<std::thread> ts;
  const auto t0 = std::chrono::steady_clock::now();
  for (auto& s : subs) {
    ts.emplace_back([&, s] {
      FramePtr f;
      EXPECT_EQ(s->pop(f, 10s), PopStatus::frame);  // queued before close: still delivered
      EXPECT_EQ(f->sequence, 0u);
      EXPECT_EQ(s->pop(f, 10s), PopStatus::closed);
      woke.fetch_add(1);
    });
  }
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(woke.load(), 0);
  bus.close();
  for (auto& t : ts) t.join();
  EXPECT_EQ(woke.load(), 3);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  EXPECT_EQ(bus.publish(make_frame(1)), 0u);  // nothing after the end of the pass
  EXPECT_TRUE(bus.closed());
  FramePtr f;
  EXPECT_EQ(bus.subscribe("late", DeliveryPolicy::block, 4)->pop(f, 10s), PopStatus::closed);
}

TEST(FrameBus, CloseReleasesBlockedPublisher) {
  FrameBus bus;
  auto stuck = bus.subscribe("stuck", DeliveryPolicy::block, 2);
  std::thread producer([&] {
    for (uint64_t i = 0; i < 10; ++i) bus.publish(make_frame(i));
  });
  std::this_thread::sleep_for(30ms);
  bus.close();
  producer.join();  // would hang if close() did not wake it
  // the two frames queued before close are still there, in order, then closed
  std::vector<uint64_t> got = drain(stuck);
  EXPECT_EQ(got, (std::vector<uint64_t>{0, 1}));
}

TEST(FrameBus, PopTimesOutOnOpenBusAndBatches) {
  FrameBus bus;
  auto s = bus.subscribe("w", DeliveryPolicy::block, 100);
  FramePtr f;
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(s->pop(f, 20ms), PopStatus::timeout);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 19ms);
  for (uint64_t i = 0; i < 10; ++i) bus.publish(make_frame(i));
  std::vector<FramePtr> batch;
  EXPECT_EQ(s->pop_batch(batch, 4, 0ms), PopStatus::frame);
  EXPECT_EQ(s->pop_batch(batch, 100, 0ms), PopStatus::frame);
  ASSERT_EQ(batch.size(), 10u);
  for (uint64_t i = 0; i < 10; ++i) EXPECT_EQ(batch[i]->sequence, i);
  EXPECT_EQ(s->pop_batch(batch, 100, 5ms), PopStatus::timeout);
  bus.close();
  EXPECT_EQ(s->pop_batch(batch, 100, 5ms), PopStatus::closed);
  const auto st = bus.stats();
  ASSERT_EQ(st.size(), 1u);
  EXPECT_EQ(st[0].delivered, 10u);
  EXPECT_EQ(st[0].high_water, 10u);
}
