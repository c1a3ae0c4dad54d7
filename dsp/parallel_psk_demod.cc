#include "dsp/parallel_psk_demod.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

namespace groundlink::dsp {

namespace {

constexpr size_t kDemodChunk = 2048;  // PskDemodulator's internal chunk (psk_demod.h)

size_t round_up(size_t n, size_t m) { return (n + m - 1) / m * m; }

// Decay rate (per symbol) of the slowest mode of a loop with noise bandwidth bn (Bn*Ts).
// 2nd order: wn = 2 Bn / (zeta + 1/(4 zeta)) (Gardner, "Phaselock Techniques"); the envelope
// decays as exp(-zeta wn t) when underdamped, exp(-(zeta - sqrt(zeta^2 - 1)) wn t) otherwise.
double decay_2nd_order(double bn, double zeta) {
  const double wn = 2.0 * bn / (zeta + 1.0 / (4.0 * zeta));
  return zeta < 1.0 ? zeta * wn : (zeta - std::sqrt(zeta * zeta - 1.0)) * wn;
}

// Samples from a demodulator's reset() to its first tracked (output-producing) chunk: the FFT
// search buffer (acq_symbols rounded up to whole FFTs, plus the matched filter's margin, which
// psk_demod.cc sizes as 2 half-lengths + half a polyphase stride; 2 spans + 64 covers it) and
// the rest of the 2048-sample chunk in which the search completes (psk_demod.h).
size_t acquisition_samples(const PskDemodConfig& c) {
  if (c.acq_symbols == 0) return 0;
  const size_t sps = c.samples_per_symbol;
  const size_t want = static_cast<size_t>(c.acq_symbols) * sps;
  const size_t blocks = std::max<size_t>(1, (want + c.fft_size - 1) / c.fft_size);
  const size_t len = blocks * c.fft_size + 2 * static_cast<size_t>(c.filter_span_symbols) * sps + 64;
  return round_up(len, kDemodChunk);
}

// Symbols between the join instant and the end of a segment's input whose matched filter would
// read the flush zeros: half the filter span, plus a few for the interpolator.
unsigned guard_symbols(const PskDemodConfig& c) { return c.filter_span_symbols / 2 + 8; }

size_t overlap_for(const PskDemodConfig& c, double settle_symbols) {
  const unsigned bits = bits_per_symbol(c.modulation);
  const double window = static_cast<double>((ParallelPskDemodulator::kJoinWindow + bits - 1) / bits);
  const double symbols =
      settle_symbols + window + ParallelPskDemodulator::kJoinSearchSymbols + guard_symbols(c);
  // The transmitter's clock may run slow by up to max_clock_offset: more samples per symbol.
  const double samples = symbols * c.samples_per_symbol * (1.0 + c.max_clock_offset);
  return round_up(acquisition_samples(c) + static_cast<size_t>(std::ceil(samples)), kDemodChunk);
}

// Non-finite samples by the demodulator's own criterion (Agc::update_block: a sample whose
// power is NaN, Inf or overflows float is replaced by 0 and counted).
uint64_t count_nonfinite(const std::complex<float>* x, size_t n) {
  uint64_t bad = 0;
  for (size_t i = 0; i < n; ++i) {
    const float a = x[i].real(), b = x[i].imag();
    bad += (a * a + b * b < 1e36f) ? 0u : 1u;
  }
  return bad;
}

inline int sgn_prod(int a, int b) {
  const int p = a * b;
  return (p > 0) - (p < 0);
}

}  // namespace

size_t ParallelPskDemodulator::automatic_overlap(const PskDemodConfig& c) {
  // Loop settling after acquisition: 4 time constants of the slower loop (residual transient
  // exp(-4) ~ 2% of the error acquisition left, which is already a fraction of a bin and of a
  // sample), and at least 1024 symbols: the carrier lock detector averages over 512 symbols
  // and declares lock only after >= 512 tracked symbols (psk_demod.cc). With the defaults
  // (timing Bn*T 0.001, zeta 1: wn = 1.6e-3, 2500 symbols; carrier 2nd order Bn*T 0.002:
  // 1500 symbols) the timing loop sets it. The 3rd-order carrier loop (Kaplan & Hegarty,
  // Table 5.6) has poles at w0 * {-2.10, -0.148 +/- 0.673 j}, w0 = Bn / 0.7845: its slow pair
  // decays at 0.148 w0.
  const double sigma_t = decay_2nd_order(c.timing_loop_bw, c.timing_damping);
  const double sigma_c = c.carrier_loop_order == 2 ? decay_2nd_order(c.carrier_loop_bw, 0.7071)
                                                   : 0.148 * c.carrier_loop_bw / 0.7845;
  const double settle = std::max({1024.0, 4.0 / sigma_t, 4.0 / sigma_c});
  return overlap_for(c, std::ceil(settle));
}

size_t ParallelPskDemodulator::minimum_overlap(const PskDemodConfig& c) { return overlap_for(c, 1024.0); }

void ParallelDemodConfig::validate(const PskDemodConfig& demod) const {
  demod.validate();
  if (threads < 1 || threads > 16)
    throw std::invalid_argument("ParallelDemodConfig.threads must be in [1, 16], got " + std::to_string(threads));
  const size_t min_ov = ParallelPskDemodulator::minimum_overlap(demod);
  if (overlap_samples != 0 && overlap_samples < min_ov)
    throw std::invalid_argument(
        "ParallelDemodConfig.overlap_samples must be 0 (automatic) or >= " + std::to_string(min_ov) +
        " (acquisition, loop settling and join window of this demodulator configuration), got " +
        std::to_string(overlap_samples));
  const size_t ov = overlap_samples != 0 ? overlap_samples : ParallelPskDemodulator::automatic_overlap(demod);
  constexpr size_t kMaxSegment = size_t{1} << 28;
  if (segment_samples < 4 * ov || segment_samples > kMaxSegment)
    throw std::invalid_argument("ParallelDemodConfig.segment_samples must be in [4 * overlap = " +
                                std::to_string(4 * ov) + ", " + std::to_string(kMaxSegment) + "], got " +
                                std::to_string(segment_samples));
}

struct ParallelPskDemodulator::Slot {
  SlotState state = SlotState::free;
  uint64_t segment = 0;
  uint64_t start = 0;      // input sample of in[0]
  size_t overlap_n = 0;    // samples of in[] before the segment's nominal start
  bool last = false;
  std::vector<std::complex<float>> in;
  size_t in_n = 0;
  std::vector<soft_t> out;
  size_t out_n = 0;
  std::vector<SampleAnchor> anchors;  // index in out[], absolute input sample
  PskDemodStatus status;
  uint64_t overlap_nonfinite = 0;
};

ParallelPskDemodulator::ParallelPskDemodulator(const PskDemodConfig& demod, const ParallelDemodConfig& par)
    : demod_cfg_((par.validate(demod), demod)),
      cfg_(par),
      bits_(bits_per_symbol(demod.modulation)) {
  overlap_ = cfg_.overlap_samples != 0 ? cfg_.overlap_samples : automatic_overlap(demod_cfg_);
  guard_ = static_cast<size_t>(guard_symbols(demod_cfg_)) * demod_cfg_.samples_per_symbol;
  slot_input_cap_ = cfg_.segment_samples + overlap_;

  for (unsigned w = 0; w < cfg_.threads; ++w) demods_.push_back(std::make_unique<PskDemodulator>(demod_cfg_));
  const PskDemodulator& d0 = *demods_[0];
  const size_t calls = (slot_input_cap_ + kProcessBlock - 1) / kProcessBlock;
  const size_t out_cap = calls * d0.max_output(kProcessBlock) + d0.max_flush_output();
  // One anchor per 2048-sample chunk with output, plus the partial chunks at call boundaries.
  const size_t anchor_cap = slot_input_cap_ / kDemodChunk + 2 * calls + 8;
  const size_t nslots = cfg_.threads + 3;  // running on every worker, two filling, one to stitch
  for (size_t i = 0; i < nslots; ++i) {
    auto s = std::make_unique<Slot>();
    s->in.resize(slot_input_cap_);
    s->out.resize(out_cap);
    s->anchors.reserve(anchor_cap);
    slots_.push_back(std::move(s));
  }
  ready_.assign(nslots, nullptr);
  out_.reserve(nslots * out_cap);
  out_anchors_.reserve(nslots * anchor_cap + 4 * nslots);
  anchors_.reserve(4096);
  for (unsigned w = 0; w < cfg_.threads; ++w) workers_.emplace_back([this, w] { worker_main(w); });
}

ParallelPskDemodulator::~ParallelPskDemodulator() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    stop_ = true;
    abort_ = true;
  }
  cv_work_.notify_all();
  for (auto& t : workers_) t.join();
}

