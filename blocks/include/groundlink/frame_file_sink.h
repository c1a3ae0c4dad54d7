// Writes transfer-frame PDUs to a file, back to back.
#pragma once

#include <gnuradio/block.h>
#include <groundlink/api.h>

#include <string>

namespace gr::groundlink {

/*!
 * \brief Frame PDUs ("frames" message port) -> file of concatenated frames.
 * \param skip_erred leave out frames whose quality is "erred" (counted); good and undetermined
 *        frames (no check was possible) are written
 * \ingroup groundlink
 */
class GROUNDLINK_API frame_file_sink : virtual public gr::block {
 public:
  typedef std::shared_ptr<frame_file_sink> sptr;
  static sptr make(const std::string& path, bool skip_erred = true);
  virtual uint64_t frames_written() const = 0;
  virtual uint64_t frames_skipped() const = 0;
};

}  // namespace gr::groundlink
