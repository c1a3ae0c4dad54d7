// Reads soft symbols or bits from a file as int8 soft values (dsp::soft_t, positive = 1).
#pragma once

#include <gnuradio/sync_block.h>
#include <groundlink/api.h>

#include <string>

namespace gr::groundlink {

/*!
 * \brief File of soft symbols -> int8 soft symbols, with an end-of-stream tag on the last item.
 * Formats: "softf32" (float32, positive = 1, scaled by \p scale and clipped to +-127),
 * "softi8" (int8), "bits" (packed bytes, MSB first, mapped to +-127).
 * NaN/Inf samples become erasures (0) and are counted; a trailing partial sample is reported.
 * \ingroup groundlink
 */
class GROUNDLINK_API soft_file_source : virtual public gr::sync_block {
 public:
  typedef std::shared_ptr<soft_file_source> sptr;
  static sptr make(const std::string& path, const std::string& format, float scale = 0.0f);
  virtual uint64_t nonfinite_count() const = 0;
  virtual uint64_t items_total() const = 0;
};

}  // namespace gr::groundlink
