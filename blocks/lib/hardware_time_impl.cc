#include <gnuradio/io_signature.h>
#include <groundlink/hardware_time.h>

#include <atomic>
#include <cmath>
#include <cstring>

namespace gr::groundlink {
namespace gf = ::groundlink::framing;

void sample_clock::add(uint64_t sample, const gf::Timestamp& t) {
  std::lock_guard<std::mutex> lk(d_mu);
  while (!d_points.empty() && d_points.back().first >= sample) d_points.pop_back();
  if (d_points.size() == kMax) d_points.erase(d_points.begin());
  d_points.emplace_back(sample, t);
}

bool sample_clock::time_of(long double sample, long double period, gf::Timestamp& out) const {
  std::lock_guard<std::mutex> lk(d_mu);
  for (auto it = d_points.rbegin(); it != d_points.rend(); ++it) {
    if (static_cast<long double>(it->first) > sample) continue;
    const long double ps = (sample - static_cast<long double>(it->first)) * period * 1e12L;
    out = it->second.plus_ps(static_cast<int64_t>(std::llround(ps)));
    return true;
  }
  return false;
}

size_t sample_clock::points() const {
  std::lock_guard<std::mutex> lk(d_mu);
  return d_points.size();
}

class hardware_time_probe_impl : public hardware_time_probe {
 public:
  explicit hardware_time_probe_impl(sample_clock::sptr clock)
      : gr::sync_block("hardware_time_probe", gr::io_signature::make(1, 1, sizeof(gr_complex)),
                       gr::io_signature::make(1, 1, sizeof(gr_complex))),
        d_clock(std::move(clock)) {
    if (!d_clock) throw std::invalid_argument("hardware_time_probe: no sample_clock");
  }
  uint64_t tags_seen() const override { return d_seen; }

  int work(int noutput_items, gr_vector_const_void_star& in, gr_vector_void_star& out) override {
    std::memcpy(out[0], in[0], static_cast<size_t>(noutput_items) * sizeof(gr_complex));
    d_tags.clear();
    get_tags_in_window(d_tags, 0, 0, static_cast<uint64_t>(noutput_items), d_rx_time);
    for (const auto& t : d_tags) {
      // (uint64 seconds, double fraction) as UHD and gr-soapy write it.
      if (!pmt::is_tuple(t.value) || pmt::length(t.value) != 2) continue;
      const pmt::pmt_t s = pmt::tuple_ref(t.value, 0), f = pmt::tuple_ref(t.value, 1);
      if (!pmt::is_integer(s) && !pmt::is_uint64(s)) continue;
      if (!pmt::is_real(f)) continue;
      const int64_t secs = pmt::is_uint64(s) ? static_cast<int64_t>(pmt::to_uint64(s)) : pmt::to_long(s);
      const double frac = pmt::to_double(f);
      if (!(frac >= 0.0 && frac < 1.0) || secs < 0) continue;
      d_clock->add(t.offset, gf::Timestamp{secs, 0}.plus_ps(static_cast<int64_t>(std::llround(frac * 1e12))));
      ++d_seen;
    }
    return noutput_items;
  }

 private:
  sample_clock::sptr d_clock;
  const pmt::pmt_t d_rx_time = pmt::intern("rx_time");
  std::vector<gr::tag_t> d_tags;
  std::atomic<uint64_t> d_seen{0};
};

hardware_time_probe::sptr hardware_time_probe::make(sample_clock::sptr clock) {
  return gnuradio::make_block_sptr<hardware_time_probe_impl>(std::move(clock));
}

}  // namespace gr::groundlink
