// Root-raised-cosine pulse design and the polyphase matched-filter bank used by the PSK
// modulator and demodulator (CCSDS 401.0-B §2.4.17A: RRC shaping with roll-off 0.35 or 0.5).
#pragma once

#include <cstddef>
#include <vector>

#include "dsp/cpu_features.h"

namespace groundlink::dsp {

/// Continuous RRC impulse response at time t (in symbols), roll-off alpha in (0, 1].
/// Peak value 1 - alpha + 4 alpha / pi at t = 0; the two removable singularities are handled.
double rrc_impulse(double t, double alpha);

/// RRC taps at `sps` samples per symbol spanning `span_symbols` symbols (2 * span*sps/2 + 1 taps,
/// symmetric), normalised to unit energy so that the transmit-filter / matched-filter cascade has
/// unit gain at the symbol instant and white noise keeps its per-sample variance.
std::vector<float> rrc_taps(unsigned sps, double alpha, unsigned span_symbols);

/// Polyphase bank of a unit-energy RRC matched filter: `phases` fractional delays of one sample,
/// each stored with its taps duplicated (h0,h0,h1,h1,...) and zero-padded to a multiple of 8
/// floats so one phase dots directly against interleaved I/Q samples.
///
/// For a sample position t = n + p/phases the filter output is
///   y(t) = sum_i x[n - half + i] * h(half - i + p/phases),  i = 0 .. taps-1,
/// i.e. it reads `half` samples before and after n (the caller keeps that history / look-ahead).
class PolyphaseRrcBank {
 public:
  PolyphaseRrcBank(unsigned sps, double alpha, unsigned span_symbols, unsigned phases);

  unsigned phases() const { return phases_; }
  /// Samples read on each side of the centre sample.
  unsigned half() const { return half_; }
  /// Floats per phase (2 * padded taps), a multiple of 8.
  size_t stride() const { return stride_; }
  const float* phase(unsigned p) const { return taps_.data() + p * stride_; }

  /// Matched-filter output at t = n + p/phases; x points at interleaved I/Q sample n - half.
  void apply(const float* x, unsigned p, float out[2]) const;

 private:
  unsigned phases_;
  unsigned half_;
  size_t stride_;
  std::vector<float> taps_;
};

/// Interleaved complex (I,Q float pairs) dot product with duplicated real taps. Summation order
/// (shared by all kernels so they are bit-identical): two 8-lane accumulators take alternate
/// groups of 8 floats, are added lane-wise, and reduced as ((l0+l4)+(l2+l6), (l1+l5)+(l3+l7)).
/// `nfloats` is a multiple of 8.
void dot_iq_dup_scalar(const float* x, const float* taps, size_t nfloats, float out[2]);
void dot_iq_dup_avx2(const float* x, const float* taps, size_t nfloats, float out[2]);

using DotIqDupFn = void (*)(const float*, const float*, size_t, float[2]);
/// The widest kernel allowed by default_simd_level() and `cap`.
DotIqDupFn select_dot_iq_dup(SimdLevel cap = SimdLevel::avx512);

/// Two dot products in one call (the demodulator's mid-symbol and on-time filter outputs):
/// out[0..1] = dot(xa, ta), out[2..3] = dot(xb, tb), each bit-identical to dot_iq_dup_scalar.
/// One call and one shared reduction instead of two.
void dot2_iq_dup_scalar(const float* xa, const float* ta, const float* xb, const float* tb,
                        size_t nfloats, float out[4]);
void dot2_iq_dup_avx2(const float* xa, const float* ta, const float* xb, const float* tb,
                      size_t nfloats, float out[4]);
using Dot2IqDupFn = void (*)(const float*, const float*, const float*, const float*, size_t, float[4]);
Dot2IqDupFn select_dot2_iq_dup(SimdLevel cap = SimdLevel::avx512);

}  // namespace groundlink::dsp
