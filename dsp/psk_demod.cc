#include "dsp/psk_demod.h"

#include <liquid/liquid.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace groundlink::dsp {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kTwoPi = 2.0 * kPi;

// Raised-cosine (RRC * RRC) pulse, t in symbols.
double raised_cosine(double t, double a) {
  const double s = std::fabs(t) < 1e-12 ? 1.0 : std::sin(kPi * t) / (kPi * t);
  const double d = 1.0 - 4.0 * a * a * t * t;
  if (std::fabs(d) < 1e-9) return kPi / 4.0 * (std::fabs(t) < 1e-12 ? 1.0 : std::sin(kPi / (2.0 * a)) / (kPi / (2.0 * a)));
  return s * std::cos(kPi * a * t) / d;
}

// Mean Gardner error E[Re{(y_k - y_{k-1}) y*_{k-1/2}}] for unit-power random symbols sampled
// tau symbols late (Gardner, IEEE Trans. Commun. 34(5), 1986).
double gardner_scurve(double tau, double a) {
  double e = 0.0;
  for (int m = -64; m <= 64; ++m)
    e += (raised_cosine(m + tau, a) - raised_cosine(m - 1 + tau, a)) * raised_cosine(m - 0.5 + tau, a);
  return e;
}

// Branch-free: the signs of noisy symbols are random, and a mispredicted branch per decision
// would cost more than the whole detector.
inline float sgn(float x) { return std::copysign(1.0f, x); }

inline soft_t to_soft(float v) {
  v = std::min(127.0f, std::max(-127.0f, v));
  return static_cast<soft_t>(static_cast<int>(v + std::copysign(0.5f, v)));
}

}  // namespace

void PskDemodConfig::validate() const {
  if (samples_per_symbol < 2 || samples_per_symbol > 8)
    throw std::invalid_argument("PskDemodConfig.samples_per_symbol must be in [2, 8]");
  if (modulation == PskModulation::oqpsk && samples_per_symbol % 2 != 0)
    throw std::invalid_argument("PskDemodConfig.samples_per_symbol must be even for OQPSK");
  if (!(rolloff > 0.0 && rolloff <= 1.0))
    throw std::invalid_argument("PskDemodConfig.rolloff must be in (0, 1]");
  if (filter_span_symbols < 4 || filter_span_symbols > 32)
    throw std::invalid_argument("PskDemodConfig.filter_span_symbols must be in [4, 32]");
  if (filter_phases < 8 || filter_phases > 256)
    throw std::invalid_argument("PskDemodConfig.filter_phases must be in [8, 256]");
  if (!(carrier_loop_bw > 0.0 && carrier_loop_bw <= 0.05))
    throw std::invalid_argument("PskDemodConfig.carrier_loop_bw must be in (0, 0.05]");
  if (carrier_loop_order != 2 && carrier_loop_order != 3)
    throw std::invalid_argument("PskDemodConfig.carrier_loop_order must be 2 or 3");
  if (!(timing_loop_bw > 0.0 && timing_loop_bw <= 0.02))
    throw std::invalid_argument("PskDemodConfig.timing_loop_bw must be in (0, 0.02]");
  if (!(timing_damping > 0.1 && timing_damping <= 4.0))
    throw std::invalid_argument("PskDemodConfig.timing_damping must be in (0.1, 4]");
  if (!(max_clock_offset > 0.0 && max_clock_offset <= 0.05))
    throw std::invalid_argument("PskDemodConfig.max_clock_offset must be in (0, 0.05]");
  if (fft_size < 256 || fft_size > 65536 || (fft_size & (fft_size - 1)) != 0)
    throw std::invalid_argument("PskDemodConfig.fft_size must be a power of two in [256, 65536]");
  if (acq_symbols > (1u << 20))
    throw std::invalid_argument("PskDemodConfig.acq_symbols must be in [0, 1048576]");
  const double m = modulation == PskModulation::bpsk ? 2.0 : 4.0;
  const double max_range = 0.45 / m * samples_per_symbol;
  if (!(acq_range > 0.0 && acq_range < max_range))
    throw std::invalid_argument("PskDemodConfig.acq_range must be in (0, 0.45*sps/M) of Rs");
  if (!(freq_handover >= 0.0 && freq_handover <= 0.1))
    throw std::invalid_argument("PskDemodConfig.freq_handover must be in [0, 0.1]");
  if (!(soft_margin_sigma >= 0.0 && soft_margin_sigma <= 10.0))
    throw std::invalid_argument("PskDemodConfig.soft_margin_sigma must be in [0, 10]");
  if (!(code_rate > 0.0 && code_rate <= 1.0))
    throw std::invalid_argument("PskDemodConfig.code_rate must be in (0, 1]");
  if (!(sample_rate_hz >= 0.0))
    throw std::invalid_argument("PskDemodConfig.sample_rate_hz must be >= 0");
}