void ParallelPskDemodulator::worker_main(unsigned w) {
  PskDemodulator& demod = *demods_[w];
  std::unique_lock<std::mutex> lk(mu_);
  for (;;) {
    cv_work_.wait(lk, [this] { return stop_ || ready_count_ > 0; });
    if (stop_) return;
    Slot* s = ready_[ready_head_];
    ready_head_ = (ready_head_ + 1) % ready_.size();
    --ready_count_;
    s->state = SlotState::running;
    lk.unlock();
    std::exception_ptr err;
    try {
      run_segment(demod, *s);
    } catch (...) {
      err = std::current_exception();
    }
    lk.lock();
    if (err && !error_) error_ = err;
    s->state = SlotState::done;
    cv_done_.notify_all();
  }
}

void ParallelPskDemodulator::run_segment(PskDemodulator& demod, Slot& s) {
  demod.reset();
  s.out_n = 0;
  s.anchors.clear();
  // Anchors are per call and relative to the demodulator's reset(): re-based to this segment's
  // output and to absolute input samples.
  auto collect = [&](size_t n) {
    for (const SampleAnchor& a : demod.anchors())
      if (s.anchors.size() < s.anchors.capacity())
        s.anchors.push_back({s.out_n + a.soft_index, static_cast<double>(s.start) + a.sample});
    s.out_n += n;
  };
  for (size_t p = 0; p < s.in_n; p += kProcessBlock) {
    if (abort_.load(std::memory_order_relaxed)) return;
    const size_t m = std::min(kProcessBlock, s.in_n - p);
    collect(demod.process(s.in.data() + p, m, s.out.data() + s.out_n));
  }
  collect(demod.flush(s.out.data() + s.out_n));
  s.status = demod.status();
  s.overlap_nonfinite = count_nonfinite(s.in.data(), s.overlap_n);
}

