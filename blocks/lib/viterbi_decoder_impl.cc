#include <gnuradio/io_signature.h>
#include <groundlink/viterbi_decoder.h>

#include <algorithm>
#include <stdexcept>

#include "dsp/viterbi.h"
#include "output_fifo.h"

namespace gr::groundlink {
namespace gd = ::groundlink::dsp;

class viterbi_decoder_impl : public viterbi_decoder {
 public:
  viterbi_decoder_impl(const std::string& rate, bool invert_g2, int traceback)
      : gr::block("viterbi_decoder", gr::io_signature::make(1, 1, sizeof(int8_t)),
                  gr::io_signature::make(1, 1, sizeof(uint8_t))),
        d_dec(make_config(rate, invert_g2, traceback)),
        d_fifo(2 * (kMaxIn + 8 + 2 * 8192 + 4096)) {
    d_rate = gd::code_rate(d_dec.config().code.rate);
    set_relative_rate(d_rate);
    set_tag_propagation_policy(TPP_DONT);
  }

  static gd::ViterbiConfig make_config(const std::string& rate, bool invert_g2, int traceback) {
    gd::ViterbiConfig c;
    c.code.rate = gd::conv_rate_from_string(rate);
    c.code.invert_g2 = invert_g2;
    if (traceback < 35 || traceback > 4096)
      throw std::invalid_argument("traceback " + std::to_string(traceback) + ": allowed 35..4096");
    c.traceback = static_cast<size_t>(traceback);
    return c;
  }

  void forecast(int noutput_items, gr_vector_int& ninput_items_required) override {
    ninput_items_required[0] = d_fifo.empty() ? std::max(1, static_cast<int>(noutput_items / d_rate / 4)) : 0;
  }

  int general_work(int noutput_items, gr_vector_int& ninput_items, gr_vector_const_void_star& input_items,
                   gr_vector_void_star& output_items) override {
    const auto* in = static_cast<const int8_t*>(input_items[0]);
    auto* out = static_cast<uint8_t*>(output_items[0]);
    size_t produced = d_fifo.drain(out, static_cast<size_t>(noutput_items));
    size_t n = 0;
    if (d_fifo.empty() && ninput_items[0] > 0) {
      n = std::min<size_t>(static_cast<size_t>(ninput_items[0]), kMaxIn);
      // Stop at the end-of-stream tag so the flush happens exactly after the last symbol.
      d_tags.clear();
      get_tags_in_window(d_tags, 0, 0, n, d_eos);
      const bool eos = !d_tags.empty();
      if (eos) n = d_tags.front().offset - nitems_read(0) + 1;
      uint8_t* w = d_fifo.write_ptr(d_dec.max_output(n) * 2);
      size_t k = d_dec.process(in, n, w);
      if (eos) {
        k += d_dec.flush(w + k);
        d_dec.reset();
        d_eos_pending = true;
      }
      d_fifo.commit(k);
      produced += d_fifo.drain(out + produced, static_cast<size_t>(noutput_items) - produced);
    }
    if (d_eos_pending && d_fifo.empty() && produced > 0) {
      add_item_tag(0, nitems_written(0) + produced - 1, d_eos, pmt::PMT_T);
      d_eos_pending = false;
    }
    consume_each(static_cast<int>(n));
    return static_cast<int>(produced);
  }

 private:
  static constexpr size_t kMaxIn = 65536;  // symbols decoded per call at most
  gd::ViterbiDecoder d_dec;
  double d_rate;
  output_fifo<uint8_t> d_fifo;
  std::vector<gr::tag_t> d_tags;
  pmt::pmt_t d_eos = pmt::intern(kEndOfStreamTag);
  bool d_eos_pending = false;
};

viterbi_decoder::sptr viterbi_decoder::make(const std::string& rate, bool invert_g2, int traceback) {
  return gnuradio::make_block_sptr<viterbi_decoder_impl>(rate, invert_g2, traceback);
}

}  // namespace gr::groundlink
