#include "chain_config.h"

#include <cstdio>

namespace groundlink::app {

gr::groundlink::frame_decoder_config decoder_config(const Profile& p) {
  gr::groundlink::frame_decoder_config c;
  c.conv_rate = p.conv.enabled ? p.conv.rate : "none";
  c.invert_g2 = p.conv.invert_g2;
  c.randomizer = p.randomizer;
  c.rs_e = p.rs.enabled ? p.rs.e : 0;
  c.rs_interleave = p.rs.interleave;
  c.rs_dual_basis = p.rs.dual_basis;
  c.rs_virtual_fill = p.rs.virtual_fill;
  c.format = p.frame.format;
  c.frame_length = p.frame.length;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%0*llX", p.frame.asm_bits / 4, static_cast<unsigned long long>(p.frame.asm_marker));
  c.asm_hex = hex;
  c.fecf = p.frame.fecf;
  c.ocf = p.frame.ocf;
  c.scid = p.frame.scid ? *p.frame.scid : -1;
  c.search_errors = p.sync.search_errors;
  c.lock_errors = p.sync.lock_errors;
  c.check_frames = p.sync.check_frames;
  c.flywheel_frames = p.sync.flywheel_frames;
  c.bit_slip = p.sync.bit_slip;
  return c;
}

gr::groundlink::psk_demod_config demod_config(const Profile& p) {
  gr::groundlink::psk_demod_config c;
  c.modulation = p.modulation.type;
  c.samples_per_symbol = p.modulation.samples_per_symbol;
  c.rolloff = p.modulation.rolloff;
  c.carrier_loop_bw = p.modulation.carrier_loop_bw;
  c.timing_loop_bw = p.modulation.timing_loop_bw;
  c.acquisition_range = p.modulation.acquisition_range;
  c.code_rate = p.information_rate();
  c.sample_rate = p.modulation.symbol_rate * p.modulation.samples_per_symbol;
  c.threads = p.modulation.demod_threads;
  return c;
}

framing::CaduEncoderConfig encoder_config(const Profile& p) {
  framing::CaduEncoderConfig c;
  c.asm_marker = p.frame.asm_marker;
  c.asm_bits = p.frame.asm_bits;
  c.randomizer = p.randomizer;
  if (p.rs.enabled) {
    dsp::RsConfig rs;
    rs.e = p.rs.e;
    rs.interleave = p.rs.interleave;
    rs.dual_basis = p.rs.dual_basis;
    rs.virtual_fill = p.rs.virtual_fill;
    c.rs = rs;
  }
  if (p.conv.enabled) {
    dsp::ConvCodeConfig cc;
    cc.rate = dsp::conv_rate_from_string(p.conv.rate);
    cc.invert_g2 = p.conv.invert_g2;
    c.conv = cc;
  }
  return c;
}

framing::FrameGeneratorConfig generator_config(const Profile& p, uint64_t seed) {
  framing::FrameGeneratorConfig g;
  g.format = p.frame.format == "aos" ? framing::FrameFormat::aos : framing::FrameFormat::tm;
  g.length = static_cast<size_t>(p.frame.length);
  g.fecf = p.frame.fecf;
  g.ocf = p.frame.ocf;
  if (p.frame.scid) g.scid = static_cast<uint16_t>(*p.frame.scid);
  g.seed = seed;
  return g;
}

}  // namespace groundlink::app