PskDemodulator::PskDemodulator(const PskDemodConfig& cfg)
    : cfg_((cfg.validate(), cfg)),
      M_(cfg.modulation == PskModulation::bpsk ? 2 : 4),
      bits_(bits_per_symbol(cfg.modulation)),
      bank_(cfg.samples_per_symbol, cfg.rolloff, cfg.filter_span_symbols, cfg.filter_phases),
      dot_(select_dot_iq_dup(cfg.simd_cap)),
      dot2_(select_dot2_iq_dup(cfg.simd_cap)),
      scale_softs_(select_scale_softs(cfg.simd_cap)),
      agc_([&cfg] {
        AgcConfig a;
        a.simd_cap = cfg.simd_cap;
        return a;
      }()),
      nco_(256, cfg.simd_cap),
      snr_(1.0 / 8192.0) {
  const unsigned sps = cfg_.samples_per_symbol;
  const size_t hist = 2 * bank_.half() + 4 * sps + 16;
  buf_.assign(2 * (kChunk + hist) + bank_.stride() + 16, 0.0f);
  buf_capacity_ = kChunk + hist;
  stage_.assign(kChunk, {0.0f, 0.0f});
  // One anchor per chunk: a call of n samples holds at most n / kChunk + 2 chunks; callers
  // (the GNU Radio block) pass at most 64k samples, and beyond the reserve anchors are skipped.
  anchors_.reserve(64 + 2);

  if (cfg_.acq_symbols > 0) {
    const size_t n = cfg_.fft_size;
    const size_t want = static_cast<size_t>(cfg_.acq_symbols) * sps;
    const size_t blocks = std::max<size_t>(1, (want + n - 1) / n);
    acq_buf_.assign(blocks * n + 2 * bank_.half() + bank_.stride() / 2 + 2, {0.0f, 0.0f});
    fft_in_.assign(n, {0.0f, 0.0f});
    fft_out_.assign(n, {0.0f, 0.0f});
    fft_pow_.assign(n, 0.0f);
    pow_a_.assign(n, 0.0f);
    pow_b_.assign(n, 0.0f);
    fft_plan_ = fft_create_plan(static_cast<unsigned>(n), fft_in_.data(), fft_out_.data(),
                                LIQUID_FFT_FORWARD, 0);
  }

  // Timing detector slope per sample of error (central difference of the S-curve).
  const double d = 0.01;
  ted_gain_ = (gardner_scurve(d, cfg_.rolloff) - gardner_scurve(-d, cfg_.rolloff)) / (2.0 * d) / sps;
  double mid = 0.0;
  for (int m = -64; m <= 64; ++m) mid += std::pow(raised_cosine(m + 0.5, cfg_.rolloff), 2);
  ted_contrast_ = (1.0 - mid) / (1.0 + mid);
  {
    const double a = 1.0 / 512.0;  // lock detector averaging per symbol
    for (unsigned j = 0; j < kBlock; ++j) blk_w_[j] = static_cast<float>(a * std::pow(1.0 - a, kBlock - 1 - j));
    blk_decay_ = static_cast<float>(std::pow(1.0 - a, kBlock));
  }

  // Second-order loop gains per update (Gardner, "Phaselock Techniques"; the standard
  // bilinear mapping of a PI filter): theta = BnT / (zeta + 1/(4 zeta)).
  {
    const double z = cfg_.timing_damping;
    const double th = cfg_.timing_loop_bw / (z + 1.0 / (4.0 * z));
    const double den = 1.0 + 2.0 * z * th + th * th;
    tk1_ = static_cast<float>(4.0 * z * th / den / ted_gain_);
    tk2_ = static_cast<float>(4.0 * th * th / den / ted_gain_);
  }
  if (cfg_.carrier_loop_order == 2) {
    const double z = 0.7071;
    const double th = cfg_.carrier_loop_bw / (z + 1.0 / (4.0 * z));
    const double den = 1.0 + 2.0 * z * th + th * th;
    ck1_ = static_cast<float>(4.0 * z * th / den);
    ck2_ = static_cast<float>(4.0 * th * th / den);
    ck3_ = 0.0f;
  } else {
    // Third-order loop (Kaplan & Hegarty, "Understanding GPS", Table 5.6): Bn = 0.7845 w0,
    // F(s) = 2.4 w0 + 1.1 w0^2 / s + w0^3 / s^2; follows a frequency ramp with zero phase lag.
    const double w0 = cfg_.carrier_loop_bw / 0.7845;
    ck1_ = static_cast<float>(2.4 * w0);
    ck2_ = static_cast<float>(1.1 * w0 * w0);
    ck3_ = static_cast<float>(w0 * w0 * w0);
  }
  reset();
}

PskDemodulator::~PskDemodulator() {
  if (fft_plan_ != nullptr) fft_destroy_plan(static_cast<fftplan>(fft_plan_));
}

void PskDemodulator::reset() {
  agc_.reset();
  nco_.set_frequency(0.0);
  nco_.reset(0.0);
  std::fill(buf_.begin(), buf_.end(), 0.0f);
  stage_fill_ = 0;
  acquiring_ = cfg_.acq_symbols > 0;
  acq_fill_ = 0;
  acq_integrated_ = 0;
  in_count_ = 0;
  acq_start_abs_ = 0;
  timing_hint_ = -1.0;
  status_ = PskDemodStatus{};
  status_.acquiring = acquiring_;
  total_symbols_ = 0;
  reset_loops();
}