void ParallelPskDemodulator::rethrow_locked() {
  if (error_) std::rethrow_exception(error_);
}

ParallelPskDemodulator::Slot* ParallelPskDemodulator::acquire_slot_locked(std::unique_lock<std::mutex>& lk,
                                                                          uint64_t segment) {
  for (;;) {
    rethrow_locked();
    for (auto& s : slots_)
      if (s->state == SlotState::free) {
        s->state = SlotState::filling;
        s->segment = segment;
        const uint64_t nominal = segment * cfg_.segment_samples;
        s->start = segment == 0 ? 0 : nominal - overlap_;
        s->overlap_n = static_cast<size_t>(nominal - s->start);
        s->in_n = 0;
        s->last = false;
        return s.get();
      }
    // Every slot is busy: stitch what the workers finished (frees slots), else wait for them.
    stitch_locked();
    bool any_free = false;
    for (auto& s : slots_) any_free |= s->state == SlotState::free;
    if (!any_free) cv_done_.wait(lk);
  }
}

void ParallelPskDemodulator::submit_locked(Slot* s, bool last) {
  s->last = last;
  s->state = SlotState::ready;
  ready_[(ready_head_ + ready_count_) % ready_.size()] = s;
  ++ready_count_;
  ++submitted_;
  cv_work_.notify_one();
}

