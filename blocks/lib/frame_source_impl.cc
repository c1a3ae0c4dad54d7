#include <gnuradio/io_signature.h>
#include <groundlink/frame_decoder.h>
#include <groundlink/frame_source.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <random>
#include <stdexcept>
#include <vector>

#include "dsp/psk_modulator.h"
#include "framing/transmitter.h"

namespace gr::groundlink {
namespace gd = ::groundlink::dsp;
namespace gf = ::groundlink::framing;

namespace {

/// The decoder configuration of the same link: its validation (and ASM parsing) is shared, so
/// source and decoder refuse and accept the same parameters.
gf::DecoderChainConfig link_of(const frame_source_config& c) {
  frame_decoder_config d;
  d.conv_rate = c.conv_rate;
  d.invert_g2 = c.invert_g2;
  d.randomizer = c.randomizer;
  d.rs_e = c.rs_e;
  d.rs_interleave = c.rs_interleave;
  d.rs_dual_basis = c.rs_dual_basis;
  d.format = c.format;
  d.frame_length = c.frame_length;
  d.asm_hex = c.asm_hex;
  d.fecf = c.fecf;
  d.ocf = c.ocf;
  return to_chain_config(d);
}

gf::FrameGeneratorConfig generator_of(const frame_source_config& c) {
  gf::FrameGeneratorConfig g;
  g.format = c.format == "aos" ? gf::FrameFormat::aos : gf::FrameFormat::tm;
  g.length = static_cast<size_t>(c.frame_length);
  const int max_scid = c.format == "aos" ? 255 : 1023, max_vcid = c.format == "aos" ? 63 : 7;
  if (c.scid < 0 || c.scid > max_scid)
    throw std::invalid_argument("scid " + std::to_string(c.scid) + ": allowed 0.." + std::to_string(max_scid));
  if (c.vcid < 0 || c.vcid > max_vcid)
    throw std::invalid_argument("vcid " + std::to_string(c.vcid) + ": allowed 0.." + std::to_string(max_vcid));
  g.scid = static_cast<uint16_t>(c.scid);
  g.vcid = static_cast<uint8_t>(c.vcid);
  g.fecf = c.fecf;
  g.ocf = c.ocf;
  g.seed = c.seed;
  return g;
}

gf::CaduEncoderConfig encoder_of(const gf::DecoderChainConfig& link) {
  gf::CaduEncoderConfig e;
  e.asm_marker = link.sync.sync_marker.marker;
  e.asm_bits = link.sync.sync_marker.length_bits;
  e.randomizer = link.frame.derandomize;
  e.rs = link.frame.rs;
  if (link.coding == gf::ChannelCoding::conv) e.conv = link.conv;
  return e;
}

gd::PskModulatorConfig modulator_of(const frame_source_config& c) {
  gd::PskModulatorConfig m;
  if (c.modulation == "bpsk") m.modulation = gd::PskModulation::bpsk;
  else if (c.modulation == "qpsk") m.modulation = gd::PskModulation::qpsk;
  else if (c.modulation == "oqpsk") m.modulation = gd::PskModulation::oqpsk;
  else throw std::invalid_argument("modulation '" + c.modulation + "': allowed bpsk, qpsk, oqpsk");
  if (c.samples_per_symbol < 2 || c.samples_per_symbol > 8)
    throw std::invalid_argument("samples_per_symbol " + std::to_string(c.samples_per_symbol) + ": allowed 2..8");
  m.samples_per_symbol = static_cast<unsigned>(c.samples_per_symbol);
  m.rolloff = c.rolloff;
  m.validate();
  return m;
}

}  // namespace

class frame_source_impl : public frame_source {
 public:
  explicit frame_source_impl(const frame_source_config& cfg)
      : gr::sync_block("frame_source", gr::io_signature::make(0, 0, 0),
                       gr::io_signature::make(1, 1, sizeof(gr_complex))),
        d_cfg(cfg),
        d_gen(generator_of(cfg)),
        d_enc(encoder_of(link_of(cfg))),
        d_mod(modulator_of(cfg)),
        d_idle(cfg.seed * 7919 + 1),
        d_port(pmt::intern("frames")),
        d_eos(pmt::intern(kEndOfStreamTag)) {
    if (cfg.frames < 0) throw std::invalid_argument("frames must be >= 0 (0 = without end)");
    if (cfg.lead_in_symbols < 0 || cfg.tail_symbols < 0)
      throw std::invalid_argument("lead_in_symbols and tail_symbols must be >= 0");
    d_bits_per_symbol = gd::bits_per_symbol(d_mod.config().modulation);
    d_frame.resize(static_cast<size_t>(cfg.frame_length));
    const size_t cadu = d_enc.cadu_bytes(d_frame.size()) * 8;
    const double conv = cfg.conv_rate == "none" ? 1.0 : gd::code_rate(gd::conv_rate_from_string(cfg.conv_rate));
    d_samples_per_frame = static_cast<uint64_t>(cadu / conv / d_bits_per_symbol * cfg.samples_per_symbol + 0.5);
    // Sized once for a frame's symbols and samples (plus a modulator flush): no allocation in work().
    d_symbols.reserve(static_cast<size_t>(cadu / conv) + 64);
    d_samples.reserve(d_samples_per_frame + 64 * cfg.samples_per_symbol + 1024);
    message_port_register_out(d_port);
  }

