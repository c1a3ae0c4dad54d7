// Framing throughput: the full DecoderChain (soft symbols -> Viterbi -> sync -> derandomize ->
// RS I=5 -> TM frames) on the concatenated CCSDS profile, in information bits per second, and
// its non-Viterbi stages alone (the synchroniser + transfer frame decoder on hard bits).
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <vector>

#include "dsp/crc16.h"
#include "dsp/randomizer.h"
#include "dsp/reed_solomon.h"
#include "dsp/viterbi.h"
#include "framing/decoder_chain.h"

using namespace groundlink;

namespace {

constexpr size_t kFrameLen = 1115;
constexpr size_t kFrames = 200;

void append_bits(std::vector<uint8_t>& bits, const uint8_t* d, size_t n) {
  for (size_t i = 0; i < n * 8; ++i) bits.push_back(d[i / 8] >> (7 - i % 8) & 1);
}

// kFrames CADUs (TM 1115 B, RS(255,223) I=5, randomized, ASM) as channel bits.
std::vector<uint8_t> cadu_bits() {
  std::mt19937 rng(1);
  dsp::RsConfig rc;
  rc.interleave = 5;
  dsp::ReedSolomon rs(rc);
  std::vector<uint8_t> f(kFrameLen), cb(rs.codeblock_len()), bits;
  const uint8_t asm_bytes[4] = {0x1A, 0xCF, 0xFC, 0x1D};
  for (size_t i = 0; i < kFrames; ++i) {
    for (auto& b : f) b = static_cast<uint8_t>(rng());
    f[0] = 0x1F;
    f[1] = 0x30;
    f[2] = static_cast<uint8_t>(i);
    f[3] = static_cast<uint8_t>(i);
    f[4] = 0x18;
    f[5] = 0;
    rs.encode(f.data(), cb.data());
    dsp::ccsds_randomize(cb.data(), cb.size());
    append_bits(bits, asm_bytes, 4);
    append_bits(bits, cb.data(), cb.size());
  }
  return bits;
}

framing::DecoderChainConfig chain_config(framing::ChannelCoding coding) {
  framing::DecoderChainConfig cfg;
  cfg.coding = coding;
  cfg.frame.format = framing::FrameFormat::tm;
  cfg.frame.frame_length = kFrameLen;
  dsp::RsConfig rs;
  rs.interleave = 5;
  cfg.frame.rs = rs;
  return cfg;
}

// Eb/N0 = 4 dB soft symbols (a few RS corrections per frame, every frame good).
void BM_DecoderChain_ConcatConvRs5(benchmark::State& state) {
  const auto bits = cadu_bits();
  dsp::ConvEncoder enc;
  std::vector<uint8_t> sym(2 * bits.size());
  sym.resize(enc.encode(bits.data(), bits.size(), sym.data()));
  std::mt19937 rng(2);
  const double r = 0.5 * 223.0 / 255.0 * 1275.0 / 1279.0;
  const double sigma = std::sqrt(1.0 / (2.0 * std::pow(10.0, (4.0 + 10 * std::log10(r)) / 10.0)));
  std::normal_distribution<double> n(0.0, sigma);
  std::vector<dsp::soft_t> soft(sym.size());
  for (size_t i = 0; i < sym.size(); ++i)
    soft[i] = static_cast<dsp::soft_t>(
        std::clamp(std::lround(((sym[i] ? 1.0 : -1.0) + n(rng)) * 32.0), -127L, 127L));
  framing::DecoderChain chain(chain_config(framing::ChannelCoding::conv));
  uint64_t good = 0;
  for (auto _ : state) {
    chain.reset();
    chain.process(soft.data(), soft.size(), framing::FrameCallback{});
    chain.flush(framing::FrameCallback{});
    good += chain.stats().frames_good;
  }
  state.counters["info_bits"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * kFrames * kFrameLen * 8, benchmark::Counter::kIsRate);
  state.counters["good_frac"] = static_cast<double>(good) / (static_cast<double>(state.iterations()) * kFrames);
}
BENCHMARK(BM_DecoderChain_ConcatConvRs5)->Unit(benchmark::kMillisecond);

// The same without the Viterbi stage: hard channel bits straight into sync + derandomize + RS.
void BM_DecoderChain_UncodedRs5(benchmark::State& state) {
  const auto bits = cadu_bits();
  std::vector<dsp::soft_t> soft(bits.size());
  for (size_t i = 0; i < bits.size(); ++i) soft[i] = dsp::soft_from_bit(bits[i]);
  framing::DecoderChain chain(chain_config(framing::ChannelCoding::none));
  for (auto _ : state) {
    chain.reset();
    chain.process(soft.data(), soft.size(), framing::FrameCallback{});
    chain.flush(framing::FrameCallback{});
  }
  state.counters["info_bits"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * kFrames * kFrameLen * 8, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DecoderChain_UncodedRs5)->Unit(benchmark::kMillisecond);

void BM_Randomizer(benchmark::State& state) {
  std::vector<uint8_t> d(1275 * 64, 0x5A);
  for (auto _ : state) {
    dsp::ccsds_randomize(d.data(), d.size());
    benchmark::DoNotOptimize(d.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * d.size()));
}
BENCHMARK(BM_Randomizer);

void BM_Crc16_Slicing8(benchmark::State& state) {
  std::vector<uint8_t> d(1113, 0x5A);
  for (auto _ : state) benchmark::DoNotOptimize(dsp::crc16_ccitt(d.data(), d.size()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * d.size()));
}
BENCHMARK(BM_Crc16_Slicing8);

void BM_Crc16_BitwiseBaseline(benchmark::State& state) {
  std::vector<uint8_t> d(1113, 0x5A);
  for (auto _ : state) benchmark::DoNotOptimize(dsp::crc16_ccitt_bitwise(d.data(), d.size()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * d.size()));
}
BENCHMARK(BM_Crc16_BitwiseBaseline);

}  // namespace