void ParallelPskDemodulator::push(const std::complex<float>* in, size_t n) {
  std::unique_lock<std::mutex> lk(mu_);
  rethrow_locked();
  if (finished_) throw std::logic_error("ParallelPskDemodulator::push after finish(): call reset() first");
  const uint64_t seg = cfg_.segment_samples;
  while (n > 0) {
    const uint64_t j = pos_ / seg;
    // A segment is handed over when the first sample past its end arrives (or at finish(), as
    // the last one), so which segment is last depends only on the stream's length.
    if (cur_ != nullptr && cur_->segment != j) {
      submit_locked(cur_, false);
      cur_ = nullptr;
    }
    if (cur_ == nullptr) {
      if (next_ != nullptr && next_->segment == j) {
        cur_ = next_;
        next_ = nullptr;
      } else {
        cur_ = acquire_slot_locked(lk, j);
      }
    }
    const uint64_t end = (j + 1) * seg;
    const uint64_t next_start = end - overlap_;
    size_t k;
    Slot* also = nullptr;
    if (pos_ < next_start) {
      k = static_cast<size_t>(std::min<uint64_t>(n, next_start - pos_));
    } else {
      if (next_ == nullptr) next_ = acquire_slot_locked(lk, j + 1);
      also = next_;
      k = static_cast<size_t>(std::min<uint64_t>(n, end - pos_));
    }
    // The slots being filled belong to this thread until submitted: copy without the lock.
    lk.unlock();
    std::memcpy(cur_->in.data() + cur_->in_n, in, k * sizeof(*in));
    cur_->in_n += k;
    if (also != nullptr) {
      std::memcpy(also->in.data() + also->in_n, in, k * sizeof(*in));
      also->in_n += k;
    }
    lk.lock();
    pos_ += k;
    in += k;
    n -= k;
  }
}

void ParallelPskDemodulator::finish() {
  std::lock_guard<std::mutex> lk(mu_);
  rethrow_locked();
  if (finished_) return;
  if (cur_ != nullptr) submit_locked(cur_, true);
  // A next segment that only holds overlap samples has nothing of its own to demodulate.
  if (next_ != nullptr) next_->state = SlotState::free;
  cur_ = next_ = nullptr;
  finished_ = true;
  cv_done_.notify_all();
}

void ParallelPskDemodulator::stitch_locked() {
  while (!error_ && next_stitch_ < submitted_) {
    Slot* s = nullptr;
    for (auto& p : slots_)
      if (p->state == SlotState::done && p->segment == next_stitch_) s = p.get();
    if (s == nullptr) return;
    stitch_segment(*s);
    s->state = SlotState::free;
    ++next_stitch_;
    cv_done_.notify_all();  // a push() on another thread may wait for this slot
  }
}

// Symbol period (samples) after anchor i: from it to the next anchor, or nominal at the end.
double ParallelPskDemodulator::anchor_period(const Slot& s, size_t i) const {
  const SampleAnchor& a = s.anchors[i];
  if (i + 1 < s.anchors.size() && s.anchors[i + 1].soft_index > a.soft_index)
    return (s.anchors[i + 1].sample - a.sample) /
           (static_cast<double>(s.anchors[i + 1].soft_index - a.soft_index) / bits_);
  return demod_cfg_.samples_per_symbol;
}

size_t ParallelPskDemodulator::predict_index(const Slot& s, double sample, bool& ok) const {
  ok = !s.anchors.empty();
  if (!ok) return 0;
  // Last anchor at or before the instant (or the first one, extrapolated back).
  size_t i = 0;
  for (size_t k = s.anchors.size(); k-- > 0;)
    if (s.anchors[k].sample <= sample) {
      i = k;
      break;
    }
  const SampleAnchor& a = s.anchors[i];
  const double period = anchor_period(s, i);
  // First symbol whose on-time instant is at or after `sample`.
  const double k = std::ceil((sample - a.sample) / period - 1e-9);
  const double q = static_cast<double>(a.soft_index) + k * bits_;
  if (q <= 0.0) return 0;
  return std::min(static_cast<size_t>(q), s.out_n - s.out_n % bits_);
}

double ParallelPskDemodulator::sample_of(const Slot& s, size_t q) const {
  size_t i = 0;
  for (size_t k = s.anchors.size(); k-- > 0;)
    if (s.anchors[k].soft_index <= q) {
      i = k;
      break;
    }
  const SampleAnchor& a = s.anchors[i];
  const double period = anchor_period(s, i);
  return a.sample + (static_cast<double>(q) - static_cast<double>(a.soft_index)) / bits_ * period;
}