void PskDemodulator::reset_loops() {
  fill_ = 0;
  period_ = cfg_.samples_per_symbol;
  t_ = bank_.half() + period_ + 1.0;
  theta_re_ = 1.0f;
  theta_im_ = 0.0f;
  omega_ = 0.0f;
  omega_rate_ = 0.0f;
  e_t_pend_ = dth_pend_ = 0.0f;
  sym_power_ = -1.0f;
  prev_on_re_ = prev_on_im_ = 0.0f;
  prev_mid_im_ = 0.0f;
  have_prev_i_ = false;
  prev_i_out_ = 0.0f;
  lock_c_ = lock_den_ = lock_on_ = lock_mid_ = 0.0f;
  blk_nsoft_ = blk_emitted_ = 0;
  snr_.reset();
  soft_k_ = 40.0f;
  llr_per_soft_ = 0.0;
  kd_c_ = kd_t_ = 1.0f;
  track_symbols_ = 0;
  unlocked_run_ = 0;
  status_.carrier_lock = status_.timing_lock = false;
}

size_t PskDemodulator::max_output(size_t n) const {
  const double min_period = cfg_.samples_per_symbol * (1.0 - cfg_.max_clock_offset);
  return bits_ * (static_cast<size_t>(std::ceil((n + kChunk) / min_period)) + 2);
}

size_t PskDemodulator::process(const std::complex<float>* in, size_t n, soft_t* out) {
  size_t produced = 0;
  anchors_.clear();
  if (stage_fill_ > 0) {
    const size_t k = std::min(n, kChunk - stage_fill_);
    std::copy(in, in + k, stage_.begin() + static_cast<std::ptrdiff_t>(stage_fill_));
    stage_fill_ += k;
    in += k;
    n -= k;
    if (stage_fill_ < kChunk) return 0;
    produced += process_chunk(stage_.data(), kChunk, out);
    add_anchor(0);
    stage_fill_ = 0;
  }
  // Whole chunks straight from the caller's buffer; the remainder waits in stage_.
  for (; n >= kChunk; in += kChunk, n -= kChunk) {
    const size_t k = process_chunk(in, kChunk, out + produced);
    add_anchor(produced);
    produced += k;
  }
  if (n > 0) {
    std::copy(in, in + n, stage_.begin());
    stage_fill_ = n;
  }
  return produced;
}

size_t PskDemodulator::flush(soft_t* out) {
  size_t produced = 0;
  anchors_.clear();
  if (stage_fill_ > 0) {
    produced += process_chunk(stage_.data(), stage_fill_, out);
    add_anchor(0);
    stage_fill_ = 0;
  }
  // Zeros for the matched filter's half length and the interpolator's look-ahead.
  const size_t tail = static_cast<size_t>(cfg_.filter_span_symbols / 2 + 2) * cfg_.samples_per_symbol;
  std::fill(stage_.begin(), stage_.begin() + static_cast<std::ptrdiff_t>(tail), std::complex<float>(0.0f, 0.0f));
  const size_t k = process_chunk(stage_.data(), tail, out + produced);
  add_anchor(produced);
  return produced + k;
}

size_t PskDemodulator::process_chunk(const std::complex<float>* in, size_t n, soft_t* out) {
  size_t produced = 0;
  chunk_first_sample_ = -1.0;
  while (n > 0) {
    const size_t m = std::min(n, kChunk);
    // Tracking keeps at most a filter history ahead of each chunk; anything else means the loop
    // state went wrong (it must never write past the buffer): start the loops over.
    if (fill_ + m > buf_capacity_) {
      status_.loop_resets++;
      reset_loops();
    }
    auto* dst = reinterpret_cast<std::complex<float>*>(buf_.data()) + fill_;
    // Sanitize + AGC + NCO in two passes per AGC block, the gain folded into the rotator.
    const size_t ab = agc_.block();
    for (size_t b = 0; b < m; b += ab) {
      const size_t k = std::min(ab, m - b);
      const float gain = agc_.update_block(in + b, dst + b, k);
      nco_.mix_down_scaled(dst + b, k, gain);
    }
    in += m;
    n -= m;
    const uint64_t chunk_start = in_count_;
    in_count_ += m;
    if (acquiring_) {
      if (acq_fill_ == 0) acq_start_abs_ = chunk_start;
      const size_t cap = acq_buf_.size();
      const size_t k = std::min(m, cap - acq_fill_);
      std::copy(dst, dst + k, acq_buf_.begin() + static_cast<std::ptrdiff_t>(acq_fill_));
      acq_fill_ += k;
      if (acq_fill_ == cap) run_acquisition();
      continue;
    }
    if (fill_ == 0 && timing_hint_ >= 0.0) {
      // First tracking chunk after acquisition: start on the symbol phase measured there.
      const double sps = cfg_.samples_per_symbol;
      const double t_min = bank_.half() + period_ + 1.0;
      double rel = std::fmod(timing_hint_ - static_cast<double>(chunk_start % cfg_.samples_per_symbol) - t_min, sps);
      if (rel < 0.0) rel += sps;
      t_ = t_min + rel;
      timing_hint_ = -1.0;
    }
    fill_ += m;
    // buf_[0] is input sample in_count_ - fill_; the next symbol is on time at t_ in buf_.
    const double next_on_time = static_cast<double>(in_count_ - fill_) + t_;
    const size_t k = run_symbols(out + produced);
    if (k > 0 && chunk_first_sample_ < 0.0) chunk_first_sample_ = next_on_time;
    produced += k;
    // Keep the matched filter's history for the next mid-symbol sample.
    const double keep = t_ - period_ - bank_.half() - 4.0;
    if (keep > 0.0) {
      const size_t k0 = static_cast<size_t>(keep);
      std::memmove(buf_.data(), buf_.data() + 2 * k0, 2 * (fill_ - k0) * sizeof(float));
      fill_ -= k0;
      t_ -= static_cast<double>(k0);
    }
    handover_frequency();
  }
  status_.nonfinite_samples = agc_.nonfinite_samples();
  status_.acquiring = acquiring_;
  const double f_sym = static_cast<double>(omega_) / kTwoPi / period_;
  status_.freq_offset = nco_.frequency() + f_sym;
  status_.freq_offset_hz = status_.freq_offset * cfg_.sample_rate_hz;
  status_.clock_offset_ppm = (period_ / cfg_.samples_per_symbol - 1.0) * 1e6;
  const double esn0 = snr_.esn0();
  status_.esn0_db = 10.0 * std::log10(esn0);
  status_.ebn0_db = status_.esn0_db - 10.0 * std::log10(bits_ * cfg_.code_rate);
  status_.llr_per_soft = llr_per_soft_;
  status_.carrier_lock_metric = lock_den_ > 0.0f ? lock_c_ / lock_den_ : 0.0;
  status_.timing_lock_metric = (lock_on_ + lock_mid_) > 0.0f ? (lock_on_ - lock_mid_) / (lock_on_ + lock_mid_) : 0.0;
  return produced;
}

