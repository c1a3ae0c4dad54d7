// RS(255,223) decode throughput (TARGETS.md): groundlink vs Debian libfec decode_rs_ccsds, same
// run, one dual-basis codeword of 255 bytes per call on both sides (libfec's decoder handles one
// non-interleaved codeword; interleaved groundlink entries are reported per codeword too).
// Rates: bytes_per_second counts received codeword bytes; "Mbps" the same in bit/s.
#include <benchmark/benchmark.h>

#include <cstring>
#include <random>
#include <vector>

extern "C" {
#include <fec.h>
}

#include "dsp/reed_solomon.h"

namespace {

using groundlink::dsp::ReedSolomon;
using groundlink::dsp::RsConfig;
using groundlink::dsp::SimdLevel;

constexpr int kWords = 64;  // distinct codewords cycled through, so no branch history is learned

// kWords dual-basis RS(255,223) codewords (interleave 1), each with `errors` random symbol errors.
std::vector<uint8_t> make_words(int errors, uint32_t seed) {
  std::mt19937 rng(seed);
  RsConfig c;
  ReedSolomon rs(c);
  std::vector<uint8_t> out(static_cast<size_t>(kWords) * 255);
  std::vector<uint8_t> info(223);
  for (int w = 0; w < kWords; ++w) {
    for (auto& b : info) b = static_cast<uint8_t>(rng());
    uint8_t* cw = &out[static_cast<size_t>(w) * 255];
    rs.encode(info.data(), cw);
    std::vector<int> pos(255);
    for (int i = 0; i < 255; ++i) pos[i] = i;
    std::shuffle(pos.begin(), pos.end(), rng);
    for (int i = 0; i < errors; ++i) cw[pos[i]] ^= static_cast<uint8_t>(1 + rng() % 255);
  }
  return out;
}

void set_rates(benchmark::State& st, size_t bytes_per_iter) {
  const double bytes = static_cast<double>(st.iterations()) * static_cast<double>(bytes_per_iter);
  st.SetBytesProcessed(static_cast<int64_t>(bytes));
  st.counters["Mbps"] = benchmark::Counter(bytes * 8 / 1e6, benchmark::Counter::kIsRate);
}

void run_libfec(benchmark::State& st, int errors) {
  const auto words = make_words(errors, 1000 + errors);
  std::vector<uint8_t> work(255);
  int w = 0;
  long bad = 0;
  for (auto _ : st) {
    std::memcpy(work.data(), &words[static_cast<size_t>(w) * 255], 255);
    const int r = decode_rs_ccsds(work.data(), nullptr, 0, 0);
    bad += r != errors;
    benchmark::DoNotOptimize(work.data());
    w = (w + 1) % kWords;
  }
  if (bad) st.SkipWithError("libfec decode mismatch");
  set_rates(st, 255);
}

void run_groundlink(benchmark::State& st, int errors, int depth, SimdLevel simd) {
  RsConfig c;
  c.interleave = depth;
  c.simd = simd;
  ReedSolomon rs(c);
  // Interleave depth-many of the prepared codewords into each codeblock.
  const auto words = make_words(errors, 1000 + errors);
  const int blocks = kWords / depth;
  std::vector<uint8_t> cbs(static_cast<size_t>(blocks) * rs.codeblock_len());
  for (int b = 0; b < blocks; ++b)
    for (int i = 0; i < depth; ++i)
      for (int j = 0; j < 255; ++j)
        cbs[b * rs.codeblock_len() + j * depth + i] = words[(b * depth + i) * 255 + j];
  std::vector<uint8_t> work(rs.codeblock_len());
  int b = 0;
  long bad = 0;
  for (auto _ : st) {
    std::memcpy(work.data(), &cbs[b * rs.codeblock_len()], work.size());
    const auto r = rs.decode(work.data());
    bad += !r.ok || r.corrected != errors * depth;
    benchmark::DoNotOptimize(work.data());
    b = (b + 1) % blocks;
  }
  if (bad) st.SkipWithError("groundlink decode mismatch");
  st.SetLabel(groundlink::dsp::to_string(rs.config().simd));
  set_rates(st, rs.codeblock_len());
}

void BM_RS_libfec_clean(benchmark::State& st) { run_libfec(st, 0); }
void BM_RS_libfec_16err(benchmark::State& st) { run_libfec(st, 16); }
void BM_RS_groundlink_clean(benchmark::State& st) {
  run_groundlink(st, 0, 1, groundlink::dsp::default_simd_level());
}
void BM_RS_groundlink_16err(benchmark::State& st) {
  run_groundlink(st, 16, 1, groundlink::dsp::default_simd_level());
}
void BM_RS_groundlink_clean_I4(benchmark::State& st) {
  run_groundlink(st, 0, 4, groundlink::dsp::default_simd_level());
}
void BM_RS_groundlink_16err_I4(benchmark::State& st) {
  run_groundlink(st, 16, 4, groundlink::dsp::default_simd_level());
}
void BM_RS_groundlink_clean_avx2(benchmark::State& st) {
  run_groundlink(st, 0, 1, SimdLevel::avx2);
}
void BM_RS_groundlink_clean_scalar(benchmark::State& st) {
  run_groundlink(st, 0, 1, SimdLevel::scalar);
}
void BM_RS_groundlink_16err_scalar(benchmark::State& st) {
  run_groundlink(st, 16, 1, SimdLevel::scalar);
}

void BM_RS_groundlink_encode(benchmark::State& st) {
  RsConfig c;
  ReedSolomon rs(c);
  std::vector<uint8_t> info(rs.info_len(), 0x5A), out(rs.codeblock_len());
  for (auto _ : st) {
    rs.encode(info.data(), out.data());
    benchmark::DoNotOptimize(out.data());
  }
  set_rates(st, rs.codeblock_len());
}
void BM_RS_libfec_encode(benchmark::State& st) {
  std::vector<uint8_t> cw(255, 0x5A);
  for (auto _ : st) {
    encode_rs_ccsds(cw.data(), cw.data() + 223, 0);
    benchmark::DoNotOptimize(cw.data());
  }
  set_rates(st, 255);
}

}  // namespace

BENCHMARK(BM_RS_libfec_clean);
BENCHMARK(BM_RS_groundlink_clean);
BENCHMARK(BM_RS_libfec_16err);
BENCHMARK(BM_RS_groundlink_16err);
BENCHMARK(BM_RS_groundlink_clean_I4);
BENCHMARK(BM_RS_groundlink_16err_I4);
BENCHMARK(BM_RS_groundlink_clean_avx2);
BENCHMARK(BM_RS_groundlink_clean_scalar);
BENCHMARK(BM_RS_groundlink_16err_scalar);
BENCHMARK(BM_RS_libfec_encode);
BENCHMARK(BM_RS_groundlink_encode);
