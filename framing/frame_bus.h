// FrameBus: the single hand-off of transfer frames from the receive chain to its consumers.
//
// One producer (the GNU Radio thread that ends the receive chain) publishes frames; any number of
// consumers (archive writer, SLE RAF/RCF service instances, file writers), each on its own thread,
// subscribe and pop them. Every subscription has its own bounded ring and its own policy:
//
//  - DeliveryPolicy::block       complete delivery: when this consumer's ring is full, publish()
//                                waits until it has room (backpressure on the receive chain).
//                                For the archive and for SLE RAF/RCF complete online delivery
//                                mode (CCSDS 911.1-B, 911.2-B).
//  - DeliveryPolicy::drop_oldest timely delivery: when the ring is full, the oldest queued frame is
//                                discarded and counted, publish() never waits on this consumer.
//                                For SLE RAF/RCF timely online delivery mode, where the provider
//                                tells the user 'data discarded due to excessive backlog'
//                                (CCSDS 911.1-B): take_discarded() says when and how many.
//
// Frames are shared read-only between consumers (FramePtr), so fan-out costs one allocation per
// frame, not one copy per consumer. Memory is bounded: each ring holds at most `capacity` frames.
//
// Thread model: publish() from one producer thread (several are safe but order between them is
// then undefined); subscribe()/unsubscribe()/close()/stats() from any thread at any time; each
// Subscription is popped by one consumer thread. No lock is held across a consumer's work, and
// the bus-wide lock is never held while publish() waits on a full ring.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "framing/frame.h"

namespace groundlink::framing {

using FramePtr = std::shared_ptr<const Frame>;

enum class DeliveryPolicy : uint8_t { block = 0, drop_oldest = 1 };
const char* to_string(DeliveryPolicy p);

/// What pop() found.
enum class PopStatus : uint8_t {
  frame = 0,    ///< a frame was returned
  timeout = 1,  ///< nothing arrived within the timeout; the bus is still open
  closed = 2,   ///< the bus was closed (or this subscription removed) and the ring is empty
};

struct SubscriptionConfig {
  std::string name;                                ///< for logs and stats, e.g. "archive", "raf-1"
  DeliveryPolicy policy = DeliveryPolicy::block;
  std::size_t capacity = 4096;                     ///< frames queued at most, 1 .. 1 048 576
  void validate() const;                           ///< throws std::invalid_argument naming the field
};

struct SubscriptionStats {
  std::string name;
  DeliveryPolicy policy = DeliveryPolicy::block;
  std::size_t capacity = 0;
  uint64_t enqueued = 0;         ///< frames accepted into the ring
  uint64_t delivered = 0;        ///< frames popped by the consumer
  uint64_t discarded = 0;        ///< frames dropped (drop_oldest) since subscribe
  uint64_t publisher_waits = 0;  ///< times publish() had to wait for room (block)
  std::size_t depth = 0;         ///< frames queued now
  std::size_t high_water = 0;    ///< most frames ever queued at once
  bool attached = true;          ///< false after unsubscribe() or close()
};

class FrameBus;

/// A consumer's end of the bus. Obtained from FrameBus::subscribe(); pop from one thread.
class Subscription {
 public:
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;

  /// Waits up to `timeout` for a frame. Frames queued before close() are still returned; only
  /// then does pop() answer PopStatus::closed.
  PopStatus pop(FramePtr& out, std::chrono::milliseconds timeout);

  /// Moves up to `max` queued frames to the end of `out` (waiting up to `timeout` for the first).
  /// Returns PopStatus::frame when at least one frame was appended.
  PopStatus pop_batch(std::vector<FramePtr>& out, std::size_t max, std::chrono::milliseconds timeout);

  /// Frames discarded since the previous call (drop_oldest), for a consumer that must notify its
  /// user once per loss episode. The total stays available in stats().discarded.
  uint64_t take_discarded();

  SubscriptionStats stats() const;
  const std::string& name() const { return config_.name; }
  DeliveryPolicy policy() const { return config_.policy; }

  /// Builds a detached subscription; use FrameBus::subscribe().
  explicit Subscription(SubscriptionConfig config);

 private:
  friend class FrameBus;
  /// Producer side. Returns false when the subscription is detached (frame not queued).
  bool push(const FramePtr& f);
  /// Stops accepting frames and wakes everyone waiting; `drop_queue` frees the queued frames.
  void detach(bool drop_queue);

  const SubscriptionConfig config_;
  mutable std::mutex mu_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::vector<FramePtr> ring_;  ///< fixed size `capacity`, allocated once
  std::size_t head_ = 0;        ///< index of the oldest queued frame
  std::size_t count_ = 0;
  bool attached_ = true;
  uint64_t enqueued_ = 0, delivered_ = 0, discarded_ = 0, discarded_taken_ = 0, waits_ = 0;
  std::size_t high_water_ = 0;
};

using SubscriptionPtr = std::shared_ptr<Subscription>;

/// One bus per pass: close() is final (a new pass gets a new bus). The bus must outlive the
/// objects that unsubscribe from it (e.g. app::ArchiveWriter).
class FrameBus {
 public:
  FrameBus();
  ~FrameBus();  ///< closes the bus (wakes every waiting consumer and producer)
  FrameBus(const FrameBus&) = delete;
  FrameBus& operator=(const FrameBus&) = delete;

  /// Adds a consumer; it receives every frame published from now on. Thread-safe, any time.
  /// A consumer that stops must unsubscribe(): a 'block' subscription nobody pops would hold
  /// the receive chain back once its ring is full.
  /// On a closed bus the subscription is returned already closed (pop() answers closed).
  SubscriptionPtr subscribe(SubscriptionConfig config);
  SubscriptionPtr subscribe(std::string name, DeliveryPolicy policy, std::size_t capacity);

  /// Removes a consumer: its queued frames are freed, a publish() waiting on it returns, and its
  /// pop() answers closed. Safe while publish() runs on another thread. Idempotent.
  void unsubscribe(const SubscriptionPtr& sub);

  /// Hands one frame to every current subscriber. Returns the number of subscribers that
  /// queued it (a frame published to no one is simply dropped; that is not an error).
  /// Returns 0 after close().
  std::size_t publish(FramePtr frame);
  std::size_t publish(Frame frame) { return publish(std::make_shared<const Frame>(std::move(frame))); }

  /// End of pass: no more frames; every consumer drains its ring and then sees PopStatus::closed,
  /// every waiting publish() returns. Idempotent.
  void close();
  bool closed() const;

  uint64_t published() const;
  std::size_t subscriber_count() const;
  std::vector<SubscriptionStats> stats() const;

 private:
  using List = std::vector<SubscriptionPtr>;
  mutable std::mutex mu_;
  // Copy-on-write list: publish() takes a reference under the lock (no allocation) and delivers
  // without holding it, so a slow 'block' consumer never stalls subscribe/unsubscribe/close.
  std::shared_ptr<const List> subs_;
  bool closed_ = false;
  uint64_t published_ = 0;
};

}  // namespace groundlink::framing
