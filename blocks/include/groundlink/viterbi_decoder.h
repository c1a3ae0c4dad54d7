// CCSDS convolutional decoder block: int8 soft symbols in, decoded bits (one per byte) out.
#pragma once

#include <gnuradio/block.h>
#include <groundlink/api.h>

#include <string>

namespace gr::groundlink {

/*!
 * \brief Streaming soft-decision Viterbi decoder for the CCSDS k=7 code (131.0-B-4 §3).
 * \param rate "1/2", "2/3", "3/4", "5/6" or "7/8" (punctured rates per §3.5)
 * \param invert_g2 CCSDS inverts the G2 output; false for the NASA-standard convention
 * \param traceback decisions held before a bit is released (>= 35)
 * On the end-of-stream tag the decoder flushes, so the last bits come out.
 * \ingroup groundlink
 */
class GROUNDLINK_API viterbi_decoder : virtual public gr::block {
 public:
  typedef std::shared_ptr<viterbi_decoder> sptr;
  static sptr make(const std::string& rate = "1/2", bool invert_g2 = true, int traceback = 96);
};

}  // namespace gr::groundlink