void PskDemodulator::run_acquisition() {
  const size_t n = cfg_.fft_size;
  const unsigned half = bank_.half();
  const size_t blocks = (acq_buf_.size() - 2 * half - bank_.stride() / 2 - 2) / n;
  // After a search without a line, the next one adds to the same spectra (longer
  // non-coherent integration for weak signals), up to 8 searches.
  if (acq_integrated_ == 0 || acq_integrated_ >= 8) {
    std::fill(fft_pow_.begin(), fft_pow_.end(), 0.0f);
    acq_integrated_ = 0;
  }
  ++acq_integrated_;
  std::fill(pow_a_.begin(), pow_a_.end(), 0.0f);
  std::fill(pow_b_.begin(), pow_b_.end(), 0.0f);
  const float* x = reinterpret_cast<const float*>(acq_buf_.data());
  // Square-law symbol timing (Oerder & Meyr, IEEE Trans. Commun. 36(5), 1988): |y|^2 of the
  // matched-filter output has a spectral line at the symbol rate whose phase gives the on-time
  // instant, so the Gardner loop starts near its stable point instead of possibly hanging up
  // near the unstable one at low SNR.
  const unsigned sps = cfg_.samples_per_symbol;
  double tim_re = 0.0, tim_im = 0.0;
  for (size_t b = 0; b < blocks; ++b) {
    for (size_t i = 0; i < n; ++i) {
      float y[2];
      dot_(x + 2 * (b * n + i), bank_.phase(0), bank_.stride(), y);
      // Raising to the M-th power strips the M-PSK modulation and leaves a line at M*df.
      std::complex<float> z(y[0], y[1]);
      const double pw = static_cast<double>(y[0]) * y[0] + static_cast<double>(y[1]) * y[1];
      const double ang = -kTwoPi * static_cast<double>((b * n + i) % sps) / sps;
      tim_re += pw * std::cos(ang);
      tim_im += pw * std::sin(ang);
      z = z * z;
      if (M_ == 4) z = z * z;
      fft_in_[i] = z;
    }
    fft_execute(static_cast<fftplan>(fft_plan_));
    std::vector<float>& halfpow = 2 * b < blocks ? pow_a_ : pow_b_;
    for (size_t i = 0; i < n; ++i) {
      const float p = std::norm(fft_out_[i]);
      fft_pow_[i] += p;
      halfpow[i] += p;
    }
  }
  const double range = M_ * cfg_.acq_range / cfg_.samples_per_symbol;  // cycles/sample of z
  const long kmax = std::min<long>(static_cast<long>(range * n), static_cast<long>(n / 2 - 2));
  // Strongest bin within the range, refined by a parabola; returns the line-to-mean ratio.
  auto find_peak = [&](const std::vector<float>& pw, double& f) {
    auto at = [&](long k) {
      return static_cast<double>(pw[static_cast<size_t>((k + static_cast<long>(n)) % static_cast<long>(n))]);
    };
    long best = 0;
    double best_p = -1.0, mean = 0.0;
    for (long k = -kmax; k <= kmax; ++k) {
      const double p = at(k);
      mean += p;
      if (p > best_p) {
        best_p = p;
        best = k;
      }
    }
    mean /= static_cast<double>(2 * kmax + 1);
    const double pm = at(best - 1), p0 = at(best), pp = at(best + 1);
    const double den = pm - 2.0 * p0 + pp;
    const double delta = den != 0.0 ? 0.5 * (pm - pp) / den : 0.0;
    f = (static_cast<double>(best) + std::clamp(delta, -0.5, 0.5)) / n / M_;
    return mean > 0.0 ? best_p / mean : 0.0;
  };
  acq_fill_ = 0;
  status_.acq_attempts++;
  double f = 0.0;
  // A line must stand well above the averaged noise floor; otherwise keep acquiring. With
  // K >= 4 averaged periodograms a noise bin exceeds 5x the mean with probability < 3e-6.
  if (!(find_peak(fft_pow_, f) > 5.0)) return;
  acq_integrated_ = 0;
  // Doppler ramp: the line's frequency in each half of the window gives the rate; the
  // estimate is then carried from the window centre to where tracking starts (the next chunk).
  double rate = 0.0;
  if (blocks >= 2) {
    double fa = 0.0, fb = 0.0;
    const double qa = find_peak(pow_a_, fa), qb = find_peak(pow_b_, fb);
    const double span = static_cast<double>(blocks * n) / 2.0;  // centre to centre, samples
    const double bin = 1.0 / (static_cast<double>(n) * M_);
    if (qa > 8.0 && qb > 8.0 && std::fabs(fb - fa) < 16.0 * bin) rate = (fb - fa) / span;
  }
  const double ahead = static_cast<double>(acq_buf_.size()) - blocks * n / 2.0 + kChunk / 2.0;
  nco_.set_frequency(nco_.frequency() + f + rate * ahead);
  // On-time instants of acq_buf_ index i + half (the filter reads i .. i + 2 half), as a
  // phase modulo sps of the absolute sample count.
  const double tau = -std::atan2(tim_im, tim_re) / kTwoPi * sps;
  double hint = std::fmod(static_cast<double>(acq_start_abs_ % sps) + half + tau, static_cast<double>(sps));
  if (hint < 0.0) hint += sps;
  acquiring_ = false;
  status_.acquisitions++;
  status_.acq_rate = rate;
  total_symbols_ += (acq_buf_.size()) / cfg_.samples_per_symbol;
  reset_loops();
  // A 3rd-order loop starts with the measured ramp (rad/symbol^2) in its rate integrator.
  if (cfg_.carrier_loop_order == 3)
    omega_rate_ = static_cast<float>(kTwoPi * rate * period_ * period_);
  timing_hint_ = hint;
}

