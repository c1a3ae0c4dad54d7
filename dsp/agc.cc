#include "dsp/agc.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>

namespace groundlink::dsp {

void AgcConfig::validate() const {
  if (block < 1 || block > 4096) throw std::invalid_argument("AgcConfig.block must be in [1, 4096]");
  if (!(rate > 0.0 && rate <= 1.0)) throw std::invalid_argument("AgcConfig.rate must be in (0, 1]");
  if (!(target_power > 0.0)) throw std::invalid_argument("AgcConfig.target_power must be > 0");
  if (!(max_gain > 0.0)) throw std::invalid_argument("AgcConfig.max_gain must be > 0");
}

size_t sanitize_samples(std::complex<float>* x, size_t n) {
  float* f = reinterpret_cast<float*>(x);
  size_t bad = 0;
  for (size_t i = 0; i < n; ++i) {
    const float a = f[2 * i], b = f[2 * i + 1];
    // |x|^2 overflowing (or NaN/Inf) makes p non-finite; 1e36 keeps downstream sums finite.
    const float p = a * a + b * b;
    if (!(p < 1e36f)) {
      f[2 * i] = 0.0f;
      f[2 * i + 1] = 0.0f;
      ++bad;
    }
  }
  return bad;
}

Agc::Agc(const AgcConfig& cfg) : cfg_(cfg), block_(select_agc_block(cfg.simd_cap)) { cfg_.validate(); }

void Agc::reset() {
  power_ = -1.0;
  gain_ = 1.0;
  nonfinite_ = 0;
}

void Agc::process(const std::complex<float>* in, std::complex<float>* out, size_t n) {
  if (in != out) std::copy(in, in + n, out);
  nonfinite_ += sanitize_samples(out, n);
  float* f = reinterpret_cast<float*>(out);
  for (size_t base = 0; base < n; base += cfg_.block) {
    const size_t m = std::min<size_t>(cfg_.block, n - base);
    float acc = 0.0f;
    for (size_t i = 2 * base; i < 2 * (base + m); ++i) acc += f[i] * f[i];
    const double p = static_cast<double>(acc) / static_cast<double>(m);
    power_ = power_ < 0.0 ? p : power_ + cfg_.rate * (p - power_);
    gain_ = power_ > 0.0 ? std::min(cfg_.max_gain, std::sqrt(cfg_.target_power / power_))
                         : cfg_.max_gain;
    const float g = static_cast<float>(gain_);
    for (size_t i = 2 * base; i < 2 * (base + m); ++i) f[i] *= g;
  }
}

void agc_block_scalar(const float* x, float* y, size_t n, float acc8[8], uint32_t* bad) {
  // Eight independent partial sums (a fixed order, so the result does not depend on the
  // machine): a single running float sum is a chain of dependent adds, one per sample, which
  // the compiler may not reorder; eight lanes vectorise and leave the adds' latency hidden.
  // Lane l takes samples i with i % 8 == l.
  constexpr size_t kLanes = 8;
  uint32_t nbad = 0;
  for (size_t i = 0; i < n; ++i) {
    float a = x[2 * i], b = x[2 * i + 1];
    const float p = a * a + b * b;
    const bool ok = p < 1e36f;  // false for NaN, Inf and float-overflowing power
    a = ok ? a : 0.0f;
    b = ok ? b : 0.0f;
    nbad += ok ? 0u : 1u;
    acc8[i % kLanes] += ok ? p : 0.0f;
    y[2 * i] = a;
    y[2 * i + 1] = b;
  }
  *bad = nbad;
}

AgcBlockFn select_agc_block(SimdLevel cap) {
  const int level = static_cast<int>(usable_simd_level(cap));
  return level >= static_cast<int>(SimdLevel::avx2) ? agc_block_avx2 : agc_block_scalar;
}

float Agc::update_block(const std::complex<float>* in, std::complex<float>* out, size_t n) {
  float acc8[8] = {};
  uint32_t bad = 0;
  block_(reinterpret_cast<const float*>(in), reinterpret_cast<float*>(out), n, acc8, &bad);
  float acc = 0.0f;
  for (size_t l = 0; l < 8; ++l) acc += acc8[l];
  nonfinite_ += bad;
  const double p = static_cast<double>(acc) / static_cast<double>(n);
  power_ = power_ < 0.0 ? p : power_ + cfg_.rate * (p - power_);
  gain_ = power_ > 0.0 ? std::min(cfg_.max_gain, std::sqrt(cfg_.target_power / power_))
                       : cfg_.max_gain;
  return static_cast<float>(gain_);
}

}  // namespace groundlink::dsp
