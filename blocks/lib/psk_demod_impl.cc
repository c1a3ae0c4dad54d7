#include <gnuradio/io_signature.h>
#include <groundlink/frame_decoder.h>

#include <array>
#include <cmath>
#include <groundlink/psk_demod.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "dsp/psk_demod.h"
#include "output_fifo.h"

namespace gr::groundlink {
namespace gd = ::groundlink::dsp;

gd::PskDemodConfig to_demod_config(const psk_demod_config& c) {
  gd::PskDemodConfig k;
  if (c.modulation == "bpsk") k.modulation = gd::PskModulation::bpsk;
  else if (c.modulation == "qpsk") k.modulation = gd::PskModulation::qpsk;
  else if (c.modulation == "oqpsk") k.modulation = gd::PskModulation::oqpsk;
  else throw std::invalid_argument("modulation '" + c.modulation + "': allowed bpsk, qpsk, oqpsk");
  if (c.samples_per_symbol < 2 || c.samples_per_symbol > 8)
    throw std::invalid_argument("samples_per_symbol " + std::to_string(c.samples_per_symbol) + ": allowed 2..8");
  k.samples_per_symbol = static_cast<unsigned>(c.samples_per_symbol);
  k.rolloff = c.rolloff;
  k.carrier_loop_bw = c.carrier_loop_bw;
  k.timing_loop_bw = c.timing_loop_bw;
  k.acq_range = c.acquisition_range;
  k.code_rate = c.code_rate;
  k.sample_rate_hz = c.sample_rate;
  k.validate();
  return k;
}

gd::ParallelDemodConfig to_parallel_config(const psk_demod_config& c) {
  if (c.threads < 1 || c.threads > 16)
    throw std::invalid_argument("threads " + std::to_string(c.threads) + ": allowed 1..16");
  if (c.segment_samples <= 0)
    throw std::invalid_argument("segment_samples " + std::to_string(c.segment_samples) + ": must be > 0");
  gd::ParallelDemodConfig p;
  p.threads = static_cast<unsigned>(c.threads);
  p.segment_samples = static_cast<size_t>(c.segment_samples);
  p.validate(to_demod_config(c));
  return p;
}

class psk_demod_impl : public psk_demod {
 public:
  explicit psk_demod_impl(const psk_demod_config& cfg)
      : gr::block("psk_demod", gr::io_signature::make(1, 1, sizeof(gr_complex)),
                  gr::io_signature::make(1, 1, sizeof(int8_t))),
        d_demod(to_demod_config(cfg)),
        d_eos(pmt::intern(kEndOfStreamTag)),
        d_status_period(cfg.status_period_symbols) {
    if (cfg.status_period_symbols < 0) throw std::invalid_argument("status_period_symbols must be >= 0 (0 = none)");
    if (!(cfg.sample_tag_scale > 0.0) || !std::isfinite(cfg.sample_tag_offset))
      throw std::invalid_argument("sample_tag_scale must be > 0 and sample_tag_offset finite");
    d_tag_scale = cfg.sample_tag_scale;
    d_tag_offset = cfg.sample_tag_offset;
    if (cfg.threads != 1) {
      const auto pc = to_parallel_config(cfg);
      d_par = std::make_unique<gd::ParallelPskDemodulator>(to_demod_config(cfg), pc);
    }
    message_port_register_out(d_port_status);
    message_port_register_out(d_port_lock);
    message_port_register_out(d_port_ebn0);
    d_next_status = static_cast<uint64_t>(d_status_period);
    d_bits = cfg.modulation == "bpsk" ? 1 : 2;
    d_sps = cfg.samples_per_symbol;
    set_relative_rate(static_cast<double>(d_bits) / d_sps);
    set_tag_propagation_policy(TPP_DONT);
  }

  bool stop() override {
    // Segments wait for their end: a stream that stops without the end-of-stream tag (a plain
    // file source, a stopped SDR) leaves the last of them undemodulated. Say so.
    if (d_par && d_par_pending > 0 && !d_eos_pending)
      d_logger->warn("stopped without an end-of-stream tag: up to {} samples still in the segment-parallel "
                     "demodulator (threads {}) were not demodulated; give the source an end-of-stream tag "
                     "(groundlink iq_file_source does) or use threads = 1",
                     d_par_pending, d_par->config().threads);
    return true;
  }

  psk_demod_status status() const override {
    std::lock_guard<std::mutex> lock(d_status_mu);
    return d_status;
  }

  void forecast(int noutput_items, gr_vector_int& ninput_items_required) override {
    // Output still to come without more input: the FIFO, or (parallel) the last segments.
    const bool pending = !d_fifo.empty() || (d_par && d_eos_pending);
    ninput_items_required[0] = pending ? 0 : std::max(1, noutput_items * d_sps / d_bits / 2);
  }

