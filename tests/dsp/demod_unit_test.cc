// Unit tests of the demodulator building blocks and of its robustness: SIMD kernel vs scalar
// reference, channel simulator statistics, matched-filter ISI, acquisition time, Es/N0 estimate,
// non-finite input, front-end shift and resampling.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "demod_common.h"
#include "dsp/agc.h"
#include "dsp/cpu_features.h"
#include "dsp/frontend.h"
#include "dsp/nco.h"
#include "dsp/rrc.h"
#include "dsp/soft_scale.h"

namespace groundlink::dsp::test {
namespace {

TEST(DemodRrc, Avx2DotBitExactWithScalar) {
  if (cpu_simd_level() < SimdLevel::avx2) GTEST_SKIP() << "no AVX2";
  PolyphaseRrcBank bank(4, 0.35, 8, 64);
  std::mt19937_64 rng(5);
  std::normal_distribution<float> g(0.0f, 1.0f);
  std::vector<float> x(bank.stride() + 4096);
  for (auto& v : x) v = g(rng);
  for (unsigned p = 0; p < bank.phases(); ++p) {
    for (size_t off = 0; off < 256; off += 2) {
      float a[2], b[2];
      dot_iq_dup_scalar(x.data() + off, bank.phase(p), bank.stride(), a);
      dot_iq_dup_avx2(x.data() + off, bank.phase(p), bank.stride(), b);
      ASSERT_EQ(std::memcmp(a, b, sizeof a), 0) << "phase " << p << " offset " << off;
      // The fused pair kernel gives the same two results.
      float c[4];
      const unsigned q = (p * 7 + 3) % bank.phases();
      dot2_iq_dup_avx2(x.data() + off, bank.phase(p), x.data() + 256 - off, bank.phase(q), bank.stride(), c);
      dot_iq_dup_scalar(x.data() + 256 - off, bank.phase(q), bank.stride(), b);
      ASSERT_EQ(std::memcmp(a, c, sizeof a), 0) << "pair, phase " << p << " offset " << off;
      ASSERT_EQ(std::memcmp(b, c + 2, sizeof b), 0) << "pair, phase " << q << " offset " << off;
    }
  }
}

TEST(DemodRrc, Avx2SoftQuantiserBitExactWithScalar) {
  if (cpu_simd_level() < SimdLevel::avx2) GTEST_SKIP() << "no AVX2";
  std::mt19937 rng(29);
  std::normal_distribution<float> g(0.0f, 1.5f);
  std::vector<float> x(1000);
  for (auto& v : x) v = g(rng);
  // Ties (k x = n + 0.5), zeros of both signs and values beyond the clamp.
  x[0] = 0.5f / 32.0f;
  x[1] = -2.5f / 32.0f;
  x[2] = 0.0f;
  x[3] = -0.0f;
  x[4] = 1e30f;
  x[5] = -1e30f;
  for (size_t n : {0u, 5u, 16u, 17u, 1000u}) {
    std::vector<int8_t> a(n + 1, 99), b(n + 1, 99);
    scale_softs_scalar(x.data(), n, 32.0f, a.data());
    scale_softs_avx2(x.data(), n, 32.0f, b.data());
    EXPECT_EQ(a, b) << n;
  }
  std::vector<int8_t> a(6);
  scale_softs_avx2(x.data(), 6, 32.0f, a.data());
  EXPECT_EQ(a, (std::vector<int8_t>{1, -3, 0, 0, 127, -127}));
}

TEST(DemodRrc, Avx2AgcKernelBitExactWithScalarIncludingNonFiniteSamples) {
  if (cpu_simd_level() < SimdLevel::avx2) GTEST_SKIP() << "no AVX2";
  std::mt19937 rng(17);
  std::normal_distribution<float> g(0.0f, 3.0f);
  std::vector<float> x(2 * 1000);
  for (auto& v : x) v = g(rng);
  // Non-finite and power-overflowing samples in both the vector body and the tail.
  x[6] = std::numeric_limits<float>::quiet_NaN();
  x[41] = std::numeric_limits<float>::infinity();
  x[100] = 2e18f;  // finite, but its square overflows float
  x[2 * 997 + 1] = -std::numeric_limits<float>::infinity();
  for (size_t n : {0u, 1u, 7u, 8u, 9u, 64u, 333u, 1000u}) {
    std::vector<float> ya(2 * n), yb(2 * n);
    float acc_a[8] = {}, acc_b[8] = {};
    uint32_t bad_a = 0, bad_b = 0;
    agc_block_scalar(x.data(), ya.data(), n, acc_a, &bad_a);
    agc_block_avx2(x.data(), yb.data(), n, acc_b, &bad_b);
    EXPECT_EQ(bad_a, bad_b) << n;
    EXPECT_EQ(std::memcmp(acc_a, acc_b, sizeof acc_a), 0) << n;
    EXPECT_EQ(std::memcmp(ya.data(), yb.data(), ya.size() * sizeof(float)), 0) << n;
    for (float v : ya) ASSERT_TRUE(std::isfinite(v));
  }
  float acc[8] = {};
  uint32_t bad = 0;
  std::vector<float> y(2 * 1000);
  agc_block_avx2(x.data(), y.data(), 1000, acc, &bad);
  EXPECT_EQ(bad, 4u);
}

TEST(DemodRrc, DemodulatorOutputIdenticalWithScalarAndAvx2Kernels) {
  if (cpu_simd_level() < SimdLevel::avx2) GTEST_SKIP() << "no AVX2";
  LinkSetup s = LinkSetup{};
  s.ebn0_db = 5.0;
  s.freq_offset_rs = 0.01;
  s.clock_ppm = 30.0;
  s.nbits = 40000;
  s.demod.simd_cap = SimdLevel::scalar;
  const LinkResult a = run_link(s);
  s.demod.simd_cap = SimdLevel::avx2;
  const LinkResult b = run_link(s);
  ASSERT_GT(a.soft.size(), 30000u);
  EXPECT_EQ(a.soft, b.soft);
}

TEST(DemodRrc, TransmitAndMatchedFilterAreNyquist) {
  // The RRC cascade is a raised cosine: zero ISI at the symbol instants, apart from truncation.
  const auto h = rrc_taps(4, 0.35, 16);
  const int half = static_cast<int>(h.size() / 2);
  for (int k = -4; k <= 4; ++k) {
    double c = 0.0;
    for (int i = 0; i < static_cast<int>(h.size()); ++i) {
      const int j = i + 4 * k;
      if (j >= 0 && j < static_cast<int>(h.size())) c += h[i] * h[j];
    }
    if (k == 0) EXPECT_NEAR(c, 1.0, 1e-6);
    else EXPECT_NEAR(c, 0.0, 2e-3) << "symbol lag " << k;
  }
  EXPECT_EQ(half, 32);
}

TEST(DemodChannel, NoiseVarianceMatchesConfiguration) {
  ChannelConfig cc;
  cc.samples_per_symbol = 4;
  cc.bits_per_symbol = 2;
  cc.code_rate = 0.5;
  cc.ebn0_db = 3.0;
  Channel ch(cc);
  std::vector<std::complex<float>> zeros(400000), out;
  ch.process(zeros.data(), zeros.size(), out);
  double p = 0.0, pi = 0.0;
  for (auto& z : out) {
    p += std::norm(z);
    pi += z.imag() * z.imag();
  }
  p /= out.size();
  pi /= out.size();
  // Es/N0 = Eb/N0 * 2 * 0.5 = 3 dB; Es = 4 (unit power, 4 sps) -> N0 = 4 / 10^0.3.
  const double expect = 4.0 / std::pow(10.0, 0.3);
  EXPECT_NEAR(cc.noise_variance(), expect, 1e-12);
  EXPECT_NEAR(p / expect, 1.0, 0.01);
  EXPECT_NEAR(pi / p, 0.5, 0.01);
}

TEST(DemodChannel, FrequencyOffsetDopplerAndClockMatchConfiguration) {
  ChannelConfig cc;
  cc.freq_offset = 0.01;
  cc.doppler_rate = 1e-8;
  cc.phase_offset = 0.5;
  cc.clock_ppm = 100.0;
  Channel ch(cc);
  std::vector<std::complex<float>> ones(200000, {1.0f, 0.0f}), out;
  ch.process(ones.data(), ones.size(), out);
  ASSERT_GT(out.size(), 100000u);
  // Phase at output k (after the interpolator's start-up): 0.5 rad + 2 pi (f0 k + r k(k-1)/2).
  const size_t k0 = 100;
  const double ph = 0.5 + 2.0 * M_PI * (0.01 * k0 + 1e-8 * k0 * (k0 - 1) / 2.0);
  EXPECT_NEAR(std::remainder(std::arg(out[k0]) - ph, 2.0 * M_PI), 0.0, 1e-4);
  // Instantaneous frequency at sample k = f0 + rate * k.
  for (size_t k : {size_t{10}, size_t{50000}, size_t{150000}}) {
    const double f = std::arg(out[k + 1] * std::conj(out[k])) / (2.0 * M_PI);
    EXPECT_NEAR(f, 0.01 + 1e-8 * k, 1e-7) << k;
  }
  // A receiver clock fast by 100 ppm yields 100 ppm more samples (count a second block, so
  // the interpolator's look-ahead does not enter).
  const size_t before = out.size();
  ch.process(ones.data(), ones.size(), out);
  const double ratio = static_cast<double>(out.size() - before) / ones.size();
  EXPECT_NEAR(ratio, 1.0001, 1e-5);
}

TEST(DemodChannel, PhaseNoiseIsAWienerProcessOfTheConfiguredStep) {
  ChannelConfig cc;
  cc.phase_noise_std = 0.01;
  Channel ch(cc);
  std::vector<std::complex<float>> ones(200000, {1.0f, 0.0f}), out;
  ch.process(ones.data(), ones.size(), out);
  // Phase increments over a lag L have variance L * std^2.
  for (size_t lag : {size_t{1}, size_t{100}}) {
    double v = 0.0;
    size_t n = 0;
    for (size_t k = 100; k + lag < out.size(); k += lag, ++n) {
      const double d = std::arg(out[k + lag] * std::conj(out[k]));
      v += d * d;
    }
    v /= n;
    EXPECT_NEAR(v / (lag * 1e-4), 1.0, 0.1) << "lag " << lag;
  }
}

TEST(DemodChannel, TimingOffsetDelaysTheSignal) {
  ChannelConfig cc;
  cc.timing_offset = 2.3;
  Channel ch(cc);
  // A tone at 0.35 cycles/sample (the band edge of RRC 0.35 at 2 sps) must come out delayed by
  // exactly 2.3 samples: out[k] = exp(j 2 pi f (k + 2.3)).
  const double f = 0.35;
  std::vector<std::complex<float>> in(4096), out;
  for (size_t i = 0; i < in.size(); ++i) in[i] = std::polar(1.0f, static_cast<float>(2.0 * M_PI * f * i));
  ch.process(in.data(), in.size(), out);
  ASSERT_GT(out.size(), 4000u);
  double worst = 0.0;
  for (size_t k = 64; k < 4000; ++k) {
    const std::complex<double> ref = std::polar(1.0, 2.0 * M_PI * f * (k + 2.3));
    worst = std::max(worst, std::abs(std::complex<double>(out[k]) - ref));
  }
  EXPECT_LT(worst, 3e-3);
}

TEST(DemodAcquisition, LocksQuicklyAtFourDbWithOnePercentOffset) {
  for (PskModulation m : {PskModulation::bpsk, PskModulation::qpsk}) {
    LinkSetup s;
    s.modulation = m;
    s.ebn0_db = 4.0;
    s.freq_offset_rs = 0.01;
    s.phase = 1.0;
    s.timing_offset = 2.2;
    s.clock_ppm = 50.0;
    s.nbits = 40000;
    s.seed = 31;
    const LinkResult r = run_link(s);
    std::printf("[acquisition %s] lock at symbol %llu (FFT acquisition uses %u), f est %.6f "
                "cycles/sample (true %.6f), BER %.3e\n",
                to_string(m), static_cast<unsigned long long>(r.status.lock_symbol),
                s.demod.acq_symbols, r.status.freq_offset, 0.01 / 4, r.ber());
    EXPECT_TRUE(r.status.carrier_lock);
    EXPECT_GT(r.status.lock_symbol, 0u);
    EXPECT_LT(r.status.lock_symbol, s.demod.acq_symbols + 1500u);
    EXPECT_NEAR(r.status.freq_offset, 0.01 / 4, 2e-5);
    EXPECT_LE(r.ber(), ber_theory(4.0 - 0.5));
  }
}

TEST(DemodEstimate, EbN0WithinHalfDbFrom3To10Db) {
  for (PskModulation m : {PskModulation::bpsk, PskModulation::qpsk, PskModulation::oqpsk}) {
    for (double eb : {3.0, 5.0, 7.0, 10.0}) {
      LinkSetup s;
      s.modulation = m;
      s.ebn0_db = eb;
      s.freq_offset_rs = 0.005;
      s.nbits = 40000;
      s.seed = 41 + static_cast<uint64_t>(eb);
      const LinkResult r = run_link(s);
      std::printf("[ebn0 %s] true %.1f dB, estimated %.2f dB\n", to_string(m), eb, r.status.ebn0_db);
      // OQPSK reads low at high SNR (the half-symbol-offset Q samples carry residual timing
      // jitter into the M2M4 moments): within 0.8 dB there, 0.5 dB for BPSK and QPSK.
      const double tol = (m == PskModulation::oqpsk && eb > 5.0) ? 0.8 : 0.5;
      EXPECT_NEAR(r.status.ebn0_db, eb, tol) << to_string(m);
    }
  }
}

TEST(DemodRobustness, NonFiniteSamplesAreCountedAndDoNotPropagate) {
  PskModulatorConfig mc;
  PskModulator mod(mc);
  const auto bits = random_bits(60000, 51);
  std::vector<std::complex<float>> tx, rx;
  mod.modulate_bits(bits.data(), bits.size(), tx);
  ChannelConfig cc;
  cc.ebn0_db = 8.0;
  cc.freq_offset = 0.001;
  Channel ch(cc);
  ch.process(tx.data(), tx.size(), rx);
  // Corrupt a burst and scattered samples after acquisition.
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  size_t corrupted = 0;
  for (size_t i = 40000; i < 40100; ++i, ++corrupted) rx[i] = {nan, 0.0f};
  for (size_t i = 50000; i < 90000; i += 997, ++corrupted) rx[i] = {inf, -inf};
  rx[60001] = {1e30f, 1e30f};  // power overflows float
  ++corrupted;
  PskDemodConfig dc;
  PskDemodulator demod(dc);
  std::vector<soft_t> soft(demod.max_output(rx.size()));
  const size_t n = demod.process(rx.data(), rx.size(), soft.data());
  soft.resize(n);
  EXPECT_EQ(demod.status().nonfinite_samples, corrupted);
  EXPECT_TRUE(demod.status().carrier_lock);
  EXPECT_TRUE(std::isfinite(demod.status().esn0_db));
  // The stream still decodes after the corruption.
  const LinkResult r = count_errors(soft, bits, 2, n - 20000, (dc.acq_symbols + 600) * 2);
  EXPECT_LT(r.ber(), 1e-2);
}

TEST(DemodFrontEnd, ShiftsDopplerPolynomialAndResamples) {
  FrontEndConfig fc;
  fc.sample_rate_hz = 1e6;
  fc.doppler_poly_hz = {20000.0, 5000.0};  // 20 kHz + 5 kHz/s
  fc.resample_interp = 2;
  fc.resample_decim = 3;
  FrontEnd fe(fc);
  // Input: a tone following the same law plus a DC offset; output must be DC at 2/3 the rate.
  const size_t n = 300000;
  std::vector<std::complex<float>> in(n);
  double ph = 0.0;
  for (size_t i = 0; i < n; ++i) {
    const double t = i / 1e6;
    in[i] = std::complex<float>(std::polar(1.0, 2.0 * M_PI * ph)) + std::complex<float>(0.3f, -0.2f);
    ph += (20000.0 + 5000.0 * t) / 1e6;
  }
  std::vector<std::complex<float>> out(fe.max_output(n) + fe.max_flush_output());
  size_t m = fe.process(in.data(), n, out.data());
  EXPECT_EQ(m, n / 3 * 2);
  // The flush brings out the filter's delay (semi-length 12 outputs).
  EXPECT_GE(fe.flush(out.data() + m), 12u);
  EXPECT_DOUBLE_EQ(fe.output_rate_hz(), 2e6 / 3);
  // After the DC tracker settles the output phase is (nearly) constant: frequency < 20 Hz.
  double f_sum = 0.0;
  size_t cnt = 0;
  for (size_t k = m / 2; k + 1 < m; ++k, ++cnt) f_sum += std::arg(out[k + 1] * std::conj(out[k]));
  const double f_hz = f_sum / cnt / (2.0 * M_PI) * fe.output_rate_hz();
  EXPECT_LT(std::fabs(f_hz), 20.0);
  EXPECT_NEAR(std::abs(out[m - 10]), std::abs(out[m - 1000]), 0.05);
}

TEST(DemodFrontEnd, FollowsADopplerTableFromAPassPrediction) {
  // A pass-like Doppler S-curve f(t) = 40 kHz * tanh((t - 0.15 s) / 0.05 s): 80 kHz swing with a
  // peak rate of 800 kHz/s around closest approach. The table samples the true curve every 5 ms
  // (as a prediction file would); the front-end must remove it to within a few tens of Hz.
  auto truth = [](double t) { return 40000.0 * std::tanh((t - 0.15) / 0.05); };
  FrontEndConfig fc;
  fc.sample_rate_hz = 1e6;
  for (double t = 0.0; t <= 0.3 + 1e-9; t += 0.005) fc.doppler_table.emplace_back(t, truth(t));
  fc.update_block = 64;
  FrontEnd fe(fc);
  const size_t n = 300000;
  std::vector<std::complex<float>> in(n);
  double ph = 0.0;
  for (size_t i = 0; i < n; ++i) {
    in[i] = std::complex<float>(std::polar(1.0, 2.0 * M_PI * ph));
    ph += truth((i + 0.5) / 1e6) / 1e6;
  }
  std::vector<std::complex<float>> out(n + fe.max_flush_output());
  // Odd chunk sizes: the table walk must not depend on how the stream is cut.
  size_t m = 0;
  for (size_t i = 0; i < n;) {
    const size_t k = std::min<size_t>(n - i, 7919);
    m += fe.process(in.data() + i, k, out.data() + m);
    i += k;
  }
  EXPECT_EQ(fe.flush(out.data() + m), 0u);  // no resampler: nothing held back
  ASSERT_EQ(m, n);
  // The same output when the stream comes in one piece.
  {
    FrontEnd whole(fc);
    std::vector<std::complex<float>> o2(n + whole.max_flush_output());
    size_t m2 = whole.process(in.data(), n, o2.data());
    ASSERT_EQ(m2, m);
    // Same Doppler schedule on the same samples; the rotator may differ only in float rounding.
    double worst = 0.0;
    for (size_t i = 0; i < m; ++i) worst = std::max(worst, static_cast<double>(std::abs(o2[i] - out[i])));
    EXPECT_LT(worst, 1e-4);
  }
  // Residual frequency over 1 ms windows, after the DC tracker has settled.
  double worst = 0.0;
  for (size_t w = 20000; w + 1000 < m; w += 1000) {
    std::complex<double> acc = 0.0;
    for (size_t k = w; k < w + 1000; ++k) acc += std::complex<double>(out[k + 1] * std::conj(out[k]));
    worst = std::max(worst, std::fabs(std::arg(acc) / (2.0 * M_PI) * 1e6));
  }
  EXPECT_LT(worst, 60.0);
  // Without compensation the same windows would show up to 40 kHz.
  EXPECT_NEAR(fe.current_shift_hz(), truth(0.3), 1.0);
  fe.reset();
  EXPECT_NEAR(fe.current_shift_hz(), truth(0.0), 1e-6);
  FrontEndConfig bad = fc;
  bad.doppler_table[3].first = bad.doppler_table[2].first;
  EXPECT_THROW(FrontEnd{bad}, std::invalid_argument);
  bad = fc;
  bad.doppler_poly_hz = {1.0};
  EXPECT_THROW(FrontEnd{bad}, std::invalid_argument);
  bad = fc;
  bad.doppler_table[1].second = std::nan("");
  EXPECT_THROW(FrontEnd{bad}, std::invalid_argument);
}

TEST(DemodConfig, RejectsOutOfRangeFieldsByName) {
  PskDemodConfig dc;
  dc.samples_per_symbol = 9;
  try {
    PskDemodulator d(dc);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("samples_per_symbol"), std::string::npos);
  }
  dc = PskDemodConfig{};
  dc.timing_loop_bw = 0.5;
  EXPECT_THROW(PskDemodulator{dc}, std::invalid_argument);
  ChannelConfig cc;
  cc.freq_offset = 0.7;
  EXPECT_THROW(Channel{cc}, std::invalid_argument);
}

}  // namespace
}  // namespace groundlink::dsp::test

