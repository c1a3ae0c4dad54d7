// Block automatic gain control: the mean power of each block of `block` samples updates a
// first-order average, and the block is scaled by 1/sqrt(average). Feed-forward per block so the
// hot loop vectorises; the demodulator normalises symbol amplitude again after the matched filter.
#pragma once

#include <complex>
#include <cstddef>
#include <cstdint>

#include "dsp/cpu_features.h"

namespace groundlink::dsp {

struct AgcConfig {
  unsigned block = 64;        ///< samples per gain update, 1..4096
  double rate = 0.05;         ///< averaging weight of each new block power, (0, 1]
  double target_power = 1.0;  ///< output mean power, > 0
  double max_gain = 1e6;      ///< gain limit (silence / zeroed input), > 0
  /// Widest SIMD kernel used (also capped by GROUNDLINK_SIMD); all kernels give identical output.
  SimdLevel simd_cap = SimdLevel::avx512;
  void validate() const;
};

/// Sanitize-and-measure kernel of Agc::update_block: copies n interleaved I/Q samples x -> y
/// with non-finite ones (or ones whose power overflows float) replaced by 0, adds each sample's
/// power a*a + b*b (multiplies then add, no fused multiply-add) to acc8[i % 8] in sample order,
/// and stores the replaced count in *bad. Every kernel gives bit-identical results.
using AgcBlockFn = void (*)(const float* x, float* y, size_t n, float acc8[8], uint32_t* bad);
void agc_block_scalar(const float* x, float* y, size_t n, float acc8[8], uint32_t* bad);
void agc_block_avx2(const float* x, float* y, size_t n, float acc8[8], uint32_t* bad);
AgcBlockFn select_agc_block(SimdLevel cap = SimdLevel::avx512);

class Agc {
 public:
  explicit Agc(const AgcConfig& cfg = {});
  void reset();
  /// Scales in -> out (may alias); non-finite samples are replaced by 0 and counted.
  void process(const std::complex<float>* in, std::complex<float>* out, size_t n);
  /// One block (n <= config block): copies in -> out replacing non-finite samples by 0, updates
  /// the average power and returns the gain for this block without applying it (the caller
  /// folds it into its next multiply, e.g. the NCO rotator).
  float update_block(const std::complex<float>* in, std::complex<float>* out, size_t n);
  unsigned block() const { return cfg_.block; }
  double gain() const { return gain_; }
  uint64_t nonfinite_samples() const { return nonfinite_; }

 private:
  AgcConfig cfg_;
  AgcBlockFn block_;
  double power_ = -1.0;  // < 0: no estimate yet
  double gain_ = 1.0;
  uint64_t nonfinite_ = 0;
};

/// Replaces NaN/Inf samples (and samples whose power overflows float) by 0 in place; returns
/// how many were replaced. A zero contributes nothing to the filters and loops downstream.
size_t sanitize_samples(std::complex<float>* x, size_t n);

}  // namespace groundlink::dsp
