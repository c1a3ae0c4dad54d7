#include "link_sim.h"

#include <map>
#include <random>
#include <vector>

#include "chain_config.h"
#include "dsp/channel.h"
#include "dsp/psk_demod.h"
#include "dsp/psk_modulator.h"
#include "dsp/soft_channel.h"
#include "framing/phase_ambiguity.h"

namespace groundlink::app {

dsp::PskModulation modulation_of(const Profile& p);

LinkResult simulate_link(const Profile& p, double ebn0_db, uint64_t frames, uint64_t seed, bool genie,
                         const LinkImpairments& imp, uint64_t lead_in_symbols) {
  framing::FrameGenerator gen(generator_config(p, seed));
  framing::CaduEncoder enc(encoder_config(p));
  std::vector<std::vector<uint8_t>> sent(frames);
  std::vector<uint8_t> symbols;
  std::mt19937_64 idle(seed * 7919 + 1);
  for (uint64_t i = 0; i < lead_in_symbols * static_cast<uint64_t>(p.modulation.bits_per_symbol()); ++i)
    symbols.push_back(idle() & 1);
  for (uint64_t i = 0; i < frames; ++i) {
    sent[i] = gen.next();
    enc.encode(sent[i].data(), sent[i].size(), symbols);
  }
  enc.finish(symbols);
  // Trailing idle so the demodulator's filters and loops release the last symbols.
  for (int i = 0; i < 256; ++i) symbols.push_back(idle() & 1);

  std::vector<int8_t> soft;
  LinkResult r;
  r.frames_sent = frames;
  if (genie) {
    dsp::SoftChannelConfig sc;
    sc.ebn0_db = ebn0_db;
    sc.info_bits_per_symbol = p.information_rate();
    sc.seed = seed;
    dsp::SoftAwgnChannel ch(sc);
    soft.resize(symbols.size());
    ch.process(symbols.data(), symbols.size(), soft.data());
  } else {
    const int sps = p.modulation.samples_per_symbol;
    const double fs = p.modulation.symbol_rate * sps;
    dsp::PskModulatorConfig mc;
    mc.modulation = modulation_of(p);
    mc.samples_per_symbol = static_cast<unsigned>(sps);
    mc.rolloff = p.modulation.rolloff;
    dsp::PskModulator mod(mc);
    std::vector<std::complex<float>> tx, rx;
    mod.modulate_bits(symbols.data(), symbols.size(), tx);
    mod.flush(tx);
    dsp::ChannelConfig cc;
    cc.samples_per_symbol = sps;
    cc.bits_per_symbol = p.modulation.bits_per_symbol();
    cc.code_rate = p.information_rate();
    cc.ebn0_db = ebn0_db;
    cc.freq_offset = imp.freq_offset_fraction / sps;
    cc.doppler_rate = imp.doppler_rate_hz_s / (fs * fs);
    cc.phase_offset = imp.phase_rad;
    cc.timing_offset = imp.timing_offset;
    cc.clock_ppm = imp.clock_ppm;
    cc.seed = seed;
    dsp::Channel ch(cc);
    ch.process(tx.data(), tx.size(), rx);
    dsp::PskDemodulator demod(gr::groundlink::to_demod_config(demod_config(p)));
    soft.resize(demod.max_output(rx.size()) + demod.max_flush_output());
    size_t n = demod.process(rx.data(), rx.size(), soft.data());
    n += demod.flush(soft.data() + n);  // the end of the pass: samples waiting for a whole chunk
    soft.resize(n);
    r.ebn0_estimate_db = demod.status().ebn0_db;
  }

  framing::AmbiguityResolverConfig rc;
  rc.chain = gr::groundlink::to_chain_config(decoder_config(p));
  rc.iq_pairs = !genie && p.modulation.bits_per_symbol() == 2;
  framing::AmbiguityResolvingDecoder chain(rc);
  std::vector<framing::Frame> out;
  auto keep = [&out](const framing::Frame& f) { out.push_back(f); };
  chain.process(soft.data(), soft.size(), keep);
  chain.flush(keep);

  std::map<std::vector<uint8_t>, uint64_t> index;
  for (uint64_t i = 0; i < frames; ++i) index.emplace(sent[i], i);
  uint64_t first = frames;
  for (const auto& f : out) {
    if (f.quality != framing::FrameQuality::good) continue;
    auto it = index.find(f.data);
    if (it == index.end()) {
      ++r.frames_wrong;
      continue;
    }
    ++r.frames_good;
    r.rs_corrected += static_cast<uint64_t>(f.rs_corrected);
    first = std::min(first, it->second);
    index.erase(it);  // a frame counts once
  }
  r.lost_at_start = first;
  return r;
}

}  // namespace groundlink::app