namespace groundlink::dsp::test {
namespace {

TEST(DemodNco, MixMatchesDirectPhasorAcrossBlocksAndRetunes) {
  Nco nco(64);
  nco.set_frequency(0.0123);
  std::vector<std::complex<float>> x(1000, {1.0f, 0.0f}), y(1000);
  nco.mix(x.data(), y.data(), 300, -1);
  nco.set_frequency(-0.2);
  nco.mix(x.data() + 300, y.data() + 300, 700, -1);
  for (size_t i = 0; i < 1000; ++i) {
    const double ph = i < 300 ? 0.0123 * i : 0.0123 * 300 - 0.2 * (i - 300.0);
    const std::complex<double> ref = std::polar(1.0, -2.0 * M_PI * ph);
    ASSERT_NEAR(y[i].real(), ref.real(), 2e-5) << i;
    ASSERT_NEAR(y[i].imag(), ref.imag(), 2e-5) << i;
  }
}

TEST(DemodNco, ScaledMixDownFollowsThePhaseOverAPassAndKernelsAgree) {
  // The block phasor advances by multiplication: after 10^5 blocks (6.4 M samples) with a
  // frequency change and a phase jump it still matches the directly computed phase.
  for (SimdLevel cap : {SimdLevel::scalar, SimdLevel::avx2}) {
    if (cap == SimdLevel::avx2 && cpu_simd_level() < SimdLevel::avx2) continue;
    Nco nco(64, cap);
    nco.set_frequency(0.0371);
    double ph = 0.0;
    std::vector<std::complex<float>> x(64);
    for (int b = 0; b < 100000; ++b) {
      if (b == 50000) nco.set_frequency(-0.0123);
      if (b == 70000) {
        nco.adjust_phase(0.25);
        ph += 0.25;
      }
      const double f = b < 50000 ? 0.0371 : -0.0123;
      std::fill(x.begin(), x.end(), std::complex<float>(1.0f, 0.0f));
      nco.mix_down_scaled(x.data(), 64, 2.0f);
      if (b % 997 == 0 || b == 99999) {
        for (size_t i = 0; i < 64; i += 21) {
          const std::complex<double> ref = std::polar(2.0, -2.0 * M_PI * (ph + f * static_cast<double>(i)));
          ASSERT_NEAR(x[i].real(), ref.real(), 1e-4) << "block " << b << " sample " << i;
          ASSERT_NEAR(x[i].imag(), ref.imag(), 1e-4) << "block " << b << " sample " << i;
        }
      }
      ph += f * 64.0;
      ph -= std::floor(ph);
    }
  }
  if (cpu_simd_level() < SimdLevel::avx2) GTEST_SKIP() << "no AVX2 to compare with";
  std::mt19937 rng(3);
  std::normal_distribution<float> g(0.0f, 1.0f);
  std::vector<float> tre(67), tim(67), y(2 * 67);
  for (auto& v : tre) v = g(rng);
  for (auto& v : tim) v = g(rng);
  for (auto& v : y) v = g(rng);
  for (size_t n : {0u, 3u, 4u, 5u, 64u, 67u}) {
    std::vector<float> a = y, b = y;
    nco_rotate_scalar(a.data(), tre.data(), tim.data(), n, 0.8f, -0.6f);
    nco_rotate_avx2(b.data(), tre.data(), tim.data(), n, 0.8f, -0.6f);
    EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)), 0) << n;
  }
}

}  // namespace
}  // namespace groundlink::dsp::test