  int general_work(int noutput_items, gr_vector_int& ninput_items, gr_vector_const_void_star& input_items,
                   gr_vector_void_star& output_items) override {
    const auto* in = static_cast<const std::complex<float>*>(input_items[0]);
    auto* out = static_cast<gd::soft_t*>(output_items[0]);
    size_t produced = d_fifo.drain(out, static_cast<size_t>(noutput_items));
    size_t n = 0;
    if (d_par) {
      n = work_parallel(ninput_items[0], in, produced);
      produced += d_fifo.drain(out + produced, static_cast<size_t>(noutput_items) - produced);
    } else if (d_fifo.empty() && ninput_items[0] > 0) {
      n = std::min<size_t>(static_cast<size_t>(ninput_items[0]), kMaxIn);
      d_tags.clear();
      get_tags_in_window(d_tags, 0, 0, n, d_eos);
      if (!d_tags.empty()) {
        n = d_tags.front().offset - nitems_read(0) + 1;
        d_eos_pending = true;
      }
      // The FIFO is empty: what the demodulator writes now leaves as output item `base` on.
      const uint64_t base = nitems_written(0) + produced;
      gd::soft_t* w = d_fifo.write_ptr(d_demod.max_output(n));
      const size_t k = d_demod.process(in, n, w);
      d_fifo.commit(k);
      for (const auto& a : d_demod.anchors()) anchor(base + a.soft_index, a.sample);
      if (d_eos_pending) {
        // End of the recording: what waits in the algorithm and its filters' delay come out.
        w = d_fifo.append_ptr(d_demod.max_flush_output());
        d_fifo.commit(d_demod.flush(w));
        for (const auto& a : d_demod.anchors()) anchor(base + k + a.soft_index, a.sample);
      }
      produced += d_fifo.drain(out + produced, static_cast<size_t>(noutput_items) - produced);
      publish_status();
    }
    // Sample-time anchors for the soft symbols written in this call ("gl_sample" tags).
    const uint64_t written_end = nitems_written(0) + produced;
    while (d_anchor_count > 0 && d_anchors[d_anchor_head].first < written_end) {
      const auto& a = d_anchors[d_anchor_head];
      add_item_tag(0, a.first, d_sample_tag, pmt::from_double(a.second));
      d_anchor_head = (d_anchor_head + 1) % d_anchors.size();
      --d_anchor_count;
    }
    const bool drained = !d_par || d_par->done();
    if (d_eos_pending && drained && d_fifo.empty() && produced == 0 && noutput_items >= d_bits) {
      // The recording ended with nothing to demodulate (no signal found): one erased symbol
      // carries the end-of-stream tag on, so the decoder downstream still finishes.
      std::fill(out, out + d_bits, gd::soft_t{0});
      produced = static_cast<size_t>(d_bits);
    }
    if (d_eos_pending && drained && d_fifo.empty() && produced > 0) {
      add_item_tag(0, nitems_written(0) + produced - 1, d_eos, pmt::PMT_T);
      d_eos_pending = false;
      if (d_par) {
        d_par->reset();  // ready for another stream
        d_par_pending = 0;
      }
      if (d_status_period > 0) post_status();  // the final figures of the pass
    }
    consume_each(static_cast<int>(n));
    return static_cast<int>(produced);
  }

 private:
  /// The segment-parallel path: input goes to the workers (push blocks only while every
  /// segment slot is busy), stitched output comes back into the FIFO. At the end of the stream
  /// the last segments are waited for. Returns the input consumed.
  size_t work_parallel(int ninput, const std::complex<float>* in, size_t produced) {
    size_t n = 0;
    if (!d_eos_pending && ninput > 0) {
      n = std::min<size_t>(static_cast<size_t>(ninput), kMaxIn);
      d_tags.clear();
      get_tags_in_window(d_tags, 0, 0, n, d_eos);
      if (!d_tags.empty()) n = d_tags.front().offset - nitems_read(0) + 1;
      d_par->push(in, n);
      d_par_pending += n;
      if (!d_tags.empty()) {
        d_par->finish();
        d_eos_pending = true;
      }
    }
    if (d_fifo.empty()) {
      const uint64_t base = nitems_written(0) + produced;
      gd::soft_t* w = d_fifo.write_ptr(kParPull);
      const size_t k = d_eos_pending ? d_par->pull_wait(w, kParPull) : d_par->pull(w, kParPull);
      d_fifo.commit(k);
      for (const auto& a : d_par->anchors()) anchor(base + a.soft_index, a.sample);
      if (k > 0 || d_eos_pending) publish_status();
    }
    return n;
  }

