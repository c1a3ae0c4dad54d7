#include <gnuradio/io_signature.h>
#include <groundlink/channel_model.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "dsp/channel.h"

namespace gr::groundlink {
namespace gd = ::groundlink::dsp;

namespace {
gd::ChannelConfig to_dsp(const channel_model_config& c) {
  if (!(c.sample_rate > 0)) throw std::invalid_argument("sample_rate must be > 0 Hz");
  gd::ChannelConfig k;
  k.samples_per_symbol = c.samples_per_symbol;
  k.bits_per_symbol = c.bits_per_symbol;
  k.code_rate = c.code_rate;
  k.ebn0_db = c.ebn0_db;
  // Hz -> cycles per sample, Hz/s -> cycles per sample^2 (the per-sample figures the
  // simulator integrates).
  k.freq_offset = c.freq_offset_hz / c.sample_rate;
  k.doppler_rate = c.doppler_rate_hz_s / (c.sample_rate * c.sample_rate);
  k.phase_offset = c.phase_offset;
  k.phase_noise_std = c.phase_noise_std;
  k.timing_offset = c.timing_offset;
  k.clock_ppm = c.clock_ppm;
  k.seed = c.seed;
  k.validate();
  return k;
}
}  // namespace

class channel_model_impl : public channel_model {
 public:
  explicit channel_model_impl(const channel_model_config& cfg)
      : gr::block("channel_model", gr::io_signature::make(1, 1, sizeof(gr_complex)),
                  gr::io_signature::make(1, 1, sizeof(gr_complex))),
        d_ch(to_dsp(cfg)),
        d_eos(pmt::intern(kEndOfStreamTag)) {
    // A receiver clock fast by ppm takes that many more samples of the same signal.
    d_ratio = 1.0 + cfg.clock_ppm * 1e-6;
    set_relative_rate(d_ratio);
    set_tag_propagation_policy(TPP_DONT);
    d_out.reserve(kMaxIn + kMaxIn / 64 + 64);  // |ppm| < 1e4: at most 1% more  // the resampler's output for kMaxIn inputs
  }

  double noise_variance() const override { return d_ch.config().noise_variance(); }

  void forecast(int noutput_items, gr_vector_int& req) override {
    req[0] = d_pos < d_out.size() ? 0 : std::max(1, static_cast<int>(noutput_items / d_ratio / 2));
  }

  int general_work(int noutput_items, gr_vector_int& ninput_items, gr_vector_const_void_star& input_items,
                   gr_vector_void_star& output_items) override {
    const auto* in = static_cast<const gr_complex*>(input_items[0]);
    auto* out = static_cast<gr_complex*>(output_items[0]);
    size_t produced = drain(out, static_cast<size_t>(noutput_items));
    size_t n = 0;
    if (d_pos == d_out.size() && ninput_items[0] > 0) {
      n = std::min<size_t>(static_cast<size_t>(ninput_items[0]), kMaxIn);
      d_tags.clear();
      get_tags_in_window(d_tags, 0, 0, n, d_eos);
      if (!d_tags.empty()) {
        n = d_tags.front().offset - nitems_read(0) + 1;
        d_eos_pending = true;
      }
      d_out.clear();
      d_pos = 0;
      d_ch.process(in, n, d_out);
      produced += drain(out + produced, static_cast<size_t>(noutput_items) - produced);
    }
    if (d_eos_pending && d_pos == d_out.size() && produced > 0) {
      add_item_tag(0, nitems_written(0) + produced - 1, d_eos, pmt::PMT_T);
      d_eos_pending = false;
    }
    consume_each(static_cast<int>(n));
    return static_cast<int>(produced);
  }

 private:
  size_t drain(gr_complex* out, size_t max) {
    const size_t k = std::min(max, d_out.size() - d_pos);
    if (k) std::memcpy(out, d_out.data() + d_pos, k * sizeof(gr_complex));
    d_pos += k;
    return k;
  }

  gd::Channel d_ch;
  pmt::pmt_t d_eos;
  double d_ratio = 1.0;
  bool d_eos_pending = false;
  static constexpr size_t kMaxIn = 65536;
  std::vector<gr_complex> d_out;  // channel output not yet handed out
  size_t d_pos = 0;
  std::vector<gr::tag_t> d_tags;
};

channel_model::sptr channel_model::make(const channel_model_config& cfg) {
  return gnuradio::make_block_sptr<channel_model_impl>(cfg);
}

}  // namespace gr::groundlink
