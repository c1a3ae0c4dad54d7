// PSK demodulator throughput (input Msamples/s, one core). The GNU Radio baseline named in
// TARGETS.md (agc2_cc + symbol_sync_cc PFB/32 + costas_loop_cc) is timed on the same synthetic
// input by tests/bench/gr_demod_baseline.py, which writes/reads the same recipe below.
#include <benchmark/benchmark.h>

#include <complex>
#include <vector>

#include "dsp/channel.h"
#include "dsp/psk_demod.h"
#include "dsp/psk_modulator.h"

namespace {

using groundlink::dsp::Channel;
using groundlink::dsp::ChannelConfig;
using groundlink::dsp::PskDemodConfig;
using groundlink::dsp::PskDemodulator;
using groundlink::dsp::PskModulation;
using groundlink::dsp::PskModulator;
using groundlink::dsp::PskModulatorConfig;

// QPSK, 4 sps, RRC 0.35, Eb/N0 8 dB, offset 0.5% of Rs, 20 ppm clock: 2^20 samples.
const std::vector<std::complex<float>>& bench_input(PskModulation m) {
  static std::vector<std::complex<float>> cache[3];
  auto& rx = cache[static_cast<int>(m)];
  if (!rx.empty()) return rx;
  PskModulatorConfig mc;
  mc.modulation = m;
  PskModulator mod(mc);
  std::vector<uint8_t> bits(1 << 19);
  uint64_t s = 0x9E3779B97F4A7C15ull;
  for (auto& b : bits) {
    s ^= s << 13; s ^= s >> 7; s ^= s << 17;
    b = s & 1;
  }
  std::vector<std::complex<float>> tx;
  mod.modulate_bits(bits.data(), bits.size(), tx);
  ChannelConfig cc;
  cc.ebn0_db = 8.0;
  cc.freq_offset = 0.005 / 4;
  cc.clock_ppm = 20.0;
  Channel ch(cc);
  ch.process(tx.data(), tx.size(), rx);
  return rx;
}

void run_demod(benchmark::State& state, PskModulation m) {
  const auto& rx = bench_input(m);
  PskDemodConfig dc;
  dc.modulation = m;
  PskDemodulator demod(dc);
  std::vector<groundlink::dsp::soft_t> out(demod.max_output(rx.size()));
  // Warm up past acquisition so the timed loop measures tracking.
  demod.process(rx.data(), rx.size(), out.data());
  const size_t block = 8192;
  size_t pos = 0, total = 0;
  for (auto _ : state) {
    if (pos + block > rx.size()) pos = 0;
    total += demod.process(rx.data() + pos, block, out.data());
    pos += block;
  }
  benchmark::DoNotOptimize(total);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * block);
  state.counters["Msps"] = benchmark::Counter(static_cast<double>(state.iterations()) * block / 1e6,
                                              benchmark::Counter::kIsRate);
  state.counters["locked"] = demod.status().carrier_lock ? 1 : 0;
}

void BM_groundlink_psk_demod_qpsk_4sps(benchmark::State& state) {
  run_demod(state, PskModulation::qpsk);
}
void BM_groundlink_psk_demod_bpsk_4sps(benchmark::State& state) {
  run_demod(state, PskModulation::bpsk);
}
void BM_groundlink_psk_demod_oqpsk_4sps(benchmark::State& state) {
  run_demod(state, PskModulation::oqpsk);
}

BENCHMARK(BM_groundlink_psk_demod_qpsk_4sps);
BENCHMARK(BM_groundlink_psk_demod_bpsk_4sps);
BENCHMARK(BM_groundlink_psk_demod_oqpsk_4sps);

}  // namespace
