// Moment-based (M2M4) Es/N0 estimator for constant-modulus symbols in complex Gaussian noise
// (Pauluzzi & Beaulieu, IEEE Trans. Commun. 48(10), 2000): S = sqrt(2 M2^2 - M4), N = M2 - S.
// Needs no decisions or carrier lock, so it stays unbiased at low SNR where decision-directed
// estimators read high.
#pragma once

#include <complex>
#include <cstdint>

namespace groundlink::dsp {

class M2M4Estimator {
 public:
  /// `alpha`: exponential averaging weight per symbol, (0, 1].
  explicit M2M4Estimator(double alpha = 1.0 / 2048.0);
  void reset() { m2_ = m4_ = 0.0; count_ = 0; }
  void update(std::complex<float> z) {
    update_power(static_cast<double>(z.real()) * z.real() + static_cast<double>(z.imag()) * z.imag());
  }
  void update_power(double p) {
    if (count_ < warmup_) {
      // Plain sums first so the first estimates are not biased toward zero; then an
      // exponential average of the same length.
      m2_ += p;
      m4_ += p * p;
      if (++count_ == warmup_) {
        m2_ /= warmup_;
        m4_ /= warmup_;
      }
      return;
    }
    m2_ += alpha_ * (p - m2_);
    m4_ += alpha_ * (p * p - m4_);
  }
  /// Same as update() for each of n symbols given as powers |z|^2, with the exponential average
  /// taken per block: m <- (1-alpha)^n m + sum_i alpha (1-alpha)^(n-1-i) p_i (equal to the
  /// per-symbol recursion up to rounding). Blocks straddling the warm-up go symbol by symbol.
  void update_block(const float* p, size_t n);
  /// Signal power per symbol (same units as |z|^2); 0 before the first update.
  double signal() const;
  double noise() const { return moment2() - signal(); }
  /// Es/N0 as a ratio; capped to [1e-3, 1e6] so callers can take its log.
  double esn0() const;
  double count() const { return count_; }

 private:
  double moment2() const { return count_ >= warmup_ ? m2_ : (count_ ? m2_ / count_ : 0.0); }
  double moment4() const { return count_ >= warmup_ ? m4_ : (count_ ? m4_ / count_ : 0.0); }
  static constexpr size_t kBlock = 32;  // block length with precomputed weights
  double alpha_;
  uint32_t warmup_;
  double w_[kBlock];   // alpha (1-alpha)^(kBlock-1-i)
  double decay_;       // (1-alpha)^kBlock
  double m2_ = 0.0, m4_ = 0.0;
  uint32_t count_ = 0;
};

}  // namespace groundlink::dsp