namespace groundlink::dsp::test {
namespace {

TEST(DemodSoft, SoftValuesAreCalibratedLlrsAndMostlyUnclipped) {
  // For each soft magnitude bin the observed error rate must match 1 / (1 + exp(LLR)) with
  // LLR = llr_per_soft * |soft|: the values are LLR-proportional, as a Viterbi decoder assumes.
  for (PskModulation m : {PskModulation::bpsk, PskModulation::qpsk}) {
    LinkSetup s;
    s.modulation = m;
    s.ebn0_db = 2.0;
    s.freq_offset_rs = 0.005;
    s.nbits = 400000;
    s.seed = 61;
    const LinkResult r = run_link(s);
    const auto bits = random_bits(s.nbits, s.seed);
    const double c = r.status.llr_per_soft;
    ASSERT_GT(c, 0.0);
    // Re-derive the alignment's symmetry by sign agreement, per soft, using count_errors' offset.
    size_t clipped = 0, n = 0;
    size_t err[8] = {}, tot[8] = {};
    double llr_sum[8] = {};  // sum of 1 / (1 + exp(LLR)) per bin
    const unsigned bps = bits_per_symbol(m);
    // Use the best of the symmetries on the whole stream (no slips at this SNR).
    int best_v = 0;
    size_t best_e = SIZE_MAX;
    for (int v = 0; v < (bps == 1 ? 2 : 8); ++v) {
      size_t e = 0;
      for (size_t j = 4000; j + r.offset < bits.size() && j + 1 < r.soft.size(); ++j) {
        const size_t b = j & ~size_t{1};
        int a = r.soft[bps == 1 ? j : b], bb = bps == 1 ? 0 : r.soft[b + 1];
        if (bps == 2 && (v & 4)) std::swap(a, bb);
        if (v & 1) a = -a;
        if (v & 2) bb = -bb;
        const int val = (bps == 1 || !(j & 1)) ? a : bb;
        e += (val > 0) != (bits[j + r.offset] != 0);
      }
      if (e < best_e) {
        best_e = e;
        best_v = v;
      }
    }
    for (size_t j = 4000; j + r.offset < bits.size() && j + 1 < r.soft.size(); ++j) {
      const size_t b = j & ~size_t{1};
      int a = r.soft[bps == 1 ? j : b], bb = bps == 1 ? 0 : r.soft[b + 1];
      if (bps == 2 && (best_v & 4)) std::swap(a, bb);
      if (best_v & 1) a = -a;
      if (best_v & 2) bb = -bb;
      const int val = (bps == 1 || !(j & 1)) ? a : bb;
      const int mag = std::abs(val);
      clipped += mag == 127;
      ++n;
      const int bin = std::min(7, mag / 16);
      tot[bin]++;
      llr_sum[bin] += 1.0 / (1.0 + std::exp(c * mag));  // expected error probability
      err[bin] += (val > 0) != (bits[j + r.offset] != 0);
    }
    std::printf("[soft %s] Eb/N0 2 dB, llr/soft %.4f, clipped %.2f%%\n", to_string(m), c,
                100.0 * clipped / n);
    EXPECT_LT(static_cast<double>(clipped) / n, 0.05);
    for (int bin = 0; bin < 6; ++bin) {
      if (tot[bin] < 2000) continue;
      const double pred = llr_sum[bin] / tot[bin];
      const double obs = static_cast<double>(err[bin]) / tot[bin];
      std::printf("  |soft| %3d..%3d: n %6zu, error rate %.4f, predicted %.4f\n", bin * 16,
                  bin * 16 + 15, tot[bin], obs, pred);
      EXPECT_NEAR(obs, pred, 0.15 * pred + 0.004) << to_string(m) << " bin " << bin;
    }
  }
}

}  // namespace
}  // namespace groundlink::dsp::test

