// Shared helpers for the demodulator tests: modulate known bits, pass them through the channel
// simulator, demodulate, and count bit errors after resolving the phase ambiguity.
#pragma once

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <random>
#include <vector>

#include "dsp/channel.h"
#include "dsp/psk_demod.h"
#include "dsp/psk_modulator.h"

namespace groundlink::dsp::test {

/// Theoretical BPSK/Gray-QPSK bit error rate Q(sqrt(2 Eb/N0)).
inline double ber_theory(double ebn0_db) {
  return 0.5 * std::erfc(std::sqrt(std::pow(10.0, ebn0_db / 10.0)));
}

inline std::vector<uint8_t> random_bits(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint8_t> b(n);
  for (auto& x : b) x = static_cast<uint8_t>(rng() & 1u);
  return b;
}

struct LinkResult {
  size_t bits = 0;    ///< compared bits
  size_t errors = 0;
  double ber() const { return bits ? static_cast<double>(errors) / bits : 1.0; }
  size_t offset = 0;  ///< reference bit index of the first output soft
  std::vector<soft_t> soft;
  PskDemodStatus status;
};

/// Finds the alignment (reference offset and one of the 8 pair symmetries: swap x sign x sign,
/// or the 2 signs for BPSK) that best matches a window of the output, then counts errors from
/// soft index `skip` on.
inline LinkResult count_errors(const std::vector<soft_t>& soft, const std::vector<uint8_t>& ref,
                               unsigned bits_per_sym, size_t skip, size_t max_offset) {
  LinkResult r;
  const size_t win = 1024;
  if (soft.size() < skip + win + 16) return r;
  auto map = [&](size_t j, int v) {
    // Pair transform on the output pair containing soft j.
    if (bits_per_sym == 1) return (v & 1) ? -static_cast<int>(soft[j]) : static_cast<int>(soft[j]);
    const size_t base = j & ~static_cast<size_t>(1);
    int a = soft[base], b = soft[base + 1];
    if (v & 4) std::swap(a, b);
    if (v & 1) a = -a;
    if (v & 2) b = -b;
    return (j & 1) ? b : a;
  };
  const int variants = bits_per_sym == 1 ? 2 : 8;
  size_t best_match = 0, best_off = 0;
  int best_v = 0;
  const size_t j0 = skip & ~static_cast<size_t>(1);
  for (size_t off = 0; off < max_offset; ++off) {
    if (j0 + win + off >= ref.size()) break;
    for (int v = 0; v < variants; ++v) {
      size_t match = 0;
      for (size_t j = j0; j < j0 + win; ++j) match += (map(j, v) > 0) == (ref[j + off] != 0);
      if (match > best_match) {
        best_match = match;
        best_off = off;
        best_v = v;
      }
    }
  }
  r.offset = best_off;
  for (size_t j = j0; j + best_off < ref.size() && j + 1 < soft.size(); ++j) {
    r.bits++;
    r.errors += (map(j, best_v) > 0) != (ref[j + best_off] != 0);
  }
  return r;
}

struct LinkSetup {
  PskModulation modulation = PskModulation::qpsk;
  unsigned sps = 4;
  double rolloff = 0.35;
  double ebn0_db = 8.0;
  double freq_offset_rs = 0.0;   ///< fraction of the symbol rate
  double doppler_rate = 0.0;     ///< cycles/sample^2
  double phase = 0.0;
  double timing_offset = 0.0;    ///< samples
  double clock_ppm = 0.0;
  size_t nbits = 200000;
  size_t skip_bits = 4000;       ///< after the first output, for loop settling
  uint64_t seed = 1;
  size_t block = 10000;          ///< samples per process() call
  PskDemodConfig demod;          ///< modulation / sps / rolloff are overwritten
};

inline LinkResult run_link(const LinkSetup& s) {
  PskModulatorConfig mc;
  mc.modulation = s.modulation;
  mc.samples_per_symbol = s.sps;
  mc.rolloff = s.rolloff;
  PskModulator mod(mc);
  const auto bits = random_bits(s.nbits, s.seed);
  std::vector<std::complex<float>> tx;
  mod.modulate_bits(bits.data(), bits.size(), tx);
  mod.flush(tx);

  ChannelConfig cc;
  cc.samples_per_symbol = s.sps;
  cc.bits_per_symbol = bits_per_symbol(s.modulation);
  cc.ebn0_db = s.ebn0_db;
  cc.freq_offset = s.freq_offset_rs / s.sps;
  cc.doppler_rate = s.doppler_rate;
  cc.phase_offset = s.phase;
  cc.timing_offset = s.timing_offset;
  cc.clock_ppm = s.clock_ppm;
  cc.seed = s.seed * 7919 + 3;
  Channel ch(cc);
  std::vector<std::complex<float>> rx;
  ch.process(tx.data(), tx.size(), rx);

  PskDemodConfig dc = s.demod;
  dc.modulation = s.modulation;
  dc.samples_per_symbol = s.sps;
  dc.rolloff = s.rolloff;
  PskDemodulator demod(dc);
  std::vector<soft_t> soft(demod.max_output(rx.size()));
  size_t n = 0;
  const size_t block = s.block;
  for (size_t i = 0; i < rx.size(); i += block) {
    const size_t m = std::min(block, rx.size() - i);
    n += demod.process(rx.data() + i, m, soft.data() + n);
  }
  soft.resize(n + demod.max_flush_output());
  n += demod.flush(soft.data() + n);
  soft.resize(n);
  const unsigned bps = bits_per_symbol(s.modulation);
  // Acquisition consumes acq_symbols plus the rest of its last 2048-sample chunk.
  const size_t max_off = (static_cast<size_t>(dc.acq_symbols) + 2048 / s.sps + 64) * bps + 64;
  LinkResult r = count_errors(soft, bits, bps, s.skip_bits, max_off);
  r.soft = std::move(soft);
  r.status = demod.status();
  return r;
}

}  // namespace groundlink::dsp::test