void PskDemodulator::handover_frequency() {
  // Move carrier frequency from the Costas loop into the NCO ahead of the matched filter so a
  // Doppler ramp never walks the signal off the filter. The unconsumed buffer is re-rotated with
  // zero phase at the next on-time instant, keeping the loop's phase continuous.
  const float thr = static_cast<float>(cfg_.freq_handover * kTwoPi);
  if (acquiring_ || thr <= 0.0f || std::fabs(omega_) < thr) return;
  const double df = static_cast<double>(omega_) / kTwoPi / period_;  // cycles/sample
  float* x = buf_.data();
  for (size_t i = 0; i < fill_; ++i) {
    const double a = -kTwoPi * df * (static_cast<double>(i) - t_);
    const float c = static_cast<float>(std::cos(a)), s = static_cast<float>(std::sin(a));
    const float re = x[2 * i], im = x[2 * i + 1];
    x[2 * i] = re * c - im * s;
    x[2 * i + 1] = re * s + im * c;
  }
  nco_.set_frequency(nco_.frequency() + df);
  nco_.adjust_phase(df * (static_cast<double>(fill_) - t_));
  dth_pend_ -= omega_;  // the pending phase step no longer includes the moved frequency
  omega_ = 0.0f;
}

size_t PskDemodulator::emit_softs(size_t from, size_t to, float k, soft_t* out) const {
  scale_softs_(blk_soft_ + from, to - from, k, out);
  return to - from;
}

void PskDemodulator::block_statistics(bool bpsk, uint64_t tracked) {
  // The per-symbol exponential averages avg += a (x - avg), a = 1/512, taken over a whole
  // block at once: avg <- (1-a)^32 avg + sum_j a (1-a)^(31-j) x_j (weights from the
  // constructor), in eight independent lanes so the sums vectorise.
  constexpr unsigned L = 8;
  float sc[L] = {}, sd[L] = {}, so[L] = {}, sm[L] = {};
  float p2[kBlock];
  for (unsigned j0 = 0; j0 < kBlock; j0 += L) {
    for (unsigned l = 0; l < L; ++l) {
      const unsigned j = j0 + l;
      const float zr2 = blk_zr_[j] * blk_zr_[j], zi2 = blk_zi_[j] * blk_zi_[j];
      const float p = zr2 + zi2;
      // BPSK: E[Re z^2] / E[|z|^2] -> S / (S + N); QPSK: E[-Re z^4] / E[|z|^4] ->
      // S^2 / (S^2 + 4 S N + 2 N^2) when locked, 0 when the phase rotates.
      const float q = zr2 - zi2;
      const float cnum = bpsk ? q : -(q * q - 4.0f * zr2 * zi2);
      const float w = blk_w_[j];
      sc[l] += w * cnum;
      sd[l] += w * (bpsk ? p : p * p);
      so[l] += w * p;  // on-time energy (the symbol's own |z|^2)
      sm[l] += w * blk_mid_[j];
      p2[j] = p;
    }
  }
  float c = 0, d = 0, o = 0, m = 0;
  for (unsigned l = 0; l < L; ++l) {
    c += sc[l];
    d += sd[l];
    o += so[l];
    m += sm[l];
  }
  lock_c_ = blk_decay_ * lock_c_ + c;
  lock_den_ = blk_decay_ * lock_den_ + d;
  lock_on_ = blk_decay_ * lock_on_ + o;
  lock_mid_ = blk_decay_ * lock_mid_ + m;
  // Not while the symbol AGC is still converging (its first 256 symbols): one early symbol
  // scaled by a gain set from a near-zero first sample enters the fourth moment squared and,
  // through the plain warm-up sums and the slow average after them, held the signal estimate
  // at 0 (Es/N0 "-30 dB", no lock declared) for tens of thousands of symbols.
  if (tracked > 256) snr_.update_block(p2, kBlock);
}

