// Reads an IQ recording (cf32 / cs16 / cs8, interleaved I/Q) as complex float samples.
#pragma once

#include <gnuradio/sync_block.h>
#include <groundlink/api.h>

#include <string>

namespace gr::groundlink {

/*!
 * \brief IQ file -> complex float, with an end-of-stream tag on the last sample.
 * Formats: "cf32" (SigMF cf32_le), "cs16" (ci16_le, scaled by 1/32768), "cs8" (ci8, 1/128),
 * "cu8" (RTL-SDR offset binary, (x - 127.5) / 128).
 * NaN/Inf samples are replaced by zero and counted; a trailing partial sample is reported and
 * ignored. \p repeat_limit = 0 plays the file once.
 * \ingroup groundlink
 */
class GROUNDLINK_API iq_file_source : virtual public gr::sync_block {
 public:
  typedef std::shared_ptr<iq_file_source> sptr;
  static sptr make(const std::string& path, const std::string& format);
  virtual uint64_t nonfinite_count() const = 0;
  virtual uint64_t samples_total() const = 0;
  virtual uint64_t samples_read() const = 0;
  /// Bytes at the end of the file that do not make a whole sample (a truncated recording).
  virtual uint64_t trailing_bytes() const = 0;
};

}  // namespace gr::groundlink