bool ParallelPskDemodulator::find_join(const Slot& s, size_t predicted, Transform& t, double& agreement) const {
  agreement = 0.0;
  const bool qpsk = demod_cfg_.modulation == PskModulation::qpsk;
  const bool bpsk = demod_cfg_.modulation == PskModulation::bpsk;
  const long step = qpsk ? 2 : 1;
  const long range = static_cast<long>(kJoinSearchSymbols) * bits_;
  // A segment whose acquisition took longer than planned (a second FFT search) has less output
  // before J than the full window: compare what there is, down to kJoinMinWindow.
  size_t W = std::min(kJoinWindow, out_.size());
  const long before = static_cast<long>(predicted) - range;
  W = std::min(W, before > 0 ? static_cast<size_t>(before) : size_t{0});
  W -= W % 2;
  if (W < kJoinMinWindow) return false;
  const soft_t* tail = out_.data() + out_.size() - W;  // last stitched softs, before J
  const soft_t* raw = s.out.data();
  long best = std::numeric_limits<long>::min();
  for (long m = 0; m <= range / step; ++m) {
    for (int side = 0; side < (m == 0 ? 1 : 2); ++side) {
      const long d = side == 0 ? m * step : -m * step;
      const long qs = static_cast<long>(predicted) + d - static_cast<long>(W);
      if (qs < 0 || static_cast<size_t>(qs) + W > s.out_n) continue;
      const soft_t* r = raw + qs;
      auto consider = [&](long score, int rot, int se, int so) {
        if (score > best) {  // strictly better: ties stay with the earlier (nearer) candidate
          best = score;
          t.shift = static_cast<int>(d);
          t.rot = rot;
          t.sign_even = se;
          t.sign_odd = so;
        }
      };
      if (qpsk) {
        // Rotations of the pair (a, b): (a, b), (-b, a), (-a, -b), (b, -a) against (x, y).
        long ax = 0, by = 0, bx = 0, ay = 0;  // sums of sign products
        for (size_t k = 0; k < W; k += 2) {
          const int a = r[k], b = r[k + 1], x = tail[k], y = tail[k + 1];
          ax += sgn_prod(a, x);
          by += sgn_prod(b, y);
          bx += sgn_prod(b, x);
          ay += sgn_prod(a, y);
        }
        // Agreements minus disagreements per candidate.
        consider(ax + by, 0, 1, 1);
        consider(-bx + ay, 1, 1, 1);
        consider(-ax - by, 2, 1, 1);
        consider(bx - ay, 3, 1, 1);
      } else {
        // Sign products at even and odd positions of the segment's own stream.
        long pe = 0, po = 0;
        for (size_t k = 0; k < W; ++k) {
          const int v = sgn_prod(r[k], tail[k]);
          if (((static_cast<size_t>(qs) + k) & 1u) == 0) pe += v; else po += v;
        }
        if (bpsk) {
          consider(pe + po, 0, 1, 1);
          consider(-pe - po, 0, -1, -1);
        } else {
          consider(pe + po, 0, 1, 1);
          consider(-pe - po, 0, -1, -1);
          consider(pe - po, 0, 1, -1);
          consider(-pe + po, 0, -1, 1);
        }
      }
    }
  }
  if (best == std::numeric_limits<long>::min()) return false;  // no candidate inside the output
  // best = agreements - disagreements (zeros count as neither): agreement fraction ~ (W + best) / 2W.
  agreement = (static_cast<double>(W) + static_cast<double>(best)) / (2.0 * static_cast<double>(W));
  return agreement >= kJoinMinAgreement;
}

void ParallelPskDemodulator::append_transformed(const Slot& s, size_t q0, size_t q1, const Transform& t) {
  const size_t n = q1 - q0;
  make_room(n);
  const size_t base = out_.size();
  const uint64_t stitched0 = out_base_ + base;
  out_.resize(base + n);  // grows beyond the reserve only while the caller does not pull
  soft_t* o = out_.data() + base;
  const soft_t* r = s.out.data() + q0;
  switch (demod_cfg_.modulation) {
    case PskModulation::qpsk:
      for (size_t k = 0; k + 1 < n; k += 2) {
        const soft_t a = r[k], b = r[k + 1];
        switch (t.rot) {
          case 0: o[k] = a; o[k + 1] = b; break;
          case 1: o[k] = static_cast<soft_t>(-b); o[k + 1] = a; break;
          case 2: o[k] = static_cast<soft_t>(-a); o[k + 1] = static_cast<soft_t>(-b); break;
          default: o[k] = b; o[k + 1] = static_cast<soft_t>(-a); break;
        }
      }
      break;
    case PskModulation::bpsk:
    case PskModulation::oqpsk:
      for (size_t k = 0; k < n; ++k) {
        const int sign = ((q0 + k) & 1u) == 0 ? t.sign_even : t.sign_odd;
        o[k] = static_cast<soft_t>(sign * r[k]);
      }
      break;
  }
  // Anchors of the piece in stitched indices; a join starts a piece with one of its own.
  bool have_first = false;
  for (const SampleAnchor& a : s.anchors) {
    if (a.soft_index < q0 || a.soft_index >= q1) continue;
    if (!have_first && a.soft_index != q0 && s.segment > 0)
      out_anchors_.push_back({static_cast<size_t>(stitched0), sample_of(s, q0)});
    have_first = true;
    out_anchors_.push_back({static_cast<size_t>(stitched0 + (a.soft_index - q0)), a.sample});
  }
  if (!have_first && n > 0 && !s.anchors.empty())
    out_anchors_.push_back({static_cast<size_t>(stitched0), sample_of(s, q0)});
}