  /// Queues a "gl_sample" tag for output item `offset`: the on-time instant of its symbol as a
  /// sample position of the recording (the demodulator's input position mapped back through
  /// the front-end's rate change and delay).
  void anchor(uint64_t offset, double demod_sample) {
    if (demod_sample < 0.0) return;
    if (d_anchor_count == d_anchors.size()) {  // cannot happen: at most 66 per refill
      d_anchor_head = (d_anchor_head + 1) % d_anchors.size();
      --d_anchor_count;
    }
    d_anchors[(d_anchor_head + d_anchor_count) % d_anchors.size()] = {
        offset, demod_sample * d_tag_scale + d_tag_offset};
    ++d_anchor_count;
  }

  gd::PskDemodStatus demod_status() const { return d_par ? d_par->status() : d_demod.status(); }

  void publish_status() {
    const gd::PskDemodStatus s = demod_status();
    psk_demod_status p;
    p.acquiring = s.acquiring;
    p.carrier_lock = s.carrier_lock;
    p.timing_lock = s.timing_lock;
    p.freq_offset_hz = s.freq_offset_hz;
    p.clock_offset_ppm = s.clock_offset_ppm;
    p.esn0_db = s.esn0_db;
    p.ebn0_db = s.ebn0_db;
    p.symbols = s.symbols;
    p.nonfinite_samples = s.nonfinite_samples;
    p.lock_symbol = s.lock_symbol;
    if (d_par) {
      p.joins = d_par->joins();
      p.failed_joins = d_par->failed_joins();
    }
    // A short critical section copying a small struct, once per work call: status readers
    // (monitoring) never stall the DSP.
    {
      std::lock_guard<std::mutex> lock(d_status_mu);
      d_status = p;
    }
    if (d_status_period > 0 && s.symbols >= d_next_status) {
      post_status();
      while (d_next_status <= s.symbols) d_next_status += static_cast<uint64_t>(d_status_period);
    }
  }

  /// Messages for displays: one set per status period (the GRC flowgraphs use a tenth of a
  /// second of symbols), so their allocation stays out of the per-sample work.
  void post_status() {
    const gd::PskDemodStatus s = demod_status();
    const bool locked = s.carrier_lock && s.timing_lock;
    pmt::pmt_t d = pmt::make_dict();
    auto put = [&d](const char* k, pmt::pmt_t v) { d = pmt::dict_add(d, pmt::intern(k), v); };
    put("acquiring", pmt::from_bool(s.acquiring));
    put("carrier_lock", pmt::from_bool(s.carrier_lock));
    put("timing_lock", pmt::from_bool(s.timing_lock));
    put("lock", pmt::from_bool(locked));
    put("freq_offset_hz", pmt::from_double(s.freq_offset_hz));
    put("clock_offset_ppm", pmt::from_double(s.clock_offset_ppm));
    put("esn0_db", pmt::from_double(s.esn0_db));
    put("ebn0_db", pmt::from_double(s.ebn0_db));
    put("symbols", pmt::from_uint64(s.symbols));
    message_port_pub(d_port_status, d);
    message_port_pub(d_port_lock, pmt::cons(pmt::intern("lock"), pmt::from_bool(locked)));
    message_port_pub(d_port_ebn0, pmt::cons(pmt::intern("ebn0_db"), pmt::from_double(s.ebn0_db)));
  }

  gd::PskDemodulator d_demod;
  std::unique_ptr<gd::ParallelPskDemodulator> d_par;  // threads > 1
  uint64_t d_par_pending = 0;  // samples pushed since the last end of stream
  static constexpr size_t kParPull = 65536;  // softs taken from the parallel demodulator per call
  int d_bits, d_sps;
  pmt::pmt_t d_eos;
  int64_t d_status_period;
  uint64_t d_next_status = 0;
  const pmt::pmt_t d_port_status = pmt::intern("status"), d_port_lock = pmt::intern("lock"),
                   d_port_ebn0 = pmt::intern("ebn0");
  bool d_eos_pending = false;
  const pmt::pmt_t d_sample_tag = pmt::intern(kSampleTimeTag);
  double d_tag_scale = 1.0, d_tag_offset = 0.0;
  std::array<std::pair<uint64_t, double>, 128> d_anchors{};
  size_t d_anchor_head = 0, d_anchor_count = 0;
  static constexpr size_t kMaxIn = 65536;  // samples demodulated per call at most
  output_fifo<gd::soft_t> d_fifo{2 * kMaxIn + 64};
  std::vector<gr::tag_t> d_tags;
  mutable std::mutex d_status_mu;
  psk_demod_status d_status;
};

psk_demod::sptr psk_demod::make(const psk_demod_config& cfg) {
  return gnuradio::make_block_sptr<psk_demod_impl>(cfg);
}

}  // namespace gr::groundlink
