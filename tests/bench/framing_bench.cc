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

extern "C" {
#include <fec.h>
}

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

// The CADU bits of cadu_bits() plus 6 zero tail bits, conv r=1/2 encoded, as soft symbols at
// Eb/N0 = 4 dB (a few RS corrections per frame, every frame good). Built once.
const std::vector<dsp::soft_t>& concat_soft() {
  static const std::vector<dsp::soft_t> soft = [] {
    auto bits = cadu_bits();
    bits.insert(bits.end(), dsp::kConvTailBits, 0);
    dsp::ConvEncoder enc;
    std::vector<uint8_t> sym(2 * bits.size());
    sym.resize(enc.encode(bits.data(), bits.size(), sym.data()));
    std::mt19937 rng(2);
    const double r = 0.5 * 223.0 / 255.0 * 1275.0 / 1279.0;
    const double sigma = std::sqrt(1.0 / (2.0 * std::pow(10.0, (4.0 + 10 * std::log10(r)) / 10.0)));
    std::normal_distribution<double> n(0.0, sigma);
    std::vector<dsp::soft_t> s(sym.size());
    for (size_t i = 0; i < sym.size(); ++i)
      s[i] = static_cast<dsp::soft_t>(
          std::clamp(std::lround(((sym[i] ? 1.0 : -1.0) + n(rng)) * 32.0), -127L, 127L));
    return s;
  }();
  return soft;
}

void BM_DecoderChain_ConcatConvRs5(benchmark::State& state) {
  const auto& soft = concat_soft();
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

// Baseline in the same run: libfec (viterbi27 over the whole terminated stream + per-codeword
// decode_rs_ccsds) with genie frame positions (no synchroniser at all), same symbols.
void BM_DecoderChain_Baseline_LibfecGenie(benchmark::State& state) {
  const auto& soft = concat_soft();
  const size_t nbits = soft.size() / 2 - dsp::kConvTailBits;
  std::vector<unsigned char> fsym(soft.size());
  for (size_t i = 0; i < soft.size(); ++i) fsym[i] = static_cast<unsigned char>(soft[i] + 128);
  std::vector<unsigned char> packed(nbits / 8 + 1);
  const size_t cadu = 4 + 1275;
  std::vector<uint8_t> cw(255), frame(kFrameLen);
  int polys[2] = {V27POLYB, -V27POLYA};  // CCSDS: G1 first, G2 inverted
  set_viterbi27_polynomial(polys);
  uint64_t good = 0;
  for (auto _ : state) {
    void* vp = create_viterbi27(static_cast<int>(nbits));
    init_viterbi27(vp, 0);
    update_viterbi27_blk(vp, fsym.data(), static_cast<int>(nbits + dsp::kConvTailBits));
    chainback_viterbi27(vp, packed.data(), static_cast<unsigned>(nbits), 0);
    delete_viterbi27(vp);
    for (size_t f = 0; f < kFrames; ++f) {
      uint8_t* cb = packed.data() + f * cadu + 4;
      dsp::ccsds_randomize(cb, 1275);
      bool ok = true;
      for (size_t i = 0; i < 5; ++i) {
        for (size_t j = 0; j < 255; ++j) cw[j] = cb[j * 5 + i];
        ok &= decode_rs_ccsds(cw.data(), nullptr, 0, 0) >= 0;
        for (size_t j = 0; j < 223; ++j) frame[j * 5 + i] = cw[j];
      }
      good += ok;
    }
    benchmark::DoNotOptimize(frame.data());
  }
  state.counters["info_bits"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * kFrames * kFrameLen * 8, benchmark::Counter::kIsRate);
  state.counters["good_frac"] = static_cast<double>(good) / (static_cast<double>(state.iterations()) * kFrames);
}
BENCHMARK(BM_DecoderChain_Baseline_LibfecGenie)->Unit(benchmark::kMillisecond);

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

// Synchroniser alone on soft bits: searching through noise (no ASM), and locked on CADUs.
void BM_FrameSync_SearchSoft(benchmark::State& state) {
  std::mt19937 rng(5);
  std::vector<dsp::soft_t> soft(1 << 20);
  for (auto& v : soft) v = static_cast<dsp::soft_t>(static_cast<int>(rng() % 255) - 127);
  framing::FrameSyncConfig cfg;
  cfg.block_bytes = 1275;
  cfg.search_max_errors = 0;  // nothing is found: a pure search
  framing::FrameSynchronizer sync(cfg);
  for (auto _ : state) sync.process(soft.data(), soft.size(), framing::BlockCallback{});
  state.counters["bits"] = benchmark::Counter(static_cast<double>(state.iterations()) * soft.size(),
                                              benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FrameSync_SearchSoft);

void BM_FrameSync_LockedSoft(benchmark::State& state) {
  const auto bits = cadu_bits();
  std::vector<dsp::soft_t> soft(bits.size());
  for (size_t i = 0; i < bits.size(); ++i) soft[i] = dsp::soft_from_bit(bits[i]);
  framing::FrameSyncConfig cfg;
  cfg.block_bytes = 1275;
  framing::FrameSynchronizer sync(cfg);
  for (auto _ : state) {
    sync.reset();
    sync.process(soft.data(), soft.size(), framing::BlockCallback{});
  }
  state.counters["bits"] = benchmark::Counter(static_cast<double>(state.iterations()) * soft.size(),
                                              benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FrameSync_LockedSoft);

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