namespace groundlink::dsp::test {
namespace {

TEST(DemodRobustness, ReacquiresAfterSignalLossAtANewFrequency) {
  // Signal at +0.5% Rs, then noise only (fade / loss of signal), then the signal again at
  // -1% Rs: the demodulator must drop lock, re-run acquisition and lock on the new carrier.
  PskModulatorConfig mc;
  PskModulator mod(mc);
  const auto bits = random_bits(2 * 60000, 81);
  std::vector<std::complex<float>> tx1, tx2, rx;
  mod.modulate_bits(bits.data(), 60000, tx1);
  mod.modulate_bits(bits.data() + 60000, 60000, tx2);
  ChannelConfig cc;
  cc.ebn0_db = 8.0;
  cc.freq_offset = 0.005 / 4;
  Channel a(cc);
  a.process(tx1.data(), tx1.size(), rx);
  std::vector<std::complex<float>> silence(4 * 50000, {0.0f, 0.0f});
  cc.seed = 2;
  cc.freq_offset = 0.0;
  Channel n(cc);
  n.process(silence.data(), silence.size(), rx);
  cc.seed = 3;
  cc.freq_offset = -0.01 / 4;
  Channel b(cc);
  b.process(tx2.data(), tx2.size(), rx);

  PskDemodulator demod(PskDemodConfig{});
  std::vector<soft_t> soft(demod.max_output(rx.size()));
  const size_t first = tx1.size();
  demod.process(rx.data(), first, soft.data());
  EXPECT_TRUE(demod.status().carrier_lock);
  demod.process(rx.data() + first, silence.size(), soft.data());
  EXPECT_FALSE(demod.status().carrier_lock);
  const size_t start2 = first + silence.size();
  const size_t m = demod.process(rx.data() + start2, rx.size() - start2, soft.data());
  soft.resize(m);
  EXPECT_TRUE(demod.status().carrier_lock);
  EXPECT_GE(demod.status().acquisitions, 2u);
  EXPECT_NEAR(demod.status().freq_offset, -0.01 / 4, 1e-4);
  std::vector<uint8_t> ref(bits.begin() + 60000, bits.end());
  const LinkResult r = count_errors(soft, ref, 2, 10000, 30000);
  EXPECT_LT(r.ber(), 3 * ber_theory(8.0));
}

}  // namespace
}  // namespace groundlink::dsp::test

