#include "dsp/rrc.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "dsp/cpu_features.h"

namespace groundlink::dsp {

double rrc_impulse(double t, double alpha) {
  constexpr double kPi = 3.14159265358979323846;
  if (std::fabs(t) < 1e-9) return 1.0 - alpha + 4.0 * alpha / kPi;
  const double x = 4.0 * alpha * t;
  if (std::fabs(std::fabs(x) - 1.0) < 1e-9) {
    return alpha / std::sqrt(2.0) *
           ((1.0 + 2.0 / kPi) * std::sin(kPi / (4.0 * alpha)) +
            (1.0 - 2.0 / kPi) * std::cos(kPi / (4.0 * alpha)));
  }
  return (std::sin(kPi * t * (1.0 - alpha)) + x * std::cos(kPi * t * (1.0 + alpha))) /
         (kPi * t * (1.0 - x * x));
}

std::vector<float> rrc_taps(unsigned sps, double alpha, unsigned span_symbols) {
  if (sps < 1) throw std::invalid_argument("rrc_taps: sps must be >= 1");
  if (!(alpha > 0.0 && alpha <= 1.0))
    throw std::invalid_argument("rrc_taps: alpha must be in (0, 1]");
  const int half = static_cast<int>(span_symbols * sps / 2);
  std::vector<double> h(2 * half + 1);
  double energy = 0.0;
  for (int i = -half; i <= half; ++i) {
    h[i + half] = rrc_impulse(static_cast<double>(i) / sps, alpha);
    energy += h[i + half] * h[i + half];
  }
  const double g = 1.0 / std::sqrt(energy);
  std::vector<float> out(h.size());
  for (size_t i = 0; i < h.size(); ++i) out[i] = static_cast<float>(h[i] * g);
  return out;
}

PolyphaseRrcBank::PolyphaseRrcBank(unsigned sps, double alpha, unsigned span_symbols,
                                   unsigned phases)
    : phases_(phases), half_(span_symbols * sps / 2) {
  if (phases < 1) throw std::invalid_argument("PolyphaseRrcBank: phases must be >= 1");
  const size_t ntaps = 2 * half_ + 1;
  stride_ = (2 * ntaps + 7) / 8 * 8;
  taps_.assign(stride_ * phases, 0.0f);
  // Unit energy of the sample-rate (phase 0) filter; all phases share the normalisation.
  double energy = 0.0;
  for (int i = -static_cast<int>(half_); i <= static_cast<int>(half_); ++i) {
    const double v = rrc_impulse(static_cast<double>(i) / sps, alpha);
    energy += v * v;
  }
  const double g = 1.0 / std::sqrt(energy);
  for (unsigned p = 0; p < phases; ++p) {
    float* dst = taps_.data() + p * stride_;
    for (size_t i = 0; i < ntaps; ++i) {
      const double tau = (static_cast<double>(half_) - static_cast<double>(i) +
                          static_cast<double>(p) / phases) / sps;
      const float v = static_cast<float>(rrc_impulse(tau, alpha) * g);
      dst[2 * i] = v;
      dst[2 * i + 1] = v;
    }
  }
}

void PolyphaseRrcBank::apply(const float* x, unsigned p, float out[2]) const {
  static const DotIqDupFn fn = select_dot_iq_dup();
  fn(x, phase(p), stride_, out);
}

void dot_iq_dup_scalar(const float* x, const float* taps, size_t nfloats, float out[2]) {
  // Two interleaved 8-lane accumulators (even / odd groups of 8) halve the add-latency chain.
  float a0[8] = {0, 0, 0, 0, 0, 0, 0, 0}, a1[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  size_t i = 0;
  for (; i + 16 <= nfloats; i += 16) {
    for (int l = 0; l < 8; ++l) a0[l] = a0[l] + x[i + l] * taps[i + l];
    for (int l = 0; l < 8; ++l) a1[l] = a1[l] + x[i + 8 + l] * taps[i + 8 + l];
  }
  if (i < nfloats) {
    for (int l = 0; l < 8; ++l) a0[l] = a0[l] + x[i + l] * taps[i + l];
  }
  float acc[8];
  for (int l = 0; l < 8; ++l) acc[l] = a0[l] + a1[l];
  out[0] = (acc[0] + acc[4]) + (acc[2] + acc[6]);
  out[1] = (acc[1] + acc[5]) + (acc[3] + acc[7]);
}

void dot2_iq_dup_scalar(const float* xa, const float* ta, const float* xb, const float* tb,
                        size_t nfloats, float out[4]) {
  dot_iq_dup_scalar(xa, ta, nfloats, out);
  dot_iq_dup_scalar(xb, tb, nfloats, out + 2);
}

Dot2IqDupFn select_dot2_iq_dup(SimdLevel cap) {
  const int level = static_cast<int>(usable_simd_level(cap));
  if (level >= static_cast<int>(SimdLevel::avx2))
    return dot2_iq_dup_avx2;
  return dot2_iq_dup_scalar;
}

DotIqDupFn select_dot_iq_dup(SimdLevel cap) {
  const int level = static_cast<int>(usable_simd_level(cap));
  if (level >= static_cast<int>(SimdLevel::avx2))
    return dot_iq_dup_avx2;
  return dot_iq_dup_scalar;
}

}  // namespace groundlink::dsp
