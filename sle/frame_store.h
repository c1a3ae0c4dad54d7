// Archive access for offline delivery (RAF/RCF rtnOffline, CCSDS 911.1-B §2.4.1): the provider
// asks the store for the frames received between START's start and stop times.
#pragma once

#include <functional>

#include "framing/frame.h"
#include "sle/time.h"

namespace groundlink::sle {

class FrameStore {
 public:
  virtual ~FrameStore() = default;
  /// Calls `sink` for every stored frame with Earth-receive time in [from, to], in time order.
  /// `sink` returns false to stop early (the user stopped). Runs on a provider worker thread.
  virtual void query(const SleTime& from, const SleTime& to,
                     const std::function<bool(const framing::Frame&, const SleTime& ert)>& sink) = 0;
};

}  // namespace groundlink::sle
