// Receiver front-end block: DC removal, frequency shift with Doppler pre-compensation, rational
// resampling to the demodulator's samples per symbol.
#pragma once

#include <gnuradio/block.h>
#include <groundlink/api.h>

#include <vector>

namespace gr::groundlink {

/*!
 * \brief complex in, complex out at sample_rate * interp / decim.
 * \param doppler_poly_hz carrier to remove: f(t) = c0 + c1 t + c2 t^2 ... (Hz, t in seconds)
 * The end-of-stream tag is passed on.
 * \ingroup groundlink
 */
class GROUNDLINK_API front_end : virtual public gr::block {
 public:
  typedef std::shared_ptr<front_end> sptr;
  static sptr make(double sample_rate, unsigned interp, unsigned decim,
                   const std::vector<double>& doppler_poly_hz = {}, bool dc_block = true);
};

}  // namespace gr::groundlink