  uint64_t frames_sent() const override { return d_sent.load(); }
  uint64_t samples_per_frame() const override { return d_samples_per_frame; }

  int work(int noutput_items, gr_vector_const_void_star&, gr_vector_void_star& output_items) override {
    auto* out = static_cast<gr_complex*>(output_items[0]);
    int produced = 0;
    while (produced < noutput_items) {
      if (d_pos == d_samples.size()) {
        if (d_done) break;
        refill();
        continue;
      }
      const size_t n = std::min<size_t>(d_samples.size() - d_pos, static_cast<size_t>(noutput_items - produced));
      std::memcpy(out + produced, d_samples.data() + d_pos, n * sizeof(gr_complex));
      d_pos += n;
      produced += static_cast<int>(n);
      if (d_done && d_pos == d_samples.size()) {
        add_item_tag(0, nitems_written(0) + produced - 1, d_eos, pmt::PMT_T);
        break;
      }
    }
    if (produced == 0 && d_done) return WORK_DONE;
    return produced;
  }

 private:
  void idle_bits(int64_t symbols) {
    for (int64_t i = 0; i < symbols * d_bits_per_symbol; ++i)
      d_symbols.push_back(static_cast<uint8_t>(d_idle() & 1));
  }

  /// Next piece of the pass: lead-in, one frame, or (after the last frame) the tail.
  void refill() {
    d_samples.clear();
    d_symbols.clear();
    d_pos = 0;
    if (!d_started) {
      d_started = true;
      // Lead-in in slices of a frame's length keeps the buffers at their reserved size.
      d_lead_left = d_cfg.lead_in_symbols;
    }
    if (d_lead_left > 0) {
      const int64_t slice = std::min<int64_t>(d_lead_left, static_cast<int64_t>(d_symbols.capacity() / d_bits_per_symbol) - 64);
      idle_bits(slice);
      d_lead_left -= slice;
    } else if (d_cfg.frames == 0 || static_cast<int64_t>(d_sent.load()) < d_cfg.frames) {
      d_gen.next(d_frame.data());
      d_enc.encode(d_frame.data(), d_frame.size(), d_symbols);
      pmt::pmt_t meta = pmt::dict_add(pmt::make_dict(), pmt::intern("index"), pmt::from_uint64(d_sent.load()));
      message_port_pub(d_port, pmt::cons(meta, pmt::init_u8vector(d_frame.size(), d_frame.data())));
      d_sent.fetch_add(1);
    } else {
      d_enc.finish(d_symbols);
      idle_bits(std::min<int64_t>(d_cfg.tail_symbols, static_cast<int64_t>(d_symbols.capacity() / d_bits_per_symbol) - 64));
      d_mod.modulate_bits(d_symbols.data(), d_symbols.size(), d_samples);
      d_mod.flush(d_samples);
      d_done = true;
      return;
    }
    d_mod.modulate_bits(d_symbols.data(), d_symbols.size(), d_samples);
  }

  frame_source_config d_cfg;
  gf::FrameGenerator d_gen;
  gf::CaduEncoder d_enc;
  gd::PskModulator d_mod;
  std::mt19937_64 d_idle;
  pmt::pmt_t d_port, d_eos;
  int d_bits_per_symbol = 2;
  uint64_t d_samples_per_frame = 0;
  std::vector<uint8_t> d_frame, d_symbols;
  std::vector<gr_complex> d_samples;
  size_t d_pos = 0;
  bool d_started = false, d_done = false;
  int64_t d_lead_left = 0;
  std::atomic<uint64_t> d_sent{0};
};

frame_source::sptr frame_source::make(const frame_source_config& cfg) {
  return gnuradio::make_block_sptr<frame_source_impl>(cfg);
}

}  // namespace gr::groundlink