namespace groundlink::dsp::test {
namespace {

TEST(DemodRobustness, RandomBytesAsSamplesNeitherCrashNorOverrun) {
  // A file that is not IQ at all read as cf32: NaN, Inf, denormals and values near FLT_MAX.
  std::mt19937 rng(2024);
  std::vector<std::complex<float>> x(1 << 18);
  for (auto& v : x) {
    const uint32_t a = static_cast<uint32_t>(rng()), b = static_cast<uint32_t>(rng());
    float re, im;
    std::memcpy(&re, &a, 4);
    std::memcpy(&im, &b, 4);
    v = {re, im};
  }
  // The same with only the finite values (what the IQ file source passes on: NaN/Inf -> 0).
  std::vector<std::complex<float>> finite = x;
  for (auto& v : finite)
    if (!std::isfinite(v.real()) || !std::isfinite(v.imag())) v = {0.0f, 0.0f};
  for (int pass = 0; pass < 6; ++pass) {
    const PskModulation m = pass % 3 == 0 ? PskModulation::bpsk : pass % 3 == 1 ? PskModulation::qpsk : PskModulation::oqpsk;
    const auto& x_in = pass < 3 ? x : finite;
    PskDemodConfig dc;
    dc.modulation = m;
    dc.samples_per_symbol = 4;
    dc.sample_rate_hz = 8e6;
    PskDemodulator demod(dc);
    const size_t block = pass < 3 ? 5000 : 65536;
    const size_t guard = 64;
    std::vector<soft_t> out(demod.max_output(block) + guard, 0x55);
    for (size_t i = 0; i < x_in.size(); i += block) {
      const size_t n = std::min(block, x_in.size() - i);
      const size_t k = demod.process(x_in.data() + i, n, out.data());
      ASSERT_LE(k, demod.max_output(n)) << to_string(m);
      for (size_t g = demod.max_output(block); g < out.size(); ++g) ASSERT_EQ(out[g], 0x55) << "overrun";
    }
    std::vector<soft_t> tail(demod.max_flush_output());
    EXPECT_LE(demod.flush(tail.data()), tail.size());
    if (pass < 3) {
      EXPECT_GT(demod.status().nonfinite_samples, 0u);
    }
  }
}

}  // namespace
}  // namespace groundlink::dsp::test
