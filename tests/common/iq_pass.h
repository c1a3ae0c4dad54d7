// A pass of the concatenated link (concatenated_link.h) as received IQ: random TM frames ->
// CADUs (ASM, RS(255,223) I=5, randomizer, conv r=1/2) -> PSK modulator -> channel simulator.
// Shared by the IQ benchmarks and the demodulator tests that decode frames from IQ.
#pragma once

#include <complex>
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include "concatenated_link.h"
#include "dsp/channel.h"
#include "dsp/psk_modulator.h"
#include "framing/transmitter.h"

namespace groundlink::test {

/// Information bits per channel bit: conv 1/2, RS 223/255, 32-bit ASM per 1275-byte codeblock.
inline constexpr double kConcatInfoPerChannelBit = 0.5 * 223.0 / 255.0 * 1275.0 / 1279.0;

struct IqPassConfig {
  dsp::PskModulation modulation = dsp::PskModulation::qpsk;
  unsigned sps = 4;
  size_t frames = 200;
  double ebn0_db = 5.0;          ///< per information bit
  double freq_offset_rs = 0.005; ///< carrier offset, fraction of the symbol rate
  double doppler_rate = 0.0;     ///< cycles/sample^2
  double phase = 0.0;            ///< rad
  double clock_ppm = 20.0;
  /// Random channel bits (idle, no ASM) before the first frame: the carrier is up before the
  /// frames reach the ground.
  size_t lead_bits = 0;
  /// Zero bits after the last frame: idle after the pass, so the loops release the last frame.
  size_t tail_bits = 512;
  uint64_t frame_seed = 11;
  uint64_t channel_seed = 5;
};

struct IqPass {
  std::vector<std::complex<float>> iq;
  std::vector<std::vector<uint8_t>> frames;  ///< transfer frames sent, in order
  std::vector<size_t> frame_first_bit;       ///< channel bit where each frame's CADU starts
  size_t channel_bits = 0;
  size_t symbols = 0;                        ///< channel symbols
};

inline IqPass make_concatenated_pass(const IqPassConfig& pc) {
  IqPass p;
  framing::FrameGenerator gen(concatenated_generator_config(pc.frame_seed));
  framing::CaduEncoder enc(concatenated_encoder_config());
  std::vector<uint8_t> bits;
  std::mt19937_64 idle(pc.frame_seed * 31 + 7);
  for (size_t i = 0; i < pc.lead_bits; ++i) bits.push_back(static_cast<uint8_t>(idle() & 1u));
  for (size_t i = 0; i < pc.frames; ++i) {
    p.frames.push_back(gen.next());
    p.frame_first_bit.push_back(bits.size());
    enc.encode(p.frames.back().data(), kConcatFrameLength, bits);
  }
  enc.finish(bits);
  bits.resize(bits.size() + pc.tail_bits, 0);
  const unsigned bps = dsp::bits_per_symbol(pc.modulation);
  bits.resize((bits.size() + bps - 1) / bps * bps, 0);
  dsp::PskModulatorConfig mc;
  mc.modulation = pc.modulation;
  mc.samples_per_symbol = pc.sps;
  dsp::PskModulator mod(mc);
  std::vector<std::complex<float>> tx;
  mod.modulate_bits(bits.data(), bits.size(), tx);
  mod.flush(tx);
  dsp::ChannelConfig cc;
  cc.samples_per_symbol = pc.sps;
  cc.bits_per_symbol = bps;
  cc.code_rate = kConcatInfoPerChannelBit;
  cc.ebn0_db = pc.ebn0_db;
  cc.freq_offset = pc.freq_offset_rs / pc.sps;
  cc.doppler_rate = pc.doppler_rate;
  cc.phase_offset = pc.phase;
  cc.clock_ppm = pc.clock_ppm;
  cc.seed = pc.channel_seed;
  dsp::Channel ch(cc);
  ch.process(tx.data(), tx.size(), p.iq);
  p.channel_bits = bits.size();
  p.symbols = bits.size() / bps;
  return p;
}

}  // namespace groundlink::test
