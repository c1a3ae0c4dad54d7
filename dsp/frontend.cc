#include "dsp/frontend.h"

#include <liquid/liquid.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace groundlink::dsp {

namespace {
constexpr size_t kChunk = 4096;
}

void FrontEndConfig::validate() const {
  if (!(sample_rate_hz > 0.0)) throw std::invalid_argument("FrontEndConfig.sample_rate_hz must be > 0");
  if (!(dc_alpha > 0.0 && dc_alpha <= 0.1))
    throw std::invalid_argument("FrontEndConfig.dc_alpha must be in (0, 0.1]");
  if (resample_interp < 1 || resample_interp > 1024)
    throw std::invalid_argument("FrontEndConfig.resample_interp must be in [1, 1024]");
  if (resample_decim < 1 || resample_decim > 1024)
    throw std::invalid_argument("FrontEndConfig.resample_decim must be in [1, 1024]");
  if (resample_semilength < 2 || resample_semilength > 64)
    throw std::invalid_argument("FrontEndConfig.resample_semilength must be in [2, 64]");
  if (!(resample_attenuation_db >= 20.0 && resample_attenuation_db <= 120.0))
    throw std::invalid_argument("FrontEndConfig.resample_attenuation_db must be in [20, 120]");
  if (update_block < 1 || update_block > 65536)
    throw std::invalid_argument("FrontEndConfig.update_block must be in [1, 65536]");
  for (double c : doppler_poly_hz)
    if (!std::isfinite(c)) throw std::invalid_argument("FrontEndConfig.doppler_poly_hz must be finite");
}

FrontEnd::FrontEnd(const FrontEndConfig& cfg) : cfg_(cfg), nco_(cfg.update_block) {
  cfg_.validate();
  const unsigned g = std::gcd(cfg_.resample_interp, cfg_.resample_decim);
  cfg_.resample_interp /= g;
  cfg_.resample_decim /= g;
  if (cfg_.resample_interp != cfg_.resample_decim) {
    const unsigned P = cfg_.resample_interp, Q = cfg_.resample_decim;
    // Cut-off at the narrower of the two Nyquist bands, relative to the output rate.
    const float bw = P < Q ? 0.45f : 0.45f * static_cast<float>(Q) / P;
    resamp_ = rresamp_crcf_create_kaiser(P, Q, cfg_.resample_semilength, bw,
                                         static_cast<float>(cfg_.resample_attenuation_db));
    pend_.assign(Q, {0.0f, 0.0f});
  }
  work_.assign(kChunk, {0.0f, 0.0f});
  reset();
}

FrontEnd::~FrontEnd() {
  if (resamp_ != nullptr) rresamp_crcf_destroy(static_cast<rresamp_crcf>(resamp_));
}

void FrontEnd::reset() {
  nco_.reset(0.0);
  if (resamp_ != nullptr) rresamp_crcf_reset(static_cast<rresamp_crcf>(resamp_));
  pend_fill_ = 0;
  dc_ = {0.0, 0.0};
  t_ = 0.0;
}

double FrontEnd::output_rate_hz() const {
  return cfg_.sample_rate_hz * cfg_.resample_interp / cfg_.resample_decim;
}

double FrontEnd::current_shift_hz() const {
  double f = 0.0, tp = 1.0;
  for (double c : cfg_.doppler_poly_hz) {
    f += c * tp;
    tp *= t_;
  }
  return f;
}

size_t FrontEnd::max_output(size_t n) const {
  const unsigned P = cfg_.resample_interp, Q = cfg_.resample_decim;
  return (n + Q) / Q * P;
}

size_t FrontEnd::process(const std::complex<float>* in, size_t n, std::complex<float>* out) {
  size_t produced = 0;
  const double dt = 1.0 / cfg_.sample_rate_hz;
  while (n > 0) {
    const size_t m = std::min(n, kChunk);
    std::copy(in, in + m, work_.begin());
    if (cfg_.dc_block) {
      // First-order DC tracker, updated per sample in double so a long pass does not drift.
      const double a = cfg_.dc_alpha;
      for (size_t i = 0; i < m; ++i) {
        const std::complex<double> x(work_[i]);
        if (std::isfinite(x.real()) && std::isfinite(x.imag())) dc_ += a * (x - dc_);
        work_[i] = std::complex<float>(x - dc_);
      }
    }
    if (!cfg_.doppler_poly_hz.empty()) {
      // Frequency refreshed every update_block samples from the polynomial at the block centre.
      for (size_t b = 0; b < m; b += cfg_.update_block) {
        const size_t k = std::min<size_t>(cfg_.update_block, m - b);
        const double save = t_;
        t_ += 0.5 * k * dt;
        nco_.set_frequency(current_shift_hz() / cfg_.sample_rate_hz);
        t_ = save + k * dt;
        nco_.mix(work_.data() + b, work_.data() + b, k, -1);
      }
    } else {
      t_ += m * dt;
    }
    if (resamp_ == nullptr) {
      std::copy(work_.begin(), work_.begin() + static_cast<std::ptrdiff_t>(m), out + produced);
      produced += m;
    } else {
      const unsigned P = cfg_.resample_interp, Q = cfg_.resample_decim;
      for (size_t i = 0; i < m; ++i) {
        pend_[pend_fill_++] = work_[i];
        if (pend_fill_ == Q) {
          rresamp_crcf_execute(static_cast<rresamp_crcf>(resamp_), pend_.data(), out + produced);
          produced += P;
          pend_fill_ = 0;
        }
      }
    }
    in += m;
    n -= m;
  }
  return produced;
}

}  // namespace groundlink::dsp
