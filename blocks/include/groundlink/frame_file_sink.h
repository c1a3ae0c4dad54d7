// Writes transfer-frame PDUs to a file, back to back.
#pragma once

#include <gnuradio/block.h>
#include <groundlink/api.h>

#include <string>

namespace gr::groundlink {

/*!
 * \brief Frame PDUs ("frames" message port) -> file of concatenated frames.
 * \param good_only write only frames whose quality is "good" (the others are counted)
 * \ingroup groundlink
 */
class GROUNDLINK_API frame_file_sink : virtual public gr::block {
 public:
  typedef std::shared_ptr<frame_file_sink> sptr;
  static sptr make(const std::string& path, bool good_only = true);
  virtual uint64_t frames_written() const = 0;
  virtual uint64_t frames_skipped() const = 0;
};

}  // namespace gr::groundlink