size_t PskDemodulator::run_symbols(soft_t* out) {
  const unsigned half = bank_.half();
  const unsigned P = cfg_.filter_phases;
  const float* x = buf_.data();
  const size_t stride = bank_.stride();
  const Dot2IqDupFn dot2 = dot2_;
  const bool oqpsk = cfg_.modulation == PskModulation::oqpsk;
  const bool bpsk = cfg_.modulation == PskModulation::bpsk;
  const double nominal = cfg_.samples_per_symbol;
  const double pmin = nominal * (1.0 - cfg_.max_clock_offset);
  const double pmax = nominal * (1.0 + cfg_.max_clock_offset);
  constexpr float kR = 0.70710678f;
  // Loop gains divided by the detectors' SNR-dependent slopes (updated every 32 symbols).
  float tk1 = tk1_ / kd_t_, tk2 = tk2_ / kd_t_;
  float ck1 = ck1_ / kd_c_, ck2 = ck2_ / kd_c_, ck3 = ck3_ / kd_c_;
  size_t produced = 0;

  // Loop state in locals: stores through the int8 output pointer may alias any member, which
  // would otherwise force a reload of every state variable per symbol.
  // The sampling instant in 32.32 fixed point (samples): the step to the next symbol is one
  // integer add, and the sample index and polyphase branch are a shift and a multiply, which
  // keeps the float <-> integer conversions off the timing recursion. 2^-32 samples of
  // resolution is far below the loop's jitter.
  constexpr double kQ = 4294967296.0;
  int64_t tq = static_cast<int64_t>(std::llround(t_ * kQ));
  double period = period_;
  float th_re = theta_re_, th_im = theta_im_, omega = omega_, omega_rate = omega_rate_;
  float sym_power = sym_power_;
  float prev_on_re = prev_on_re_, prev_on_im = prev_on_im_, prev_mid_im = prev_mid_im_;
  float prev_i_out = prev_i_out_;
  bool have_prev_i = have_prev_i_;
  float soft_k = soft_k_;
  float e_t_pend = e_t_pend_, dth_pend = dth_pend_;
  uint64_t track = track_symbols_;
  const M2M4Estimator& snr = snr_;
  // Softs of the current 32-symbol block wait as floats in blk_soft_ and leave (scaled and
  // rounded in one vectorised pass) when the block completes or the call ends.
  size_t nsoft = blk_nsoft_;
  float* const bsoft = blk_soft_;
  float* const bzr = blk_zr_;
  float* const bzi = blk_zi_;
  float* const bmid = blk_mid_;
  auto emit = [&]() {
    produced += emit_softs(blk_emitted_, nsoft, soft_k, out + produced);
    blk_emitted_ = nsoft;
  };
  bool restart = false;
  float g = sym_power > 0.0f ? 1.0f / std::sqrt(sym_power) : 1.0f;

  // Interleaved samples and polyphase taps of the filter output at instant tt (fixed point):
  // branch round(frac * P), carried into the next sample when it rounds up to P.
  auto filter_args = [&](int64_t tt, const float** xs, const float** taps) {
    const uint64_t u = static_cast<uint64_t>(tt);
    size_t i = static_cast<size_t>(u >> 32);
    unsigned p = static_cast<unsigned>(((u & 0xffffffffu) * P + 0x80000000u) >> 32);
    if (p >= P) {
      p -= P;
      ++i;
    }
    *xs = x + 2 * (i - half);
    *taps = bank_.phase(p);
  };
  // Matched-filter outputs at the mid-symbol instant before tt and at tt, in one call.
  auto filter_pair = [&](int64_t tt, double per, float ym[2], float yo[2]) {
    const float *xm, *tm, *xo, *to;
    filter_args(tt - static_cast<int64_t>(per * (0.5 * kQ)), &xm, &tm);
    filter_args(tt, &xo, &to);
    float y4[4];
    dot2(xm, tm, xo, to, stride, y4);
    ym[0] = y4[0];
    ym[1] = y4[1];
    yo[0] = y4[2];
    yo[1] = y4[3];
  };

  // Software-pipelined: the next symbol's instants depend only on detector outputs already
  // known (applied one symbol late, below), so its matched filter runs before this symbol's
  // loop arithmetic and the two overlap in the core.
  auto fits = [&](int64_t tt) { return static_cast<size_t>(static_cast<uint64_t>(tt) >> 32) + 2 + half < fill_; };
  float ym_next[2] = {0.0f, 0.0f}, yo_next[2] = {0.0f, 0.0f};
  bool more = fits(tq);
  if (more) filter_pair(tq, period, ym_next, yo_next);
  while (more) {
    const float ym[2] = {ym_next[0], ym_next[1]}, yo[2] = {yo_next[0], yo_next[1]};
    // Both loops apply each detector output one symbol late: the next symbol's filter instants
    // and carrier phasor then depend only on errors already known, so the long detector
    // computation of this symbol overlaps the next symbol's filtering instead of serialising
    // every symbol. One symbol of extra loop delay is a phase lag of wn*T (< 0.1 rad at the
    // widest allowed bandwidths, ~0.005 rad at the defaults).
    // Timing loop (per symbol): period integrates the error, position takes the PI sum.
    period -= tk2 * e_t_pend;
    period = std::min(pmax, std::max(pmin, period));
    // The step stays within half a period of the period: a burst of garbage (a file that is not
    // IQ, an ADC overload) cannot throw the sampling instant backwards or far ahead.
    tq += static_cast<int64_t>(kQ * std::min(1.5 * period, std::max(0.5 * period, period - tk1 * e_t_pend)));
    more = fits(tq);
    if (more) filter_pair(tq, period, ym_next, yo_next);

    // Symbol-rate AGC: unit mean on-time power keeps detector gains (and so the loop
    // bandwidths) independent of the input level. g lags one symbol to stay off the timing
    // loop's critical path.
    const float po = yo[0] * yo[0] + yo[1] * yo[1];
    if (sym_power < 0.0f) {
      sym_power = po > 0.0f ? po : 1.0f;
      g = 1.0f / std::sqrt(sym_power);
    }
    sym_power += (track < 256 ? 1.0f / 32.0f : 1.0f / 512.0f) * (po - sym_power);

    // Derotate by the carrier estimate exp(-j theta).
    const float onr = g * (yo[0] * th_re - yo[1] * th_im);
    const float oni = g * (yo[0] * th_im + yo[1] * th_re);
    const float mdr = g * (ym[0] * th_re - ym[1] * th_im);
    const float mdi = g * (ym[0] * th_im + ym[1] * th_re);
    // The gain moves slowly once settled: refresh it every 16 symbols (a divide and a sqrt).
    if (track < 256 || (track & 15) == 0) g = 1.0f / std::sqrt(std::max(sym_power, 1e-30f));

    float e_t, e_c, zr, zi, mid_e;
    if (!oqpsk) {
      // Gardner: Re{(y_k - y_{k-1}) y*_{k-1/2}}, positive when sampling late.
      e_t = (onr - prev_on_re) * mdr + (oni - prev_on_im) * mdi;
      zr = onr;
      zi = oni;
      e_c = bpsk ? sgn(zr) * zi : kR * (sgn(zr) * zi - sgn(zi) * zr);
      mid_e = mdr * mdr + mdi * mdi;
    } else {
      // OQPSK: I symbols at on-time, Q symbols at mid-symbol instants; each channel's Gardner
      // term uses its own transition point, and the Costas error combines both instants.
      e_t = (onr - prev_on_re) * mdr + (mdi - prev_mid_im) * prev_on_im;
      zr = onr;
      zi = mdi;
      e_c = kR * (sgn(onr) * oni - sgn(mdi) * mdr);
      mid_e = oni * oni + mdr * mdr;
      prev_mid_im = mdi;
    }
    prev_on_re = onr;
    prev_on_im = oni;

    e_t_pend = e_t;

    // Carrier loop: theta += omega + k1 e, omega += k2 e (+ ramp term for 3rd order).
    {
      // exp(-j dth) by its Taylor series (|dth| << 1), then renormalise the phasor.
      const float dth = dth_pend;
      const float d2 = dth * dth;
      const float c = 1.0f - d2 * (0.5f - d2 * (1.0f / 24.0f));
      const float s = -dth * (1.0f - d2 * (1.0f / 6.0f - d2 * (1.0f / 120.0f)));
      const float nr = th_re * c - th_im * s;
      const float ni = th_re * s + th_im * c;
      th_re = nr;
      th_im = ni;
    }
    omega_rate += ck3 * e_c;
    omega += ck2 * e_c + omega_rate;
    dth_pend = omega + ck1 * e_c;

    // Statistics (lock detectors, Es/N0) and soft scaling run once per block, vectorised,
    // over what this loop stores: they feed nothing back within the block.
    const unsigned j = static_cast<unsigned>(track & 31);
    bzr[j] = zr;
    bzi[j] = zi;
    bmid[j] = mid_e;
    if (bpsk) {
      bsoft[nsoft++] = zr;
    } else if (!oqpsk) {
      bsoft[nsoft] = zr;
      bsoft[nsoft + 1] = zi;
      nsoft += 2;
    } else {
      // The Q of the symbol whose I was the previous on-time sample arrives now.
      if (have_prev_i) {
        bsoft[nsoft] = prev_i_out;
        bsoft[nsoft + 1] = mdi;
        nsoft += 2;
      }
      prev_i_out = onr;
      have_prev_i = true;
    }
    ++track;

    if ((track & 31) == 0) {
      // The phasor's magnitude drifts by rounding only (~1e-7 per step; the series is exact
      // to d^6): renormalised once per block, off the per-symbol recursion.
      const float fix = 1.5f - 0.5f * (th_re * th_re + th_im * th_im);
      th_re *= fix;
      th_im *= fix;
      emit();
      nsoft = 0;
      blk_emitted_ = 0;
      block_statistics(bpsk, track);
      // Slow bookkeeping every 32 symbols: soft scale, lock flags, re-acquisition.
      if (snr.count() >= 64) {
        const double S = snr.signal(), N = std::max(snr.noise(), 1e-12);
        const double amp = bpsk ? std::sqrt(S) : std::sqrt(S / 2.0);
        const double den = amp + cfg_.soft_margin_sigma * std::sqrt(N / 2.0);
        if (den > 0.0) {
          soft_k = static_cast<float>(127.0 / den);
          llr_per_soft_ = 2.0 * amp / (std::max(N, 1e-12) / 2.0) / soft_k;
        }
        // Detector slopes at this SNR (z has unit mean power, so S + N ~ 1). Costas: the
        // decision sgn() is right with probability (1 + erf(a / (sigma sqrt 2))) / 2, a the
        // per-channel amplitude, scaling the slope by erf(.) (Lindsey & Simon, "Telecommunication
        // Systems Engineering", ch. 2). Gardner: proportional to the signal power. Keeping the
        // loop gain constant matters for the 3rd-order loop, which is only conditionally stable.
        const double sig = std::sqrt(std::max(N, 1e-12) / 2.0);
        const double a = bpsk ? std::sqrt(S) : std::sqrt(S / 2.0);
        const double kc = std::sqrt(S) * std::erf(a / (sig * std::sqrt(2.0)));
        kd_c_ = static_cast<float>(std::clamp(kc, 0.1, 1.5));
        kd_t_ = static_cast<float>(std::clamp(S, 0.1, 1.5));
        tk1 = tk1_ / kd_t_;
        tk2 = tk2_ / kd_t_;
        ck1 = ck1_ / kd_c_;
        ck2 = ck2_ / kd_c_;
        ck3 = ck3_ / kd_c_;
      }
      // The locked value of the metric depends on Es/N0 (known from M2M4, which needs no
      // lock): thresholds are fractions of it, so lock is reported down to Es/N0 ~ 0 dB.
      float expect = 1.0f;
      if (snr.count() >= 64) {
        const double S = snr.signal(), N = std::max(snr.noise(), 0.0);
        const double d = bpsk ? S + N : S * S + 4.0 * S * N + 2.0 * N * N;
        expect = d > 0.0 ? static_cast<float>((bpsk ? S : S * S) / d) : 1.0f;
      }
      const float cm = lock_den_ > 0.0f ? lock_c_ / lock_den_ : 0.0f;
      const bool was_locked = status_.carrier_lock;
      // Declared only after the loop has had ~1/Bn symbols to settle the averages.
      // With the signal gone the metric only fluctuates around 0 (std ~0.03-0.05 over this
      // average) while Es/N0 collapses: below -3 dB there is no usable signal, whatever cm says.
      const bool signal = snr.count() < 1024 || snr.esn0() > 0.5;
      status_.carrier_lock =
          signal && (was_locked ? cm > 0.3f * expect
                                : (track >= 512 && cm > 0.6f * expect && cm > 0.05f));
      const float tm = (lock_on_ - lock_mid_) / std::max(lock_on_ + lock_mid_, 1e-30f);
      status_.timing_lock =
          status_.timing_lock ? tm > 0.2f * ted_contrast_ : tm > 0.35f * ted_contrast_;
      if (status_.carrier_lock && !was_locked && status_.lock_symbol == 0)
        status_.lock_symbol = total_symbols_ + track - track_symbols_;
      if (!status_.carrier_lock && track > 2048) {
        unlocked_run_ += 32;
        if (cfg_.reacquire_symbols > 0 && cfg_.acq_symbols > 0 &&
            unlocked_run_ > cfg_.reacquire_symbols) {
          restart = true;
          break;
        }
      } else if (status_.carrier_lock) {
        unlocked_run_ = 0;
      }
    }
  }

  if (!restart) emit();
  blk_nsoft_ = nsoft;
  total_symbols_ += track - track_symbols_;
  status_.symbols += track - track_symbols_;
  if (restart) {
    acquiring_ = true;
    acq_fill_ = 0;
    reset_loops();
    return produced;
  }
  t_ = static_cast<double>(tq) / kQ;
  period_ = period;
  theta_re_ = th_re;
  theta_im_ = th_im;
  omega_ = omega;
  omega_rate_ = omega_rate;
  sym_power_ = sym_power;
  prev_on_re_ = prev_on_re;
  prev_on_im_ = prev_on_im;
  prev_mid_im_ = prev_mid_im;
  prev_i_out_ = prev_i_out;
  have_prev_i_ = have_prev_i;
  soft_k_ = soft_k;
  e_t_pend_ = e_t_pend;
  dth_pend_ = dth_pend;
  track_symbols_ = track;
  // A non-finite loop state (e.g. from an overflow) would never recover: start over.
  if (!std::isfinite(omega_) || !std::isfinite(period_) || !std::isfinite(t_) ||
      !std::isfinite(theta_re_) || !std::isfinite(sym_power_)) {
    status_.loop_resets++;
    reset_loops();
  }
  return produced;
}

}  // namespace groundlink::dsp
