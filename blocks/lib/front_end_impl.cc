#include <gnuradio/io_signature.h>
#include <groundlink/api.h>
#include <groundlink/front_end.h>

#include <algorithm>
#include <stdexcept>

#include "dsp/frontend.h"
#include "output_fifo.h"

namespace gr::groundlink {
namespace gd = ::groundlink::dsp;

class front_end_impl : public front_end {
 public:
  front_end_impl(double sample_rate, unsigned interp, unsigned decim, const std::vector<double>& poly,
                 bool dc_block, const std::vector<double>& table_s, const std::vector<double>& table_hz,
                 double time_offset_s)
      : gr::block("front_end", gr::io_signature::make(1, 1, sizeof(gr_complex)),
                  gr::io_signature::make(1, 1, sizeof(gr_complex))),
        d_fe(make_config(sample_rate, interp, decim, poly, dc_block, table_s, table_hz, time_offset_s)),
        d_eos(pmt::intern(kEndOfStreamTag)) {
    d_ratio = static_cast<double>(interp) / decim;
    set_relative_rate(interp, decim);
    set_tag_propagation_policy(TPP_DONT);
  }
  static gd::FrontEndConfig make_config(double fs, unsigned interp, unsigned decim,
                                        const std::vector<double>& poly, bool dc,
                                        const std::vector<double>& table_s, const std::vector<double>& table_hz,
                                        double time_offset_s) {
    gd::FrontEndConfig c;
    c.sample_rate_hz = fs;
    c.resample_interp = interp;
    c.resample_decim = decim;
    c.doppler_poly_hz = poly;
    if (table_s.size() != table_hz.size())
      throw std::invalid_argument("front_end: doppler_table_s and doppler_table_hz must have the same length");
    for (size_t i = 0; i < table_s.size(); ++i) c.doppler_table.emplace_back(table_s[i], table_hz[i]);
    c.doppler_time_offset_s = time_offset_s;
    c.dc_block = dc;
    c.validate();
    return c;
  }
  void forecast(int noutput_items, gr_vector_int& req) override {
    req[0] = d_fifo.empty() ? std::max(1, static_cast<int>(noutput_items / d_ratio / 2)) : 0;
  }
  int general_work(int noutput_items, gr_vector_int& ninput_items, gr_vector_const_void_star& input_items,
                   gr_vector_void_star& output_items) override {
    const auto* in = static_cast<const gr_complex*>(input_items[0]);
    auto* out = static_cast<gr_complex*>(output_items[0]);
    size_t produced = d_fifo.drain(out, static_cast<size_t>(noutput_items));
    size_t n = 0;
    if (d_fifo.empty() && ninput_items[0] > 0) {
      n = std::min<size_t>(static_cast<size_t>(ninput_items[0]), kMaxIn);
      d_tags.clear();
      get_tags_in_window(d_tags, 0, 0, n, d_eos);
      if (!d_tags.empty()) {
        n = d_tags.front().offset - nitems_read(0) + 1;
        d_eos_pending = true;
      }
      gr_complex* w = d_fifo.write_ptr(d_fe.max_output(n));
      d_fifo.commit(d_fe.process(in, n, w));
      if (d_eos_pending) {
        // End of the recording: what waits in the algorithm and its filters' delay come out.
        w = d_fifo.append_ptr(d_fe.max_flush_output());
        d_fifo.commit(d_fe.flush(w));
      }
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
  gd::FrontEnd d_fe;
  double d_ratio;
  pmt::pmt_t d_eos;
  bool d_eos_pending = false;
  static constexpr size_t kMaxIn = 65536;
  output_fifo<gr_complex> d_fifo{kMaxIn};
  std::vector<gr::tag_t> d_tags;
};

front_end::sptr front_end::make(double sample_rate, unsigned interp, unsigned decim,
                                const std::vector<double>& poly, bool dc_block,
                                const std::vector<double>& table_s, const std::vector<double>& table_hz,
                                double time_offset_s) {
  return gnuradio::make_block_sptr<front_end_impl>(sample_rate, interp, decim, poly, dc_block, table_s,
                                                   table_hz, time_offset_s);
}

}  // namespace gr::groundlink
