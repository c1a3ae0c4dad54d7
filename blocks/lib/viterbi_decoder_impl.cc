#include <gnuradio/io_signature.h>
#include <groundlink/viterbi_decoder.h>

#include <algorithm>
#include <stdexcept>

#include "dsp/viterbi.h"

namespace gr::groundlink {
namespace gd = ::groundlink::dsp;

class viterbi_decoder_impl : public viterbi_decoder {
 public:
  viterbi_decoder_impl(const std::string& rate, bool invert_g2, int traceback)
      : gr::block("viterbi_decoder", gr::io_signature::make(1, 1, sizeof(int8_t)),
                  gr::io_signature::make(1, 1, sizeof(uint8_t))),
        d_dec(make_config(rate, invert_g2, traceback)) {
    d_rate = gd::code_rate(d_dec.config().code.rate);
    set_relative_rate(d_rate);
    set_tag_propagation_policy(TPP_DONT);
    // Room for one chunk's release plus what a flush can emit.
    set_min_output_buffer(0, 4 * (d_dec.config().chunk_bits + d_dec.config().traceback) + 65536);
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
    ninput_items_required[0] = std::max(1, static_cast<int>(noutput_items / d_rate / 4));
  }

  int general_work(int noutput_items, gr_vector_int& ninput_items, gr_vector_const_void_star& input_items,
                   gr_vector_void_star& output_items) override {
    const auto* in = static_cast<const int8_t*>(input_items[0]);
    auto* out = static_cast<uint8_t*>(output_items[0]);
    size_t n = static_cast<size_t>(ninput_items[0]);
    // Consume only as much as the output buffer can take, with room for a flush.
    const size_t flush_room = d_dec.max_output(0);
    while (n > 0 && d_dec.max_output(n) + flush_room > static_cast<size_t>(noutput_items)) n /= 2;
    if (n == 0) return 0;
    // Stop at the end-of-stream tag so the flush happens exactly after the last symbol.
    std::vector<gr::tag_t> tags;
    get_tags_in_window(tags, 0, 0, n, pmt::intern(kEndOfStreamTag));
    bool eos = false;
    if (!tags.empty()) {
      n = tags.front().offset - nitems_read(0) + 1;
      eos = true;
    }
    size_t produced = d_dec.process(in, n, out);
    if (eos) {
      produced += d_dec.flush(out + produced);
      if (produced > 0)
        add_item_tag(0, nitems_written(0) + produced - 1, pmt::intern(kEndOfStreamTag), pmt::PMT_T);
      d_dec.reset();
    }
    consume_each(static_cast<int>(n));
    return static_cast<int>(produced);
  }

 private:
  gd::ViterbiDecoder d_dec;
  double d_rate;
};

viterbi_decoder::sptr viterbi_decoder::make(const std::string& rate, bool invert_g2, int traceback) {
  return gnuradio::make_block_sptr<viterbi_decoder_impl>(rate, invert_g2, traceback);
}

}  // namespace gr::groundlink