void ParallelPskDemodulator::make_room(size_t n) {
  if (out_.size() + n > out_.capacity() && read_ > 0) {
    // Drop what was pulled, except the last kJoinWindow softs the next join compares with.
    const size_t keep_from = std::min(read_, out_.size() - std::min(out_.size(), kJoinWindow));
    out_.erase(out_.begin(), out_.begin() + static_cast<std::ptrdiff_t>(keep_from));
    out_base_ += keep_from;
    read_ -= keep_from;
  }
}

void ParallelPskDemodulator::append_erasures(size_t n, double sample) {
  make_room(n);
  out_anchors_.push_back({static_cast<size_t>(out_base_ + out_.size()), sample});
  out_.resize(out_.size() + n, 0);
}

void ParallelPskDemodulator::stitch_segment(Slot& s) {
  const uint64_t seg = cfg_.segment_samples;
  const uint64_t j = s.segment;
  size_t q0 = 0;
  Transform t;
  bool joined = false;
  if (j > 0) {
    ++joins_;
    bool ok = false;
    const double J = static_cast<double>(j * seg - guard_);
    const size_t p = predict_index(s, J, ok);
    double agreement = 0.0;
    if (ok && find_join(s, p, t, agreement)) {
      joined = true;
      q0 = static_cast<size_t>(static_cast<long>(p) + t.shift);
    } else {
      // No candidate agrees: the predicted soft, no phase transform (as after a re-acquisition).
      ++failed_joins_;
      t = Transform{};
      q0 = p;
      // Time this segment has no output for (no signal, or an acquisition that ended after J)
      // becomes erasures: the stream keeps its length in time, so the decoder's frame sync
      // counts the missing markers and searches again instead of waiting for frames that are
      // not there (a single demodulator also emits symbols while unlocked).
      const double until = s.anchors.empty()
                               ? static_cast<double>(s.last ? s.start + s.in_n : (j + 1) * seg - guard_)
                               : sample_of(s, q0);
      const double symbols = std::floor((until - J) / demod_cfg_.samples_per_symbol + 0.5);
      if (symbols > 0.0) append_erasures(static_cast<size_t>(symbols) * bits_, J);
    }
  }
  size_t q1 = s.out_n;
  if (!s.last) {
    bool ok = false;
    const size_t p = predict_index(s, static_cast<double>((j + 1) * seg - guard_), ok);
    q1 = ok ? p : 0;
  }
  q1 = std::min(q1, s.out_n);
  q0 = std::min(q0, q1);
  if (demod_cfg_.modulation == PskModulation::qpsk) q1 = q0 + (q1 - q0) / 2 * 2;
  append_transformed(s, q0, q1, t);

  // Loop figures (lock, Es/N0, offsets) from the newest segment, unless it is a short last one
  // whose estimates have not settled (acquisition, the Es/N0 warm-up): a pass's final figures
  // then stay those of the last full segment instead of reading "unlocked, Es/N0 low".
  if (j == 0 || !s.last || s.in_n >= 3 * overlap_) seg_status_ = s.status;
  if (j == 0) lock_symbol_ = s.status.lock_symbol;
  acquisitions_ += s.status.acquisitions - (joined && s.status.acquisitions > 0 ? 1 : 0);
  acq_attempts_ += s.status.acq_attempts;
  loop_resets_ += s.status.loop_resets;
  nonfinite_ += s.status.nonfinite_samples - std::min(s.status.nonfinite_samples, s.overlap_nonfinite);
}

