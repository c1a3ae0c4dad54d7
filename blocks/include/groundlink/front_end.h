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
 * \param doppler_table_s, doppler_table_hz or a pass prediction: times (s, increasing) and
 *        frequencies (Hz), interpolated linearly (not both with the polynomial)
 * \param doppler_time_offset_s prediction time of the first sample
 * The end-of-stream tag is passed on.
 * \ingroup groundlink
 */
class GROUNDLINK_API front_end : virtual public gr::block {
 public:
  typedef std::shared_ptr<front_end> sptr;
  static sptr make(double sample_rate, unsigned interp, unsigned decim,
                   const std::vector<double>& doppler_poly_hz = {}, bool dc_block = true,
                   const std::vector<double>& doppler_table_s = {},
                   const std::vector<double>& doppler_table_hz = {}, double doppler_time_offset_s = 0.0);
};

}  // namespace gr::groundlink
