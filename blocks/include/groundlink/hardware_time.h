// Hardware sample timestamps for Earth-receive time: an SDR (UHD, some SoapySDR devices) tags
// the first sample of its stream, and the first sample after every overflow, with "rx_time"
// (a tuple (uint64 full seconds, double fractional seconds), the device's time base, e.g. GPS
// disciplined). hardware_time_probe, right after the source, records those (sample, time)
// points in a sample_clock that the frame decoder reads: a frame's ERT is then the time of the
// latest point at or before its sample plus the sample count since, so samples lost in an
// overflow do not shift every later frame, and the pass start needs no system clock.
#pragma once

#include <gnuradio/sync_block.h>
#include <groundlink/api.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "framing/frame.h"

namespace gr::groundlink {

/// Thread-safe list of (input sample position, UTC time) points, sample positions increasing.
class GROUNDLINK_API sample_clock {
 public:
  using sptr = std::shared_ptr<sample_clock>;
  static sptr make() { return std::make_shared<sample_clock>(); }

  /// Adds a point; a point at or before the last one replaces the later points (a restart).
  void add(uint64_t sample, const ::groundlink::framing::Timestamp& t);
  /// Time of input sample position `sample` (fractional) at `sample_period_s` per sample from
  /// the latest point at or before it; false when there is none.
  bool time_of(long double sample, long double sample_period_s, ::groundlink::framing::Timestamp& out) const;
  size_t points() const;

 private:
  static constexpr size_t kMax = 256;  // oldest points are dropped (frames leave long before)
  mutable std::mutex d_mu;
  std::vector<std::pair<uint64_t, ::groundlink::framing::Timestamp>> d_points;
};

/*!
 * \brief Pass-through for complex samples that feeds "rx_time" tags into a sample_clock.
 * \ingroup groundlink
 */
class GROUNDLINK_API hardware_time_probe : virtual public gr::sync_block {
 public:
  typedef std::shared_ptr<hardware_time_probe> sptr;
  static sptr make(sample_clock::sptr clock);
  /// rx_time tags seen (the first sample's and one per overflow).
  virtual uint64_t tags_seen() const = 0;
};

}  // namespace gr::groundlink
