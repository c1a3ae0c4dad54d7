// CCSDS 131.0-B-4 §3 convolutional encoder and the soft-decision Viterbi decoder: rates,
// puncturing, depuncturing, the scalar reference kernel, dispatch, traceback and streaming.
#include "dsp/viterbi.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace groundlink::dsp {

// ---------------------------------------------------------------------------------------------
// Rates and puncturing (CCSDS 131.0-B-4 §3.5, table 3-1; 130.1-G table 4-1)
// ---------------------------------------------------------------------------------------------

ConvRate conv_rate_from_string(const std::string& s) {
  if (s == "1/2") return ConvRate::r1_2;
  if (s == "2/3") return ConvRate::r2_3;
  if (s == "3/4") return ConvRate::r3_4;
  if (s == "5/6") return ConvRate::r5_6;
  if (s == "7/8") return ConvRate::r7_8;
  throw std::invalid_argument("conv rate: '" + s + "' is not one of 1/2, 2/3, 3/4, 5/6, 7/8");
}

const char* to_string(ConvRate r) {
  switch (r) {
    case ConvRate::r1_2: return "1/2";
    case ConvRate::r2_3: return "2/3";
    case ConvRate::r3_4: return "3/4";
    case ConvRate::r5_6: return "5/6";
    case ConvRate::r7_8: return "7/8";
  }
  return "?";
}

double code_rate(ConvRate r) {
  const PuncturePattern p = puncture_pattern(r);
  return static_cast<double>(p.period) / p.symbols_per_period();
}

unsigned PuncturePattern::symbols_per_period() const {
  return static_cast<unsigned>(__builtin_popcount(c1_mask) + __builtin_popcount(c2_mask));
}

PuncturePattern puncture_pattern(ConvRate r) {
  // Bit j (LSB first) = column j+1 of the table; 1 = transmitted.
  switch (r) {
    case ConvRate::r1_2: return {1, 0b1, 0b1};
    case ConvRate::r2_3: return {2, 0b01, 0b11};                   // C1: 1 0      C2: 1 1
    case ConvRate::r3_4: return {3, 0b101, 0b011};                 // C1: 1 0 1    C2: 1 1 0
    case ConvRate::r5_6: return {5, 0b10101, 0b01011};             // C1: 1 0 1 0 1  C2: 1 1 0 1 0
    case ConvRate::r7_8: return {7, 0b1010001, 0b0101111};         // C1: 1 0 0 0 1 0 1
  }                                                                // C2: 1 1 1 1 0 1 0
  throw std::invalid_argument("conv rate: unknown value");
}

ConvCodeConfig ccsds_conv_code(ConvRate rate) {
  ConvCodeConfig c;
  c.rate = rate;
  c.invert_g2 = rate == ConvRate::r1_2;
  return c;
}

namespace {

inline uint32_t parity7(uint32_t x) { return static_cast<uint32_t>(__builtin_parity(x)); }

}  // namespace

// ---------------------------------------------------------------------------------------------
// Encoder
// ---------------------------------------------------------------------------------------------

ConvEncoder::ConvEncoder(const ConvCodeConfig& cfg) : cfg_(cfg) { (void)puncture_pattern(cfg.rate); }

void ConvEncoder::reset() {
  state_ = 0;
  punct_pos_ = 0;
}

size_t ConvEncoder::encode(const uint8_t* bits, size_t n, uint8_t* symbols) {
  const PuncturePattern p = puncture_pattern(cfg_.rate);
  const uint32_t inv = cfg_.invert_g2 ? 1u : 0u;
  size_t k = 0;
  for (size_t i = 0; i < n; ++i) {
    state_ = ((state_ << 1) | (bits[i] & 1u)) & 0x7Fu;
    if ((p.c1_mask >> punct_pos_) & 1u) symbols[k++] = static_cast<uint8_t>(parity7(state_ & kConvPolyG1));
    if ((p.c2_mask >> punct_pos_) & 1u)
      symbols[k++] = static_cast<uint8_t>(parity7(state_ & kConvPolyG2) ^ inv);
    if (++punct_pos_ == p.period) punct_pos_ = 0;
  }
  return k;
}

size_t ConvEncoder::terminate(uint8_t* symbols) {
  const uint8_t zeros[kConvTailBits] = {};
  return encode(zeros, kConvTailBits, symbols);
}