size_t ParallelPskDemodulator::copy_out_locked(soft_t* out, size_t max) {
  anchors_.clear();
  const size_t n = std::min(max, out_.size() - read_);
  if (n == 0) return 0;
  std::memcpy(out, out_.data() + read_, n);
  const uint64_t first = out_base_ + read_;
  while (anchor_read_ < out_anchors_.size() && out_anchors_[anchor_read_].soft_index < first + n) {
    const SampleAnchor& a = out_anchors_[anchor_read_++];
    if (a.soft_index >= first) anchors_.push_back({static_cast<size_t>(a.soft_index - first), a.sample});
  }
  if (anchor_read_ == out_anchors_.size()) {
    out_anchors_.clear();
    anchor_read_ = 0;
  } else if (anchor_read_ > out_anchors_.capacity() / 2) {
    out_anchors_.erase(out_anchors_.begin(), out_anchors_.begin() + static_cast<std::ptrdiff_t>(anchor_read_));
    anchor_read_ = 0;
  }
  read_ += n;
  return n;
}

size_t ParallelPskDemodulator::pull(soft_t* out, size_t max) {
  std::lock_guard<std::mutex> lk(mu_);
  rethrow_locked();
  stitch_locked();
  return copy_out_locked(out, max);
}

size_t ParallelPskDemodulator::pull_wait(soft_t* out, size_t max) {
  std::unique_lock<std::mutex> lk(mu_);
  for (;;) {
    rethrow_locked();
    stitch_locked();
    if (read_ < out_.size() || max == 0) return copy_out_locked(out, max);
    if (finished_ && next_stitch_ == submitted_) {
      anchors_.clear();
      return 0;
    }
    cv_done_.wait(lk);
  }
}

bool ParallelPskDemodulator::done() const {
  std::lock_guard<std::mutex> lk(mu_);
  return finished_ && next_stitch_ == submitted_ && read_ == out_.size();
}

PskDemodStatus ParallelPskDemodulator::status() const {
  std::lock_guard<std::mutex> lk(mu_);
  PskDemodStatus st = seg_status_;
  st.symbols = (out_base_ + out_.size()) / bits_;
  st.nonfinite_samples = nonfinite_;
  st.acquisitions = acquisitions_;
  st.acq_attempts = acq_attempts_;
  st.loop_resets = loop_resets_;
  st.lock_symbol = lock_symbol_;
  return st;
}

uint64_t ParallelPskDemodulator::joins() const {
  std::lock_guard<std::mutex> lk(mu_);
  return joins_;
}

uint64_t ParallelPskDemodulator::failed_joins() const {
  std::lock_guard<std::mutex> lk(mu_);
  return failed_joins_;
}

void ParallelPskDemodulator::reset() {
  std::unique_lock<std::mutex> lk(mu_);
  // Queued segments are dropped; running ones stop at their next process() block.
  while (ready_count_ > 0) {
    ready_[ready_head_]->state = SlotState::done;
    ready_head_ = (ready_head_ + 1) % ready_.size();
    --ready_count_;
  }
  abort_ = true;
  cv_done_.wait(lk, [this] {
    for (auto& s : slots_)
      if (s->state == SlotState::running) return false;
    return true;
  });
  abort_ = false;
  reset_state_locked();
}

void ParallelPskDemodulator::reset_state_locked() {
  for (auto& s : slots_) s->state = SlotState::free;
  ready_head_ = ready_count_ = 0;
  error_ = nullptr;
  pos_ = 0;
  cur_ = next_ = nullptr;
  finished_ = false;
  submitted_ = 0;
  next_stitch_ = 0;
  out_.clear();
  read_ = 0;
  out_base_ = 0;
  out_anchors_.clear();
  anchor_read_ = 0;
  anchors_.clear();
  seg_status_ = PskDemodStatus{};
  acquisitions_ = acq_attempts_ = loop_resets_ = nonfinite_ = 0;
  lock_symbol_ = 0;
  joins_ = failed_joins_ = 0;
}

}  // namespace groundlink::dsp
