#include "dsp/frontend.h"

#include <liquid/liquid.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

namespace groundlink::dsp {

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
  if (!std::isfinite(doppler_time_offset_s))
    throw std::invalid_argument("FrontEndConfig.doppler_time_offset_s must be finite");
  if (!doppler_poly_hz.empty() && !doppler_table.empty())
    throw std::invalid_argument("FrontEndConfig: set doppler_poly_hz or doppler_table, not both");
  for (size_t i = 0; i < doppler_table.size(); ++i) {
    const auto& [t, f] = doppler_table[i];
    if (!std::isfinite(t) || !std::isfinite(f))
      throw std::invalid_argument("FrontEndConfig.doppler_table[" + std::to_string(i) + "] must be finite");
    if (i > 0 && !(t > doppler_table[i - 1].first))
      throw std::invalid_argument("FrontEndConfig.doppler_table[" + std::to_string(i) +
                                  "]: times must be strictly increasing");
  }
}

FrontEnd::FrontEnd(const FrontEndConfig& cfg) : cfg_(cfg), nco_(cfg.update_block) {
  cfg_.validate();
  const unsigned g = std::gcd(cfg_.resample_interp, cfg_.resample_decim);
  cfg_.resample_interp /= g;
  cfg_.resample_decim /= g;
  if (cfg_.resample_interp != cfg_.resample_decim) {
    const unsigned P = cfg_.resample_interp, Q = cfg_.resample_decim;
    // Cut-off at 90% of the narrower of the two Nyquist bands. liquid's _bw is relative to the
    // INPUT rate (measured: a P=16/Q=7 filter with bw 0.197 passes tones only up to 0.2 fs_in), so
    // interpolation keeps 0.45 fs_in and decimation cuts at 0.45 fs_out = 0.45 P/Q fs_in.
    const float bw = P < Q ? 0.45f * static_cast<float>(P) / Q : 0.45f;
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
  upd_pos_ = 0;
  dc_ = {0.0, 0.0};
  t_ = 0.0;
  table_pos_ = 0;
}

double FrontEnd::output_rate_hz() const {
  return cfg_.sample_rate_hz * cfg_.resample_interp / cfg_.resample_decim;
}

double FrontEnd::current_shift_hz() const {
  size_t pos = table_pos_;
  return prediction_at(t_, pos);
}

double FrontEnd::shift_at(double t) { return prediction_at(t, table_pos_); }

double FrontEnd::prediction_at(double t, size_t& pos) const {
  const auto& tab = cfg_.doppler_table;
  if (tab.empty()) {
    double f = 0.0, tp = 1.0;
    for (double c : cfg_.doppler_poly_hz) {
      f += c * tp;
      tp *= t;
    }
    return f;
  }
  // Time moves forward between resets: walk the segment index from where it was.
  while (pos > 0 && t < tab[pos].first) --pos;
  while (pos + 1 < tab.size() && t >= tab[pos + 1].first) ++pos;
  if (t <= tab.front().first) return tab.front().second;
  if (pos + 1 >= tab.size()) return tab.back().second;
  const auto& a = tab[pos];
  const auto& b = tab[pos + 1];
  return a.second + (b.second - a.second) * (t - a.first) / (b.first - a.first);
}

size_t FrontEnd::max_output(size_t n) const {
  const unsigned P = cfg_.resample_interp, Q = cfg_.resample_decim;
  return (n + Q) / Q * P;
}

size_t FrontEnd::flush_input() const {
  // The resampler delays by its semi-length in input samples (liquid rresamp: output k is input
  // time k Q / P - m, measured): that much input, plus what completes the pending P/Q block.
  if (resamp_ == nullptr) return 0;
  return cfg_.resample_semilength + 2 * cfg_.resample_decim;
}

size_t FrontEnd::flush(std::complex<float>* out) {
  const size_t tail = flush_input();
  if (tail == 0) return 0;
  const std::vector<std::complex<float>> zeros(tail);  // once, at the end of a stream
  return process(zeros.data(), zeros.size(), out);
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
    if (!cfg_.doppler_poly_hz.empty() || !cfg_.doppler_table.empty()) {
      // Frequency refreshed every update_block samples (counted from reset()) from the
      // prediction at the block centre.
      const size_t ub = cfg_.update_block;
      for (size_t b = 0; b < m;) {
        if (upd_pos_ == 0) nco_.set_frequency(shift_at(t_ + 0.5 * ub * dt) / cfg_.sample_rate_hz);
        const size_t k = std::min(ub - upd_pos_, m - b);
        nco_.mix(work_.data() + b, work_.data() + b, k, -1);
        upd_pos_ = (upd_pos_ + k) % ub;
        b += k;
        if (upd_pos_ == 0) t_ += ub * dt;
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