// ---------------------------------------------------------------------------------------------
// Kernels: table, scalar reference, dispatch, traceback
// ---------------------------------------------------------------------------------------------

namespace detail {

ViterbiBranchTable make_branch_table(bool invert_g2) {
  ViterbiBranchTable bt;
  for (uint32_t i = 0; i < 32; ++i) {
    const uint32_t reg = 2 * i;  // branch i -> 2i: u_{t-6} = 0, u_t = 0
    const uint32_t c1 = parity7(reg & kConvPolyG1);
    const uint32_t c2 = parity7(reg & kConvPolyG2) ^ (invert_g2 ? 1u : 0u);
    bt.label[i] = static_cast<uint8_t>(2 * c1 + c2);
  }
  return bt;
}

uint32_t viterbi_branch_distances(soft_t s0, soft_t s1) {
  const int q0 = viterbi_quantise(s0);
  const int q1 = viterbi_quantise(s1);
  const int a = std::abs(q0) + std::abs(q1);
  uint32_t w = 0;
  for (uint32_t label = 0; label < 4; ++label) {
    const int corr = ((label & 2) ? q0 : -q0) + ((label & 1) ? q1 : -q1);
    w |= static_cast<uint32_t>(a - corr) << (8 * label);
  }
  return w;
}

const uint32_t* viterbi_pair_table() {
  static const std::vector<uint32_t> table = [] {
    std::vector<uint32_t> t(65536);
    for (uint32_t v = 0; v < 65536; ++v)
      t[v] = viterbi_branch_distances(static_cast<soft_t>(static_cast<int8_t>(v & 0xFF)),
                                      static_cast<soft_t>(static_cast<int8_t>(v >> 8)));
    return t;
  }();
  return table.data();
}

// The reference: the rules of kViterbiRenormPeriod's comment, one state at a time.
void acs_scalar(const ViterbiBranchTable& bt, uint8_t* metrics, const soft_t* pairs, size_t n,
                uint64_t first_step, uint64_t* dec, TracebackJob* job) {
  uint8_t next[64];
  for (size_t t = 0; t < n; ++t) {
    job->step();
    const uint32_t dist = viterbi_branch_distances(pairs[2 * t], pairs[2 * t + 1]);
    uint64_t d = 0;
    for (int i = 0; i < 32; ++i) {
      const unsigned same = (dist >> (8 * bt.label[i])) & 0xFFu;        // label[i]
      const unsigned comp = (dist >> (8 * (3 - bt.label[i]))) & 0xFFu;  // its complement
      const unsigned lo = metrics[i], hi = metrics[i + 32];
      const unsigned l0 = std::min(255u, lo + same), u0 = std::min(255u, hi + comp);  // -> 2i
      const unsigned l1 = std::min(255u, lo + comp), u1 = std::min(255u, hi + same);  // -> 2i+1
      const bool d0 = u0 < l0, d1 = u1 < l1;
      next[2 * i] = static_cast<uint8_t>(d0 ? u0 : l0);
      next[2 * i + 1] = static_cast<uint8_t>(d1 ? u1 : l1);
      d |= static_cast<uint64_t>(d0) << (2 * i);
      d |= static_cast<uint64_t>(d1) << (2 * i + 1);
    }
    dec[t] = d;
    const unsigned phase = static_cast<unsigned>((first_step + t) % kViterbiRenormPeriod);
    if (phase == kViterbiRenormRecord) metrics[kAcsRenormByte] = *std::min_element(next, next + 64);
    const uint8_t sub = phase == kViterbiRenormApply ? metrics[kAcsRenormByte] : uint8_t{0};
    for (int i = 0; i < 64; ++i) metrics[i] = static_cast<uint8_t>(next[i] - sub);
  }
}

AcsKernel acs_kernel(SimdLevel level) {
  switch (clamp_simd_level(level)) {
    case SimdLevel::avx512:
#if defined(__x86_64__) || defined(__i386__)
      if (__builtin_cpu_supports("avx512vbmi")) return acs_avx512;
#endif
      return acs_avx2;
    case SimdLevel::avx2: return acs_avx2;
    default: return acs_scalar;
  }
}

void depuncture_scalar(const int8_t* slot_src, unsigned period, unsigned spp, const soft_t* in,
                       size_t periods, soft_t* out) {
  // Local copy: stores through soft_t (a char type) could alias slot_src, which would make the
  // compiler reload it after every byte.
  int8_t src[16];
  std::memcpy(src, slot_src, 2 * period);
  const unsigned slots = 2 * period;
  for (size_t p = 0; p < periods; ++p, in += spp, out += slots)
    for (unsigned j = 0; j < slots; ++j) out[j] = src[j] < 0 ? soft_t{0} : in[src[j]];
}

DepunctureKernel depuncture_kernel(SimdLevel level) {
#if defined(__x86_64__) || defined(__i386__)
  if (clamp_simd_level(level) == SimdLevel::avx512 && __builtin_cpu_supports("avx512vbmi"))
    return depuncture_avx512;
#endif
  (void)level;
  return depuncture_scalar;
}

uint32_t traceback(const uint64_t* dec, size_t n, uint32_t state, uint8_t* out, size_t n_out) {
  // State ns at the end of step t holds u_t in bit 0; its survivor predecessor is
  // (ns >> 1) | (decision << 5).
  uint64_t s = state & 63u;
  size_t t = n;
  while (t > n_out) {
    --t;
    s = (s >> 1) | (((dec[t] >> s) & 1u) << 5);
  }
  while (t > 0) {
    --t;
    out[t] = static_cast<uint8_t>(s & 1u);
    s = (s >> 1) | (((dec[t] >> s) & 1u) << 5);
  }
  return static_cast<uint32_t>(s);
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Decoder
// ---------------------------------------------------------------------------------------------

namespace {

// Start metric of the states a terminated block cannot begin in: the largest distance, so that
// any path from state 0 wins against them.
constexpr uint8_t kUnreachable = 255;

uint32_t best_state(const uint8_t* m) {
  uint32_t best = 0;  // smallest distance; ties go to the lowest state number
  for (uint32_t i = 1; i < 64; ++i)
    if (m[i] < m[best]) best = i;
  return best;
}

}  // namespace

struct ViterbiDecoder::Impl {
  detail::ViterbiBranchTable bt;
  detail::AcsKernel acs = nullptr;
  detail::DepunctureKernel depunct = nullptr;
  PuncturePattern pp{};
  alignas(64) uint8_t metrics[detail::kAcsStateBytes];
  // Decisions of the steps not yet released, double-buffered: while the full buffer is traced
  // back (interleaved with the ACS), the ACS fills the other one.
  std::vector<uint64_t> dec_buf[2];
  // Traceback of the last full buffer: it advances inside the ACS calls that follow, possibly
  // those of later process() calls, and writes into traced (chunk_bits + traceback bytes: the
  // job writes scratch past chunk_bits); its chunk_bits bits are released once it is done.
  detail::TracebackJob job;
  bool job_pending = false;
  std::vector<uint8_t> traced;
  int cur_buf = 0;
  uint64_t* dec = nullptr;
  size_t dec_cap = 0;
  size_t ndec = 0;
  uint64_t steps_done = 0;      // trellis steps since reset (renormalisation parity)
  std::vector<soft_t> pairs;    // depunctured symbol pairs, chunk_bits steps
  // Depuncturer position: step within the pattern period, slot (0 = C1, 1 = C2) of the next
  // transmitted symbol, and the current step's pair as far as received.
  unsigned pos = 0;
  unsigned slot = 0;
  bool partial = false;  // at least one symbol of the current step has arrived
  int8_t slot_src[16];   // per slot of a period: index of its symbol in the period, -1 = punctured
  soft_t cur[2] = {0, 0};

  bool transmitted(unsigned p, unsigned s) const {
    return (((s == 0 ? pp.c1_mask : pp.c2_mask) >> p) & 1u) != 0;
  }
  void advance_slot(size_t* k) {
    if (slot == 1) {
      pairs[2 * *k] = cur[0];
      pairs[2 * *k + 1] = cur[1];
      ++*k;
      slot = 0;
      partial = false;
      if (++pos == pp.period) pos = 0;
    } else {
      slot = 1;
    }
  }
  /// Depunctures symbols into pairs until max_steps steps are complete or the input ends;
  /// punctured slots become erasures (0), so a step whose last slot is punctured completes as
  /// soon as its last transmitted symbol arrives. *used = symbols consumed.
  size_t depuncture(const soft_t* soft, size_t n, size_t* used, size_t max_steps) {
    size_t k = 0;
    size_t i = 0;
    const unsigned spp = pp.symbols_per_period();
    const unsigned period = pp.period;
    for (;;) {
      if (pos == 0 && slot == 0) {
        // Period-aligned fast path: whole puncturing periods through the slot map.
        const size_t periods = std::min((n - i) / spp, (max_steps - k) / period);
        depunct(slot_src, period, spp, soft + i, periods, pairs.data() + 2 * k);
        k += periods * period;
        i += periods * spp;
      }
      // Slot by slot up to the next period boundary, then whole periods again: a call that
      // starts or stops inside a period (max_steps rarely is a multiple of the period) must
      // not leave the rest of the stream on this slow path.
      bool done = false;
      do {
        if (k == max_steps) {
          done = true;
          break;
        }
        if (!transmitted(pos, slot)) {
          cur[slot] = 0;
        } else {
          if (i == n) {
            done = true;
            break;
          }
          cur[slot] = soft[i++];
          partial = true;
        }
        advance_slot(&k);
      } while (pos != 0 || slot != 0);
      if (done) break;
    }
    *used = i;
    return k;
  }
  /// Runs the trellis over up to max_steps steps of the input; advances soft / n.
  void feed(const soft_t*& soft, size_t& n, size_t max_steps, detail::TracebackJob* job) {
    size_t steps = 0;
    size_t used = 0;
    if (pp.period == 1 && slot == 0 && n >= 2) {
      // Unpunctured and pair-aligned: the input already is the pair array.
      steps = std::min(max_steps, n / 2);
      used = 2 * steps;
      acs(bt, metrics, soft, steps, steps_done, dec + ndec, job);
    } else {
      steps = depuncture(soft, n, &used, std::min(max_steps, pairs.size() / 2));
      if (steps > 0) acs(bt, metrics, pairs.data(), steps, steps_done, dec + ndec, job);
    }
    ndec += steps;
    steps_done += steps;
    soft += used;
    n -= used;
  }
  /// Completes a step of which only C1 arrived (C2 = erasure).
  void complete_partial() {
    if (!partial) return;
    pairs[0] = cur[0];
    pairs[1] = 0;
    detail::TracebackJob idle;
    acs(bt, metrics, pairs.data(), 1, steps_done, dec + ndec, &idle);
    ++ndec;
    ++steps_done;
    partial = false;
    slot = 0;
  }
};

ViterbiDecoder::ViterbiDecoder(const ViterbiConfig& cfg)
    : cfg_(cfg), simd_(clamp_simd_level(cfg.simd)), impl_(std::make_unique<Impl>()) {
  if (cfg.traceback < 16 || cfg.traceback > 65536)
    throw std::invalid_argument("ViterbiConfig.traceback: must be in 16..65536 (>= 35 = 5*K advised)");
  if (cfg.chunk_bits < 64 || cfg.chunk_bits > (size_t{1} << 26))
    throw std::invalid_argument("ViterbiConfig.chunk_bits: must be in 64..67108864");
  impl_->pp = puncture_pattern(cfg.code.rate);
  {
    int8_t idx = 0;
    for (unsigned j = 0; j < impl_->pp.period; ++j) {
      impl_->slot_src[2 * j] = ((impl_->pp.c1_mask >> j) & 1u) ? idx++ : int8_t{-1};
      impl_->slot_src[2 * j + 1] = ((impl_->pp.c2_mask >> j) & 1u) ? idx++ : int8_t{-1};
    }
  }
  impl_->bt = detail::make_branch_table(cfg.code.invert_g2);
  impl_->acs = detail::acs_kernel(simd_);
  impl_->depunct = detail::depuncture_kernel(simd_);
  for (auto& b : impl_->dec_buf) b.resize(cfg.chunk_bits + cfg.traceback);
  impl_->traced.resize(cfg.chunk_bits + cfg.traceback);
  impl_->dec = impl_->dec_buf[0].data();
  impl_->dec_cap = impl_->dec_buf[0].size();
  impl_->pairs.resize(2 * (cfg.chunk_bits + cfg.traceback));
  reset();
}

ViterbiDecoder::~ViterbiDecoder() = default;

void ViterbiDecoder::reset() {
  Impl& m = *impl_;
  std::fill(std::begin(m.metrics), std::end(m.metrics), uint8_t{0});  // unknown start state
  m.ndec = 0;
  m.steps_done = 0;
  m.pos = 0;
  m.slot = 0;
  m.partial = false;
  m.cur[0] = m.cur[1] = 0;
  m.job = detail::TracebackJob{};
  m.job_pending = false;
}

size_t ViterbiDecoder::max_output(size_t n_symbols) const {
  return n_symbols + 8 + 2 * cfg_.chunk_bits + cfg_.traceback;
}

size_t ViterbiDecoder::process(const soft_t* soft, size_t n, uint8_t* out) {
  Impl& m = *impl_;
  const size_t cap = cfg_.chunk_bits + cfg_.traceback;
  size_t written = 0;
  // Releases the bits of the pending traceback (finishing it first if the ACS has not).
  auto release = [&](uint8_t* dst) {
    m.job.finish();
    std::memcpy(dst, m.traced.data(), cfg_.chunk_bits);
    m.job_pending = false;
  };
  while (n > 0) {
    m.feed(soft, n, cap - m.ndec, &m.job);
    if (m.ndec == cap) {
      // Release all but the last `traceback` decided steps: one traceback from the best state
      // over chunk_bits + traceback decisions (CCSDS 130.1-G §4: a path memory of 5*K or more
      // merges the survivors with high probability). It runs inside the next ACS calls; the
      // newest `traceback` decisions are copied to the other buffer, where the ACS goes on.
      if (m.job_pending) {
        release(out + written);  // the other buffer's traceback, if the ACS outran it
        written += cfg_.chunk_bits;
      }
      const int other = 1 - m.cur_buf;
      std::memcpy(m.dec_buf[other].data(), m.dec + cfg_.chunk_bits, cfg_.traceback * sizeof(uint64_t));
      m.job.dec = m.dec;
      m.job.t = cap;
      m.job.n_out = cfg_.chunk_bits;
      m.job.state = best_state(m.metrics);
      m.job.out = m.traced.data();
      m.job_pending = true;
      m.cur_buf = other;
      m.dec = m.dec_buf[other].data();
      m.ndec = cfg_.traceback;
    }
  }
  // A traceback still running goes on inside the next call's ACS instead of here, alone: the
  // order of the released bits is the same, only their release comes a call later.
  if (m.job_pending && m.job.t == 0) {
    release(out + written);
    written += cfg_.chunk_bits;
  }
  return written;
}

size_t ViterbiDecoder::flush(uint8_t* out) {
  Impl& m = *impl_;
  size_t written = 0;
  if (m.job_pending) {
    m.job.finish();
    std::memcpy(out, m.traced.data(), cfg_.chunk_bits);
    written = cfg_.chunk_bits;
  }
  // The stream may end inside a step: the symbols not received are erasures. process() never
  // leaves the decision memory full, so there is room for that step.
  m.complete_partial();
  const size_t n = m.ndec;
  if (n > 0) detail::traceback(m.dec, n, best_state(m.metrics), out + written, n);
  reset();
  return written + n;
}

size_t ViterbiDecoder::decode_block(const soft_t* soft, size_t n, uint8_t* out) {
  Impl& m = *impl_;
  reset();
  for (int i = 1; i < 64; ++i) m.metrics[i] = kUnreachable;
  // Steps in n symbols: whole periods plus the steps begun in the last partial period.
  const PuncturePattern& p = m.pp;
  const unsigned spp = p.symbols_per_period();
  size_t steps = (n / spp) * p.period;
  for (size_t rem = n % spp, j = 0; rem > 0; ++j) {
    const unsigned c = ((p.c1_mask >> j) & 1u) + ((p.c2_mask >> j) & 1u);
    rem = rem >= c ? rem - c : 0;
    ++steps;
  }
  auto& buf = m.dec_buf[m.cur_buf];
  if (buf.size() < steps + 1) buf.resize(steps + 1);  // one-time growth for long blocks
  m.dec = buf.data();
  m.dec_cap = buf.size();
  detail::TracebackJob idle;
  while (n > 0) m.feed(soft, n, m.dec_cap - m.ndec, &idle);
  m.complete_partial();
  const size_t total = m.ndec;
  const size_t info = total > kConvTailBits ? total - kConvTailBits : 0;
  if (total > 0) detail::traceback(m.dec, total, 0, out, info);
  reset();
  return info;
}

}  // namespace groundlink::dsp
