#include "framing/frame_bus.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace groundlink::framing {

namespace {
constexpr std::size_t kMaxCapacity = std::size_t{1} << 20;
}  // namespace

const char* to_string(DeliveryPolicy p) {
  return p == DeliveryPolicy::drop_oldest ? "drop_oldest" : "block";
}

void SubscriptionConfig::validate() const {
  if (capacity < 1 || capacity > kMaxCapacity)
    throw std::invalid_argument("SubscriptionConfig.capacity = " + std::to_string(capacity) +
                                ": must be in 1 .. " + std::to_string(kMaxCapacity));
  if (policy != DeliveryPolicy::block && policy != DeliveryPolicy::drop_oldest)
    throw std::invalid_argument("SubscriptionConfig.policy: must be block or drop_oldest");
}

// ---------------------------------------------------------------------------------------------
// Subscription

Subscription::Subscription(SubscriptionConfig config) : config_(std::move(config)) {
  config_.validate();
  ring_.resize(config_.capacity);
}

bool Subscription::push(const FramePtr& f) {
  FramePtr evicted;  // released after the lock: freeing a frame is not done under the mutex
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (!attached_) return false;
    if (count_ == ring_.size()) {
      if (config_.policy == DeliveryPolicy::drop_oldest) {
        evicted = std::move(ring_[head_]);
        head_ = (head_ + 1) % ring_.size();
        --count_;
        ++discarded_;
      } else {
        ++waits_;
        not_full_.wait(lock, [&] { return count_ < ring_.size() || !attached_; });
        if (!attached_) return false;
      }
    }
    ring_[(head_ + count_) % ring_.size()] = f;
    ++count_;
    ++enqueued_;
    high_water_ = std::max(high_water_, count_);
  }
  not_empty_.notify_one();
  return true;
}

void Subscription::detach(bool drop_queue) {
  std::vector<FramePtr> freed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    attached_ = false;
    if (drop_queue && count_ > 0) {
      freed.reserve(count_);
      for (; count_ > 0; --count_) {
        freed.push_back(std::move(ring_[head_]));
        head_ = (head_ + 1) % ring_.size();
      }
      head_ = 0;
    }
  }
  not_empty_.notify_all();
  not_full_.notify_all();
}

PopStatus Subscription::pop(FramePtr& out, std::chrono::milliseconds timeout) {
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (!not_empty_.wait_for(lock, timeout, [&] { return count_ > 0 || !attached_; }))
      return PopStatus::timeout;
    if (count_ == 0) return PopStatus::closed;
    out = std::move(ring_[head_]);
    head_ = (head_ + 1) % ring_.size();
    --count_;
    ++delivered_;
  }
  not_full_.notify_one();
  return PopStatus::frame;
}

PopStatus Subscription::pop_batch(std::vector<FramePtr>& out, std::size_t max,
                                  std::chrono::milliseconds timeout) {
  if (max == 0) return PopStatus::timeout;
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (!not_empty_.wait_for(lock, timeout, [&] { return count_ > 0 || !attached_; }))
      return PopStatus::timeout;
    if (count_ == 0) return PopStatus::closed;
    const std::size_t n = std::min(max, count_);
    for (std::size_t i = 0; i < n; ++i) {
      out.push_back(std::move(ring_[head_]));
      head_ = (head_ + 1) % ring_.size();
    }
    count_ -= n;
    delivered_ += n;
  }
  // Several slots freed at once; there is a single producer, but notify_all also covers the
  // (unusual) case of several publishing threads.
  not_full_.notify_all();
  return PopStatus::frame;
}

uint64_t Subscription::take_discarded() {
  std::lock_guard<std::mutex> lock(mu_);
  const uint64_t n = discarded_ - discarded_taken_;
  discarded_taken_ = discarded_;
  return n;
}

SubscriptionStats Subscription::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  SubscriptionStats s;
  s.name = config_.name;
  s.policy = config_.policy;
  s.capacity = ring_.size();
  s.enqueued = enqueued_;
  s.delivered = delivered_;
  s.discarded = discarded_;
  s.publisher_waits = waits_;
  s.depth = count_;
  s.high_water = high_water_;
  s.attached = attached_;
  return s;
}

// ---------------------------------------------------------------------------------------------
// FrameBus

FrameBus::FrameBus() : subs_(std::make_shared<const List>()) {}

FrameBus::~FrameBus() { close(); }

SubscriptionPtr FrameBus::subscribe(SubscriptionConfig config) {
  auto sub = std::make_shared<Subscription>(std::move(config));
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) {
    sub->detach(false);
    return sub;
  }
  auto next = std::make_shared<List>(*subs_);
  next->push_back(sub);
  subs_ = std::move(next);
  return sub;
}

SubscriptionPtr FrameBus::subscribe(std::string name, DeliveryPolicy policy, std::size_t capacity) {
  SubscriptionConfig c;
  c.name = std::move(name);
  c.policy = policy;
  c.capacity = capacity;
  return subscribe(std::move(c));
}

void FrameBus::unsubscribe(const SubscriptionPtr& sub) {
  if (!sub) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = std::find(subs_->begin(), subs_->end(), sub);
    if (it != subs_->end()) {
      auto next = std::make_shared<List>(*subs_);
      next->erase(next->begin() + (it - subs_->begin()));
      subs_ = std::move(next);
    }
  }
  // Detached outside the bus lock; a publish() still holding the old list finds it detached
  // and skips it, one blocked on its full ring is woken.
  sub->detach(true);
}

std::size_t FrameBus::publish(FramePtr frame) {
  std::shared_ptr<const List> subs;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return 0;
    subs = subs_;
    ++published_;
  }
  std::size_t n = 0;
  for (const auto& s : *subs) n += s->push(frame) ? 1 : 0;
  return n;
}

void FrameBus::close() {
  std::shared_ptr<const List> subs;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return;
    closed_ = true;
    subs = subs_;  // kept for stats() at the end of the pass
  }
  for (const auto& s : *subs) s->detach(false);
}

bool FrameBus::closed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return closed_;
}

uint64_t FrameBus::published() const {
  std::lock_guard<std::mutex> lock(mu_);
  return published_;
}

std::size_t FrameBus::subscriber_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return subs_->size();
}

std::vector<SubscriptionStats> FrameBus::stats() const {
  std::shared_ptr<const List> subs;
  {
    std::lock_guard<std::mutex> lock(mu_);
    subs = subs_;
  }
  std::vector<SubscriptionStats> out;
  out.reserve(subs->size());
  for (const auto& s : *subs) out.push_back(s->stats());
  return out;
}

}  // namespace groundlink::framing
