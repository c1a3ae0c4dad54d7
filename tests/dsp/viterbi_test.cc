// Tests of the CCSDS 131.0-B-4 §3 convolutional encoder and the Viterbi decoder against
// independent references: a tap-by-tap shift register, libfec's encoder and viterbi27 decoder,
// the standard's puncturing output sequences, the soft-decision BER curve of 130.1-G, and real
// BlueWalker-3 soft symbols with their reference ASM count.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "dsp/viterbi.h"
#include "test_data.h"

extern "C" {
#include <fec.h>  // libfec has no C++ linkage guards
}

namespace groundlink::dsp {
namespace {

std::vector<uint8_t> random_bits(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> b(n);
  for (auto& x : b) x = static_cast<uint8_t>(rng() & 1u);
  return b;
}

/// Tap-by-tap encoder written from §3.3 directly: the connection vectors as strings, first
/// character = tap on the current input bit, history[k] = input bit k steps ago.
void reference_encode(const std::vector<uint8_t>& bits, bool invert_g2, std::vector<uint8_t>* c1,
                      std::vector<uint8_t>* c2) {
  const char* g1 = "1111001";
  const char* g2 = "1011011";
  uint8_t history[7] = {};
  for (uint8_t b : bits) {
    for (int k = 6; k > 0; --k) history[k] = history[k - 1];
    history[0] = b;
    int p1 = 0, p2 = 0;
    for (int k = 0; k < 7; ++k) {
      if (g1[k] == '1') p1 ^= history[k];
      if (g2[k] == '1') p2 ^= history[k];
    }
    c1->push_back(static_cast<uint8_t>(p1));
    c2->push_back(static_cast<uint8_t>(p2 ^ (invert_g2 ? 1 : 0)));
  }
}

/// BPSK over AWGN, soft quantised to int8. Amplitude +-1 (bit 1 -> +1, positive = 1), noise
/// variance sigma^2 = 1 / (2 R Eb/N0) per channel symbol (Es = R Eb). Quantiser: round(32 y),
/// clipped to +-127, i.e. the +-1 points sit at +-32 and clipping starts at 3.97 (> 4.5 sigma
/// at the SNRs used): linear in y, which is the ML branch metric for AWGN up to a scale.
std::vector<soft_t> awgn_soft(const std::vector<uint8_t>& symbols, double ebn0_db, double rate,
                              uint32_t seed) {
  std::mt19937 rng(seed);
  const double sigma = std::sqrt(1.0 / (2.0 * rate * std::pow(10.0, ebn0_db / 10.0)));
  std::normal_distribution<double> noise(0.0, sigma);
  std::vector<soft_t> out(symbols.size());
  for (size_t i = 0; i < symbols.size(); ++i) {
    const double y = (symbols[i] ? 1.0 : -1.0) + noise(rng);
    out[i] = static_cast<soft_t>(std::clamp(std::lround(32.0 * y), -127L, 127L));
  }
  return out;
}

std::vector<uint8_t> encode_terminated(const ConvCodeConfig& code, const std::vector<uint8_t>& bits) {
  ConvEncoder enc(code);
  std::vector<uint8_t> sym(2 * bits.size() + 16);
  size_t n = enc.encode(bits.data(), bits.size(), sym.data());
  n += enc.terminate(sym.data() + n);
  sym.resize(n);
  return sym;
}

size_t count_errors(const uint8_t* a, const uint8_t* b, size_t n) {
  size_t e = 0;
  for (size_t i = 0; i < n; ++i) e += (a[i] != b[i]);
  return e;
}

std::vector<uint8_t> stream_decode(ViterbiDecoder& dec, const std::vector<soft_t>& soft, uint32_t seed,
                                   size_t max_piece = 5000) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> out;
  std::vector<uint8_t> buf;
  size_t i = 0;
  while (i < soft.size()) {
    const size_t piece = std::min(soft.size() - i, static_cast<size_t>(rng() % max_piece) + 1);
    buf.resize(dec.max_output(piece));
    const size_t k = dec.process(soft.data() + i, piece, buf.data());
    out.insert(out.end(), buf.begin(), buf.begin() + static_cast<long>(k));
    i += piece;
  }
  buf.resize(dec.max_output(0));
  const size_t k = dec.flush(buf.data());
  out.insert(out.end(), buf.begin(), buf.begin() + static_cast<long>(k));
  return out;
}

std::vector<SimdLevel> available_levels() {
  std::vector<SimdLevel> v{SimdLevel::scalar};
  if (cpu_simd_level() >= SimdLevel::avx2) v.push_back(SimdLevel::avx2);
  if (cpu_simd_level() >= SimdLevel::avx512) v.push_back(SimdLevel::avx512);
  return v;
}

const ConvRate kAllRates[] = {ConvRate::r1_2, ConvRate::r2_3, ConvRate::r3_4, ConvRate::r5_6,
                              ConvRate::r7_8};

TEST(ConvCode, RateNamesAndValues) {
  for (ConvRate r : kAllRates) EXPECT_EQ(conv_rate_from_string(to_string(r)), r);
  EXPECT_THROW(conv_rate_from_string("4/5"), std::invalid_argument);
  EXPECT_DOUBLE_EQ(code_rate(ConvRate::r1_2), 0.5);
  EXPECT_DOUBLE_EQ(code_rate(ConvRate::r2_3), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(code_rate(ConvRate::r3_4), 0.75);
  EXPECT_DOUBLE_EQ(code_rate(ConvRate::r5_6), 5.0 / 6.0);
  EXPECT_DOUBLE_EQ(code_rate(ConvRate::r7_8), 0.875);
  EXPECT_TRUE(ccsds_conv_code(ConvRate::r1_2).invert_g2);
  EXPECT_FALSE(ccsds_conv_code(ConvRate::r3_4).invert_g2);
}

TEST(ConvCode, ConfigValidation) {
  ViterbiConfig c;
  c.traceback = 8;
  EXPECT_THROW(ViterbiDecoder{c}, std::invalid_argument);
  c.traceback = 96;
  c.chunk_bits = 10;
  EXPECT_THROW(ViterbiDecoder{c}, std::invalid_argument);
}

// The impulse response of a feed-forward encoder is its connection vectors (§3.3 item 4).
TEST(ConvEncoder, ImpulseResponseIsTheGenerators) {
  for (bool inv : {false, true}) {
    ConvEncoder enc({ConvRate::r1_2, inv});
    const uint8_t bits[7] = {1, 0, 0, 0, 0, 0, 0};
    uint8_t sym[14];
    ASSERT_EQ(enc.encode(bits, 7, sym), 14u);
    const char* g1 = "1111001";
    const char* g2 = "1011011";
    for (int t = 0; t < 7; ++t) {
      EXPECT_EQ(sym[2 * t], g1[t] - '0') << t;
      EXPECT_EQ(sym[2 * t + 1], (g2[t] - '0') ^ (inv ? 1 : 0)) << t;
    }
  }
}

TEST(ConvEncoder, MatchesShiftRegisterReferenceAndLibfec) {
  const auto bits = random_bits(20000, 1);
  for (bool inv : {false, true}) {
    std::vector<uint8_t> c1, c2;
    reference_encode(bits, inv, &c1, &c2);
    // Encode in uneven pieces to check that the encoder state carries over.
    ConvEncoder enc({ConvRate::r1_2, inv});
    std::vector<uint8_t> sym(2 * bits.size());
    size_t n = 0;
    for (size_t i = 0; i < bits.size();) {
      const size_t piece = std::min<size_t>(bits.size() - i, 1 + (i * 7919) % 333);
      n += enc.encode(bits.data() + i, piece, sym.data() + n);
      i += piece;
    }
    ASSERT_EQ(n, 2 * bits.size());
    // libfec: encstate gets the new bit in bit 0; CCSDS order is V27POLYB then V27POLYA.
    unsigned encstate = 0;
    for (size_t t = 0; t < bits.size(); ++t) {
      EXPECT_EQ(sym[2 * t], c1[t]);
      EXPECT_EQ(sym[2 * t + 1], c2[t]);
      encstate = (encstate << 1) | bits[t];
      const int f1 = parity(static_cast<int>(encstate & V27POLYB));
      const int f2 = parity(static_cast<int>(encstate & V27POLYA)) ^ (inv ? 1 : 0);
      ASSERT_EQ(sym[2 * t], f1) << t;
      ASSERT_EQ(sym[2 * t + 1], f2) << t;
    }
  }
}

// Output sequences of the punctured codes as the standard lists them (130.1-G table 4-1,
// 131.0-B-4 §3.5): X = C1 (G1), Y = C2 (G2), index = bit time within the period.
TEST(ConvEncoder, PuncturedOutputSequencesPerStandard) {
  const std::pair<ConvRate, const char*> table[] = {
      {ConvRate::r2_3, "X1 Y1 Y2"},
      {ConvRate::r3_4, "X1 Y1 Y2 X3"},
      {ConvRate::r5_6, "X1 Y1 Y2 X3 Y4 X5"},
      {ConvRate::r7_8, "X1 Y1 Y2 Y3 Y4 X5 Y6 X7"},
  };
  const auto bits = random_bits(7 * 5 * 3 * 4 * 10, 2);
  std::vector<uint8_t> c1, c2;
  reference_encode(bits, false, &c1, &c2);
  for (const auto& [rate, seq] : table) {
    std::vector<std::pair<char, int>> order;
    std::istringstream is(seq);
    std::string tok;
    int period = 0;
    while (is >> tok) {
      order.emplace_back(tok[0], std::stoi(tok.substr(1)) - 1);
      period = std::max(period, std::stoi(tok.substr(1)));
    }
    std::vector<uint8_t> expect;
    for (size_t base = 0; base < bits.size(); base += static_cast<size_t>(period))
      for (auto [which, j] : order) expect.push_back(which == 'X' ? c1[base + j] : c2[base + j]);
    ConvEncoder enc({rate, false});
    std::vector<uint8_t> sym(2 * bits.size());
    const size_t n = enc.encode(bits.data(), bits.size(), sym.data());
    sym.resize(n);
    EXPECT_EQ(sym, expect) << to_string(rate);
    EXPECT_NEAR(static_cast<double>(bits.size()) / n, code_rate(rate), 1e-12);
  }
}

TEST(ViterbiDecoder, NoiseFreeRoundTripEveryRateAndKernel) {
  const auto bits = random_bits(30011, 3);
  for (ConvRate rate : kAllRates) {
    for (bool inv : {false, true}) {
      const ConvCodeConfig code{rate, inv};
      const auto sym = encode_terminated(code, bits);
      std::vector<soft_t> soft(sym.size());
      for (size_t i = 0; i < sym.size(); ++i) soft[i] = soft_from_bit(sym[i]);
      for (SimdLevel level : available_levels()) {
        ViterbiConfig cfg;
        cfg.code = code;
        cfg.simd = level;
        cfg.chunk_bits = 1000;
        ViterbiDecoder dec(cfg);
        std::vector<uint8_t> out(bits.size() + 16);
        ASSERT_EQ(dec.decode_block(soft.data(), soft.size(), out.data()), bits.size());
        EXPECT_EQ(count_errors(out.data(), bits.data(), bits.size()), 0u)
            << to_string(rate) << " " << to_string(level);
        const auto s = stream_decode(dec, soft, 4);
        ASSERT_EQ(s.size(), bits.size() + kConvTailBits) << to_string(rate) << " " << to_string(level);
        EXPECT_EQ(count_errors(s.data(), bits.data(), bits.size()), 0u);
        for (size_t i = bits.size(); i < s.size(); ++i) EXPECT_EQ(s[i], 0);
      }
    }
  }
}

TEST(ViterbiDecoder, FlushCompletesAHalfReceivedStep) {
  // Rate 1/2 stream cut after C1 of the last step: flush decodes that step with C2 erased.
  const auto bits = random_bits(501, 5);
  const auto sym = encode_terminated({ConvRate::r1_2, true}, bits);
  std::vector<soft_t> soft(sym.size() - 1);
  for (size_t i = 0; i < soft.size(); ++i) soft[i] = soft_from_bit(sym[i]);
  ViterbiDecoder dec;
  const auto s = stream_decode(dec, soft, 6, 50);
  ASSERT_EQ(s.size(), bits.size() + kConvTailBits);
  EXPECT_EQ(count_errors(s.data(), bits.data(), bits.size()), 0u);
}

// Every kernel must decide exactly like the scalar reference: decision words and metrics,
// over the full int8 range including -128 (where saturation and renormalisation both occur)
// and over noisy depunctured streams of every rate.
TEST(ViterbiDecoder, KernelsBitExactWithScalar) {
  const auto levels = available_levels();
  if (levels.size() < 2) GTEST_SKIP() << "no SIMD kernel on this CPU";
  std::mt19937 rng(7);
  const size_t n = 20000;
  std::vector<soft_t> pairs(2 * n);
  for (auto& p : pairs) p = static_cast<soft_t>(static_cast<int>(rng() % 256) - 128);
  for (bool inv : {false, true}) {
    const auto bt = detail::make_branch_table(inv);
    std::vector<uint64_t> ref(n);
    alignas(64) uint8_t mref[detail::kAcsStateBytes] = {};
    detail::TracebackJob idle;
    detail::acs_scalar(bt, mref, pairs.data(), n, 0, ref.data(), &idle);
    for (SimdLevel level : levels) {
      std::vector<uint64_t> d(n);
      alignas(64) uint8_t m[detail::kAcsStateBytes] = {};
      // Run in uneven pieces so that tails and renormalisation points differ from scalar.
      for (size_t i = 0; i < n;) {
        const size_t piece = std::min<size_t>(n - i, 1 + rng() % 100);
        detail::acs_kernel(level)(bt, m, pairs.data() + 2 * i, piece, i, d.data() + i, &idle);
        i += piece;
      }
      size_t mismatches = 0;
      for (size_t t = 0; t < n; ++t) mismatches += d[t] != ref[t];
      EXPECT_EQ(mismatches, 0u) << to_string(level);
      for (size_t s = 0; s <= detail::kAcsRenormByte; ++s) EXPECT_EQ(m[s], mref[s]) << to_string(level);
    }
  }
  const auto bits = random_bits(40000, 8);
  for (ConvRate rate : kAllRates) {
    const auto code = ccsds_conv_code(rate);
    const auto sym = encode_terminated(code, bits);
    const auto soft = awgn_soft(sym, 2.0, code_rate(rate), 9);
    std::vector<std::vector<uint8_t>> outs, blocks;
    for (SimdLevel level : levels) {
      ViterbiConfig cfg;
      cfg.code = code;
      cfg.simd = level;
      cfg.chunk_bits = 3000;
      ViterbiDecoder dec(cfg);
      outs.push_back(stream_decode(dec, soft, 10));
      std::vector<uint8_t> b(bits.size());
      dec.decode_block(soft.data(), soft.size(), b.data());
      blocks.push_back(b);
    }
    for (size_t k = 1; k < outs.size(); ++k) {
      EXPECT_EQ(outs[k], outs[0]) << to_string(rate) << " " << to_string(levels[k]);
      EXPECT_EQ(blocks[k], blocks[0]) << to_string(rate) << " " << to_string(levels[k]);
    }
    // The output does not depend on how the stream is cut into process() calls.
    ViterbiConfig cfg;
    cfg.code = code;
    cfg.chunk_bits = 3000;
    ViterbiDecoder dec(cfg);
    EXPECT_EQ(stream_decode(dec, soft, 99, 77), outs[0]) << to_string(rate);
  }
}

// Depuncturing against the encoder itself: encoding with a punctured rate must give the
// rate-1/2 symbols of the same encoder (no inversion for either) with the punctured slots
// removed, so depuncturing the punctured stream (as soft values) must give the rate-1/2 stream
// with erasures (0) in those slots. Every kernel, every period count up to a few vectors, and
// no write past the last period.
TEST(ViterbiDecoder, DepunctureKernelsRestoreRateHalfSlots) {
  const auto bits = random_bits(400, 30);
  const auto full = encode_terminated({ConvRate::r1_2, false}, bits);
  for (ConvRate rate : kAllRates) {
    const PuncturePattern pp = puncture_pattern(rate);
    const unsigned spp = pp.symbols_per_period();
    int8_t slot_src[16];
    int8_t idx = 0;
    for (unsigned j = 0; j < pp.period; ++j) {
      slot_src[2 * j] = ((pp.c1_mask >> j) & 1u) ? idx++ : int8_t{-1};
      slot_src[2 * j + 1] = ((pp.c2_mask >> j) & 1u) ? idx++ : int8_t{-1};
    }
    const auto punct = encode_terminated({rate, false}, bits);
    std::vector<soft_t> soft(punct.size());
    for (size_t i = 0; i < punct.size(); ++i) soft[i] = soft_from_bit(punct[i]);
    for (SimdLevel level : available_levels()) {
      for (size_t periods = 0; periods <= 40; ++periods) {
        const size_t slots = 2 * pp.period * periods;
        ASSERT_LE(periods * spp, soft.size());
        std::vector<soft_t> out(slots + 64, soft_t{77});
        detail::depuncture_kernel(level)(slot_src, pp.period, spp, soft.data(), periods, out.data());
        size_t wrong = 0;
        for (size_t k = 0; k < slots; ++k) {
          const unsigned j = static_cast<unsigned>(k % (2 * pp.period));
          const bool sent = (((j % 2 == 0 ? pp.c1_mask : pp.c2_mask) >> (j / 2)) & 1u) != 0;
          wrong += out[k] != (sent ? soft_from_bit(full[k]) : soft_t{0});
        }
        EXPECT_EQ(wrong, 0u) << to_string(rate) << " " << to_string(level) << " " << periods;
        for (size_t k = slots; k < out.size(); ++k) ASSERT_EQ(out[k], 77) << "overrun " << to_string(rate);
      }
    }
  }
}

// The 8-bit saturating metrics against an unbounded decoder written from the textbook
// definition (int64 correlation metrics, explicit shift-register transitions, whole-block
// survivor memory) on the same quantised symbols (viterbi_quantise): at 2 dB, where metric
// spreads are largest, saturation and renormalisation must not change a single decision
// that reaches the output.
TEST(ViterbiDecoder, SaturatingMetricsMatchUnboundedReference) {
  const size_t nbits = 100000;
  const auto bits = random_bits(nbits, 21);
  const auto code = ccsds_conv_code(ConvRate::r1_2);
  const auto sym = encode_terminated(code, bits);
  const auto soft = awgn_soft(sym, 2.0, 0.5, 22);
  const size_t steps = soft.size() / 2;
  std::vector<int64_t> metric(64, -(int64_t{1} << 40)), next(64);
  metric[0] = 0;
  std::vector<uint8_t> survivor_from_upper(steps * 64);
  for (size_t t = 0; t < steps; ++t) {
    const int q0 = detail::viterbi_quantise(soft[2 * t]);
    const int q1 = detail::viterbi_quantise(soft[2 * t + 1]);
    for (uint32_t ns = 0; ns < 64; ++ns) {
      int64_t best = 0;
      for (uint32_t x = 0; x < 2; ++x) {
        const uint32_t reg = (x << 6) | ns;  // u_{t-6} = x, newest bit = ns & 1
        const int c1 = __builtin_parity(reg & 0x4F);
        const int c2 = __builtin_parity(reg & 0x6D) ^ 1;  // G2 inverted
        const int64_t cand = metric[(ns >> 1) | (x << 5)] + (c1 ? q0 : -q0) + (c2 ? q1 : -q1);
        if (x == 0 || cand > best) {  // strict: a tie keeps the lower predecessor
          best = cand;
          survivor_from_upper[t * 64 + ns] = static_cast<uint8_t>(x);
        }
      }
      next[ns] = best;
    }
    metric.swap(next);
  }
  std::vector<uint8_t> ref(steps);
  uint32_t s = 0;  // terminated
  for (size_t t = steps; t-- > 0;) {
    ref[t] = s & 1u;
    s = (s >> 1) | (static_cast<uint32_t>(survivor_from_upper[t * 64 + s]) << 5);
  }
  for (SimdLevel level : available_levels()) {
    ViterbiConfig cfg;
    cfg.code = code;
    cfg.simd = level;
    ViterbiDecoder dec(cfg);
    std::vector<uint8_t> out(nbits);
    ASSERT_EQ(dec.decode_block(soft.data(), soft.size(), out.data()), nbits);
    EXPECT_EQ(count_errors(out.data(), ref.data(), nbits), 0u) << to_string(level);
    EXPECT_GT(count_errors(out.data(), bits.data(), nbits), 0u);  // the SNR does cause errors
  }
}

// libfec's viterbi27 (independent implementation: 8-bit offset-binary symbols, its own metric
// quantisation) on the same noisy terminated block. libfec's default symbol order is
// V27POLYA (0x6D = G2) first, so it is told the CCSDS order: G1 (V27POLYB) then G2 (V27POLYA),
// a negative polynomial meaning an inverted output. Both conventions are checked.
TEST(ViterbiDecoder, AgreesWithLibfecViterbi27) {
  for (bool inv : {false, true}) {
  const size_t nbits = 200000;
  const auto bits = random_bits(nbits, 11);
  const ConvCodeConfig code{ConvRate::r1_2, inv};
  const auto sym = encode_terminated(code, bits);
  const auto soft = awgn_soft(sym, 3.0, 0.5, 12);
  ViterbiConfig cfg;
  cfg.code = code;
  ViterbiDecoder dec(cfg);
  std::vector<uint8_t> ours(nbits);
  ASSERT_EQ(dec.decode_block(soft.data(), soft.size(), ours.data()), nbits);

  // libfec: 0 = strong 0, 255 = strong 1, 128 = erasure; our soft_t + 128 maps onto that.
  std::vector<unsigned char> fsym(soft.size());
  for (size_t i = 0; i < soft.size(); ++i) fsym[i] = static_cast<unsigned char>(soft[i] + 128);
  void* vp = create_viterbi27(static_cast<int>(nbits));
  ASSERT_NE(vp, nullptr);
  int polys[2] = {V27POLYB, inv ? -V27POLYA : V27POLYA};
  set_viterbi27_polynomial(polys);
  init_viterbi27(vp, 0);
  update_viterbi27_blk(vp, fsym.data(), static_cast<int>(nbits + kConvTailBits));
  std::vector<unsigned char> packed(nbits / 8 + 1);
  chainback_viterbi27(vp, packed.data(), static_cast<unsigned>(nbits), 0);
  delete_viterbi27(vp);
  std::vector<uint8_t> theirs(nbits);
  for (size_t i = 0; i < nbits; ++i) theirs[i] = (packed[i / 8] >> (7 - i % 8)) & 1u;

  const size_t e_ours = count_errors(ours.data(), bits.data(), nbits);
  const size_t e_theirs = count_errors(theirs.data(), bits.data(), nbits);
  const size_t disagree = count_errors(ours.data(), theirs.data(), nbits);
  RecordProperty("errors_ours", static_cast<int>(e_ours));
  RecordProperty("errors_libfec", static_cast<int>(e_theirs));
  RecordProperty("disagreements", static_cast<int>(disagree));
  std::printf("libfec comparison at 3 dB (invert_g2 %d), %zu bits: ours %zu errors, libfec %zu, "
              "differ in %zu\n", inv, nbits, e_ours, e_theirs, disagree);
  EXPECT_GT(e_theirs, 0u);  // the SNR is low enough to exercise the decoders
  // Both are ML decoders up to metric quantisation: they agree except on a few close calls.
  EXPECT_LE(disagree, std::max<size_t>(20, e_theirs / 2));
  EXPECT_LE(e_ours, e_theirs + e_theirs / 5 + 5);
  }
}

// Soft-decision BER of the k=7 r=1/2 code at Eb/N0 = 4 dB. 130.1-G figure 4-4 (and TARGETS.md):
// BER 1e-5 at about 4.2-4.4 dB, and the curve falls by roughly a decade per 0.6-0.7 dB there,
// so 4 dB lands near 2e-5 to 4e-5. With 4e6 bits (~100 errors expected, error events come in
// bursts of ~5) the bounds 2e-6 .. 1e-4 accept the right curve and reject a decoder that is
// ~1 dB off in either direction (uncoded BPSK at 4 dB would be 1.25e-2).
TEST(ViterbiDecoder, AwgnBerAt4dBMatchesSoftDecisionCurve) {
  const size_t nbits = 4000000;
  const auto bits = random_bits(nbits, 13);
  const auto code = ccsds_conv_code(ConvRate::r1_2);
  const auto sym = encode_terminated(code, bits);
  const auto soft = awgn_soft(sym, 4.0, 0.5, 14);
  ViterbiConfig cfg;
  cfg.code = code;
  cfg.simd = cpu_simd_level();  // fastest kernel; all kernels are bit-exact (tested above)
  ViterbiDecoder dec(cfg);
  const auto out = stream_decode(dec, soft, 15, 100000);
  ASSERT_EQ(out.size(), nbits + kConvTailBits);
  const size_t errors = count_errors(out.data(), bits.data(), nbits);
  const double ber = static_cast<double>(errors) / nbits;
  std::printf("AWGN Eb/N0 4 dB: %zu errors in %zu bits, BER %.3g (kernel %s)\n", errors, nbits, ber,
              to_string(dec.simd()));
  RecordProperty("ber_4db", std::to_string(ber));
  EXPECT_GT(ber, 2e-6);
  EXPECT_LT(ber, 1e-4);
}

// Streaming with the default traceback of 96 must not lose against decoding the whole
// terminated block at once, on the same noisy input. Chunked traceback gives the bits early in
// a chunk a look-ahead far beyond `traceback`; the hardest case is chunk_bits = 64, where every
// bit is released with only traceback..traceback+64 steps of look-ahead. There traceback 32
// (< 5K) must lose measurably, which shows that this comparison detects a short path memory.
TEST(ViterbiDecoder, StreamingTraceback96AsGoodAsBlockDecoding) {
  const size_t nbits = 1000000;
  const auto bits = random_bits(nbits, 16);
  const auto code = ccsds_conv_code(ConvRate::r1_2);
  const auto sym = encode_terminated(code, bits);
  const auto soft = awgn_soft(sym, 3.0, 0.5, 17);
  auto run = [&](size_t traceback, size_t chunk_bits) {
    ViterbiConfig cfg;
    cfg.code = code;
    cfg.traceback = traceback;
    cfg.chunk_bits = chunk_bits;
    cfg.simd = cpu_simd_level();
    ViterbiDecoder dec(cfg);
    const auto out = stream_decode(dec, soft, 18, 20000);
    return count_errors(out.data(), bits.data(), nbits);
  };
  ViterbiConfig block_cfg;
  block_cfg.simd = cpu_simd_level();
  ViterbiDecoder block(block_cfg);
  std::vector<uint8_t> b(nbits);
  block.decode_block(soft.data(), soft.size(), b.data());
  const size_t e_block = count_errors(b.data(), bits.data(), nbits);
  const size_t e96 = run(96, 8192);
  const size_t e96_short = run(96, 64);
  const size_t e32_short = run(32, 64);
  std::printf("Eb/N0 3 dB, %zu bits: block %zu errors; streaming tb96/chunk8192 %zu, "
              "tb96/chunk64 %zu, tb32/chunk64 %zu\n", nbits, e_block, e96, e96_short, e32_short);
  ASSERT_GT(e_block, 100u);
  // Same noise for all runs, so differences are truncation errors, not chance: traceback 96
  // stays within 1% (+3) of block decoding; traceback 32 adds more than 5%.
  EXPECT_LE(e96, e_block + e_block / 100 + 3);
  EXPECT_LE(e96_short, e_block + e_block / 100 + 3);
  EXPECT_GT(e32_short, e_block + e_block / 20);
}

// Real data: BlueWalker-3 S-band soft symbols (tests/data/bw3/PROVENANCE.md). The reference
// Viterbi output of the 1-symbol-delayed branch holds 152 exact ASMs, the other branch none.
TEST(ViterbiDecoder, BlueWalker3RealSymbolsYield152Asms) {
  const auto raw = test::read_bytes("bw3/bw3_symbols_20220925_051912.f32");
  ASSERT_EQ(raw.size(), 871430u * 4);
  std::vector<float> f(raw.size() / 4);
  std::memcpy(f.data(), raw.data(), raw.size());
  double mean_abs = 0;
  for (float x : f) mean_abs += std::fabs(x);
  mean_abs /= f.size();
  // Scale so that the mean magnitude sits at 40 of 127 (headroom for the spread). The
  // recording's symbols already follow positive = 1 (no negation needed: the ASMs come out
  // upright, see the counts below).
  const double scale = 40.0 / mean_abs;
  std::vector<soft_t> soft(f.size());
  for (size_t i = 0; i < f.size(); ++i)
    soft[i] = static_cast<soft_t>(std::clamp(std::lround(scale * f[i]), -127L, 127L));

  auto count_asm = [](const std::vector<uint8_t>& bits, uint32_t pattern) {
    size_t count = 0;
    uint32_t reg = 0;
    for (size_t i = 0; i < bits.size(); ++i) {
      reg = (reg << 1) | bits[i];
      if (i >= 31 && reg == pattern) ++count;
    }
    return count;
  };
  size_t asms[2], inverted[2];
  for (size_t offset : {0, 1}) {
    ViterbiDecoder dec;  // CCSDS rate 1/2 with G2 inversion
    std::vector<soft_t> s(soft.begin() + static_cast<long>(offset), soft.end());
    const auto bits = stream_decode(dec, s, 19, 65536);
    asms[offset] = count_asm(bits, 0x1ACFFC1Du);
    inverted[offset] = count_asm(bits, ~0x1ACFFC1Du);
    std::printf("BW3 offset %zu: %zu bits, %zu ASMs, %zu inverted ASMs\n", offset, bits.size(),
                asms[offset], inverted[offset]);
  }
  EXPECT_EQ(asms[1] + inverted[1], 152u);
  EXPECT_EQ(asms[0] + inverted[0], 0u);
  EXPECT_EQ(asms[1], 152u);  // polarity: positive = 1 already holds for this file
}

}  // namespace
}  // namespace groundlink::dsp
