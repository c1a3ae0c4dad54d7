#include <gnuradio/io_signature.h>
#include <groundlink/frame_decoder.h>
#include <groundlink/frame_pdu.h>

#include <atomic>
#include <stdexcept>

#include "framing/phase_ambiguity.h"

namespace gr::groundlink {
namespace gf = ::groundlink::framing;
namespace gd = ::groundlink::dsp;

gf::DecoderChainConfig to_chain_config(const frame_decoder_config& c) {
  gf::DecoderChainConfig k;
  if (c.conv_rate == "none") {
    k.coding = gf::ChannelCoding::none;
  } else {
    k.coding = gf::ChannelCoding::conv;
    k.conv.rate = gd::conv_rate_from_string(c.conv_rate);
    k.conv.invert_g2 = c.invert_g2;
  }
  const std::string hex = c.asm_hex.rfind("0x", 0) == 0 ? c.asm_hex.substr(2) : c.asm_hex;
  if (hex.empty() || hex.size() > 16 || hex.size() % 2 ||
      hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
    throw std::invalid_argument("asm_hex '" + c.asm_hex + "': 1 to 8 bytes of hex");
  k.sync.sync_marker.marker = std::stoull(hex, nullptr, 16);
  k.sync.sync_marker.length_bits = static_cast<int>(hex.size() * 4);
  k.sync.search_max_errors = c.search_errors;
  k.sync.lock_max_errors = c.lock_errors;
  k.sync.confirm_frames = c.check_frames;
  k.sync.flywheel_frames = c.flywheel_frames;
  k.sync.bit_slip = c.bit_slip;
  if (c.format == "tm") k.frame.format = gf::FrameFormat::tm;
  else if (c.format == "aos") k.frame.format = gf::FrameFormat::aos;
  else if (c.format == "none") k.frame.format = gf::FrameFormat::unknown;
  else throw std::invalid_argument("format '" + c.format + "': allowed tm, aos, none");
  if (c.frame_length <= 0) throw std::invalid_argument("frame_length must be > 0");
  k.frame.frame_length = static_cast<size_t>(c.frame_length);
  k.frame.derandomize = c.randomizer;
  if (c.rs_e != 0) {
    gd::RsConfig rs;
    rs.e = c.rs_e;
    rs.interleave = c.rs_interleave;
    rs.dual_basis = c.rs_dual_basis;
    rs.virtual_fill = c.rs_virtual_fill;
    k.frame.rs = rs;
  }
  k.frame.fecf = c.fecf;
  k.frame.aos_ocf = c.ocf;
  k.frame.scid = c.scid;
  k.validate();
  return k;
}

class frame_decoder_impl : public frame_decoder {
 public:
  explicit frame_decoder_impl(const frame_decoder_config& cfg)
      : gr::sync_block("frame_decoder", gr::io_signature::make(1, 1, sizeof(int8_t)),
                       gr::io_signature::make(0, 0, 0)),
        d_chain(gf::AmbiguityResolverConfig{to_chain_config(cfg), cfg.iq_pairs, true}),
        d_port(pmt::intern("frames")),
        d_eos(pmt::intern(kEndOfStreamTag)) {
    message_port_register_out(d_port);
    d_start = gf::Timestamp{cfg.start_seconds, cfg.start_picoseconds}.plus_ps(0);
    d_soft_period_ps = static_cast<long double>(cfg.soft_symbol_period) * 1e12L;
    d_sample_period_ps = static_cast<long double>(cfg.sample_period) * 1e12L;
    d_soft_per_sample = cfg.soft_per_sample;
    d_iq_pairs = cfg.iq_pairs;
    d_deliver = [this](const gf::Frame& f) {
      d_frame = f;
      d_frame.ert = ert_of(f.symbol_index);
      if (d_handler) d_handler(d_frame);
      message_port_pub(d_port, frame_to_pdu(d_frame));
    };
  }

  void set_frame_handler(std::function<void(const gf::Frame&)> handler) override {
    d_handler = std::move(handler);
  }

  frame_decoder_counters counters() const override {
    frame_decoder_counters c;
    c.frames_good = d_good;
    c.frames_bad = d_bad;
    c.frames_undetermined = d_undet;
    c.rs_corrected = d_rs;
    c.gaps = d_gaps;
    c.sync_losses = d_losses;
    c.symbols_in = d_symbols;
    return c;
  }
  bool finished() const override { return d_finished; }
  void end_of_pass() override {
    if (d_finished) return;
    d_chain.flush(d_deliver);
    d_finished = true;
    publish_counters();
  }
  void set_sample_clock(std::shared_ptr<sample_clock> clock) override { d_clock = std::move(clock); }

  int work(int noutput_items, gr_vector_const_void_star& input_items, gr_vector_void_star&) override {
    const auto* in = static_cast<const gd::soft_t*>(input_items[0]);
    size_t n = static_cast<size_t>(noutput_items);
    d_tags.clear();
    get_tags_in_window(d_tags, 0, 0, n, d_eos);
    bool eos = false;
    if (!d_tags.empty()) {
      n = d_tags.front().offset - nitems_read(0) + 1;
      eos = true;
    }
    d_time_tags.clear();
    get_tags_in_window(d_time_tags, 0, 0, n, d_sample_tag);
    for (const auto& t : d_time_tags) {
      d_anchors[d_anchor_next % kAnchors] = {t.offset, pmt::to_double(t.value)};
      ++d_anchor_next;
    }
    d_chain.process(in, n, d_deliver);
    if (eos) {
      d_chain.flush(d_deliver);
      d_finished = true;
    }
    publish_counters();
    if (eos) d_chain.reset();
    return static_cast<int>(n);
  }

 private:
  void publish_counters() {
    const auto s = d_chain.stats();
    d_good = s.frames_good;
    d_bad = s.frames_erred;
    d_undet = s.frames_undetermined;
    d_rs = s.rs_corrected;
    d_gaps = s.gaps;
    d_losses = s.sync_losses;
    d_symbols = s.symbols;
  }

  /// ERT of soft symbol `index`: from the latest sample-time anchor at or before it (IQ input),
  /// else from the nominal soft-symbol period. Long double keeps picoseconds exact over a pass.
  gf::Timestamp ert_of(uint64_t index) const {
    // QPSK/OQPSK: softs 2s and 2s+1 are the I and Q of one symbol, received at one instant.
    if (d_iq_pairs) index &= ~uint64_t{1};
    for (size_t k = 0; k < kAnchors && k < d_anchor_next; ++k) {
      const Anchor& a = d_anchors[(d_anchor_next - 1 - k) % kAnchors];
      if (a.offset <= index && d_sample_period_ps > 0 && d_soft_per_sample > 0) {
        const long double sample = a.sample + (index - a.offset) / static_cast<long double>(d_soft_per_sample);
        gf::Timestamp hw;
        if (d_clock && d_clock->time_of(sample, d_sample_period_ps * 1e-12L, hw)) return hw;
        return d_start.plus_ps(static_cast<int64_t>(sample * d_sample_period_ps + 0.5L));
      }
    }
    return d_start.plus_ps(static_cast<int64_t>(index * d_soft_period_ps + 0.5L));
  }

  struct Anchor {
    uint64_t offset = 0;
    double sample = 0;
  };
  static constexpr size_t kAnchors = 256;  // frames leave the chain well within 256 demod calls
  Anchor d_anchors[kAnchors];
  size_t d_anchor_next = 0;
  gf::Timestamp d_start;
  long double d_soft_period_ps = 0, d_sample_period_ps = 0;
  double d_soft_per_sample = 0;
  bool d_iq_pairs = false;
  std::shared_ptr<sample_clock> d_clock;
  gf::Frame d_frame;
  std::vector<gr::tag_t> d_time_tags;
  pmt::pmt_t d_sample_tag = pmt::intern(kSampleTimeTag);
  gf::AmbiguityResolvingDecoder d_chain;
  gf::FrameCallback d_deliver;
  std::function<void(const gf::Frame&)> d_handler;
  // Published for readers on other threads (status, the program); written only by work().
  std::atomic<uint64_t> d_good{0}, d_bad{0}, d_undet{0}, d_rs{0}, d_gaps{0}, d_losses{0}, d_symbols{0};
  std::atomic<bool> d_finished{false};
  pmt::pmt_t d_port, d_eos;
  std::vector<gr::tag_t> d_tags;
};

frame_decoder::sptr frame_decoder::make(const frame_decoder_config& cfg) {
  return gnuradio::make_block_sptr<frame_decoder_impl>(cfg);
}

}  // namespace gr::groundlink
