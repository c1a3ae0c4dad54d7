// CCSDS 131.0-B-4 §4 Reed-Solomon codec: scalar reference, decoder and SIMD dispatch.
//
// Field GF(2^8) with F(x) = x^8 + x^7 + x^2 + x + 1 (§4.3.2 a), alpha a root of F. The code
// generator has the 2E roots (alpha^11)^j, j = 128-E .. 127+E (§4.3.2 b), so every table here is
// derived from those two definitions at run time. Symbols are transmitted in the Berlekamp dual
// basis unless the configuration asks for the conventional one (§4.4.2).
//
// Decoding: syndromes (SIMD kernel when available), Berlekamp-Massey, Chien search over the
// transmitted positions only (shortened codes, §4.3.4), Forney, and a final syndrome check so
// that only codewords are ever reported as successes.
#include "dsp/reed_solomon.h"

#include <array>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace groundlink::dsp {

// SIMD syndrome kernels (reed_solomon_avx2.cc / reed_solomon_avx512.cc). buf256: 256 conventional
// symbols, coefficient of x^(255-n) at buf256[n]; tabs: split-nibble multiply tables, see
// build_kernel_tables(); nsyn: 16 or 32.
void rs_syndromes_avx2(const uint8_t* buf256, const uint8_t* tabs, int nsyn, uint8_t* out);
void rs_syndromes_avx512(const uint8_t* buf256, const uint8_t* tabs, int nsyn, uint8_t* out);

namespace {

constexpr int kN = 255;
constexpr int kFieldPoly = 0x187;  // x^8 + x^7 + x^2 + x + 1, CCSDS 131.0-B-4 §4.3.2 a
constexpr int kPrim = 11;          // generator roots are powers of alpha^11, §4.3.2 b
constexpr int kLogZero = 255;      // log of 0 (sentinel)

struct Gf {
  std::array<uint8_t, 2 * kN + 2> exp{};  // exp[i] = alpha^i, doubled so sums of logs need no mod
  std::array<int, 256> log{};
  Gf() {
    int x = 1;
    for (int i = 0; i < kN; ++i) {
      exp[i] = static_cast<uint8_t>(x);
      exp[i + kN] = static_cast<uint8_t>(x);
      log[x] = i;
      x <<= 1;
      if (x & 0x100) x ^= kFieldPoly;
    }
    exp[2 * kN] = exp[0];
    exp[2 * kN + 1] = exp[1];
    log[0] = kLogZero;
  }
  uint8_t mul(uint8_t a, uint8_t b) const {
    if (a == 0 || b == 0) return 0;
    return exp[log[a] + log[b]];
  }
  uint8_t pow_alpha(long e) const { return exp[((e % kN) + kN) % kN]; }
};

const Gf& gf() {
  static const Gf g;
  return g;
}

// Dual basis of §4.4.2: beta = alpha^117, (l_0..l_7) dual to (1, beta, .., beta^7) under the trace,
// so the dual-basis coordinate z_k of a field element u is Tr(u * beta^k); z_0 is sent first (MSB).
struct DualBasis {
  std::array<uint8_t, 256> to_dual{};
  std::array<uint8_t, 256> to_conv{};
  DualBasis() {
    const Gf& g = gf();
    auto trace = [&](uint8_t x) {
      uint8_t t = 0, p = x;
      for (int k = 0; k < 8; ++k) {
        t ^= p;
        p = g.mul(p, p);
      }
      return t;  // 0 or 1
    };
    std::array<bool, 256> seen{};
    for (int u = 0; u < 256; ++u) {
      uint8_t z = 0;
      for (int k = 0; k < 8; ++k) {
        const uint8_t t = trace(g.mul(static_cast<uint8_t>(u), g.pow_alpha(117L * k)));
        if (t & 1) z |= static_cast<uint8_t>(0x80 >> k);
      }
      to_dual[u] = z;
      if (seen[z]) throw std::logic_error("reed_solomon: dual basis transform is not bijective");
      seen[z] = true;
      to_conv[z] = static_cast<uint8_t>(u);
    }
  }
};

const DualBasis& dual() {
  static const DualBasis d;
  return d;
}

}  // namespace

uint8_t ReedSolomon::to_dual(uint8_t conventional) { return dual().to_dual[conventional]; }
uint8_t ReedSolomon::to_conventional(uint8_t d) { return dual().to_conv[d]; }

struct ReedSolomon::Impl {
  int e = 16;
  int nroots = 32;
  int fcr = 112;
  int n = 255;   // transmitted codeword length
  int k = 223;   // transmitted information symbols per codeword
  int depth = 1;
  bool dual = true;
  SimdLevel simd = SimdLevel::scalar;
  const Gf& g = gf();
  const uint8_t* to_conv = nullptr;  // nullptr: conventional basis on the wire
  const uint8_t* to_wire = nullptr;
  std::array<int, 32> root_log{};                 // log_alpha of the j-th generator root
  std::vector<uint8_t> gen_tab;                   // [f][i] = f * g_(2E-1-i), encoder feedback
  std::vector<uint8_t> ktabs;                     // SIMD kernel tables
  std::array<uint8_t, 256> buf{};                 // one codeword, conventional, zero-led
  std::array<uint8_t, 32> syn{};

  Impl(const RsConfig& c) {
    e = c.e;
    nroots = 2 * e;
    fcr = 128 - e;
    n = kN - c.virtual_fill;
    k = n - nroots;
    depth = c.interleave;
    dual = c.dual_basis;
    simd = c.simd;
    if (dual) {
      to_conv = ::groundlink::dsp::dual().to_conv.data();
      to_wire = ::groundlink::dsp::dual().to_dual.data();
    }
    for (int j = 0; j < nroots; ++j) root_log[j] = (kPrim * (fcr + j)) % kN;

    // g(x) = prod_j (x - alpha^(11 (fcr + j))), coefficients low to high, monic.
    std::vector<uint8_t> gp(nroots + 1, 0);
    gp[0] = 1;
    for (int j = 0; j < nroots; ++j) {
      const uint8_t r = g.exp[root_log[j]];
      for (int i = j + 1; i > 0; --i) gp[i] = static_cast<uint8_t>(gp[i - 1] ^ g.mul(gp[i], r));
      gp[0] = g.mul(gp[0], r);
    }
    gen_tab.assign(256 * nroots, 0);
    for (int f = 0; f < 256; ++f)
      for (int i = 0; i < nroots; ++i)
        gen_tab[f * nroots + i] = g.mul(static_cast<uint8_t>(f), gp[nroots - 1 - i]);

    build_kernel_tables();
  }

  // Split-nibble tables for multiplying by constants K: lo[v] = K*v, hi[v] = K*(v << 4).
  // Layout [q][lohi][j][16] with q = 0: c_j^16 (Horner over 16-symbol chunks), q = 1..4:
  // c_j, c_j^2, c_j^4, c_j^8 (folding the 16 lanes of a chunk into one value); consecutive
  // syndromes are adjacent so one 256/512-bit load holds the tables of 2/4 syndromes.
  void build_kernel_tables() {
    ktabs.assign(5 * 2 * nroots * 16, 0);
    const int pw[5] = {16, 1, 2, 4, 8};
    for (int q = 0; q < 5; ++q)
      for (int j = 0; j < nroots; ++j) {
        const uint8_t kc = g.pow_alpha(static_cast<long>(root_log[j]) * pw[q]);
        for (int v = 0; v < 16; ++v) {
          ktabs[((q * 2 + 0) * nroots + j) * 16 + v] = g.mul(kc, static_cast<uint8_t>(v));
          ktabs[((q * 2 + 1) * nroots + j) * 16 + v] = g.mul(kc, static_cast<uint8_t>(v << 4));
        }
      }
  }

  // Codeword i of the codeblock into b (conventional basis, 256 - n leading zeros).
  void gather(const uint8_t* cb, int i, uint8_t* b) const {
    const int lead = 256 - n;
    std::memset(b, 0, lead);
    uint8_t* d = b + lead;
    const uint8_t* s = cb + i;
    if (to_conv) {
      for (int t = 0; t < n; ++t) d[t] = to_conv[s[t * depth]];
    } else if (depth == 1) {
      std::memcpy(d, s, n);
    } else {
      for (int t = 0; t < n; ++t) d[t] = s[t * depth];
    }
  }

  // Scalar reference: Horner per syndrome.
  void syndromes_scalar(const uint8_t* b, uint8_t* out) const {
    const uint8_t* r = b + 256 - n;
    for (int j = 0; j < nroots; ++j) {
      const int lr = root_log[j];
      uint8_t s = 0;
      for (int t = 0; t < n; ++t) s = static_cast<uint8_t>((s ? g.exp[g.log[s] + lr] : 0) ^ r[t]);
      out[j] = s;
    }
  }

  void syndromes(const uint8_t* b, uint8_t* out) const {
    switch (simd) {
      case SimdLevel::avx512: rs_syndromes_avx512(b, ktabs.data(), nroots, out); return;
      case SimdLevel::avx2: rs_syndromes_avx2(b, ktabs.data(), nroots, out); return;
      default: syndromes_scalar(b, out); return;
    }
  }

  static bool all_zero(const uint8_t* s, int len) {
    uint8_t acc = 0;
    for (int j = 0; j < len; ++j) acc |= s[j];
    return acc == 0;
  }

  enum class Outcome { clean, corrected, fail_degree, fail_roots, fail_magnitude, fail_verify };

  // Corrects buf (conventional) given its non-zero syndromes; on success, fills pos/val with the
  // transmitted symbol indices and conventional error values and returns their count.
  Outcome correct(const uint8_t* s, int* pos, uint8_t* val, int* count) {
    const int R = nroots;
    // Berlekamp-Massey (Massey 1969): shortest LFSR Lambda generating S_0..S_{2E-1}.
    uint8_t lambda[33] = {1}, bpoly[33] = {1}, tmp[33];
    int L = 0, m = 1;
    uint8_t bd = 1;
    for (int r = 0; r < R; ++r) {
      uint8_t d = s[r];
      for (int i = 1; i <= L; ++i) d ^= g.mul(lambda[i], s[r - i]);
      if (d == 0) {
        ++m;
        continue;
      }
      const int coef_log = g.log[d] - g.log[bd] + kN;  // log(d / b)
      if (2 * L <= r) {
        std::memcpy(tmp, lambda, sizeof(tmp));
        for (int i = 0; i + m <= R; ++i)
          if (bpoly[i]) lambda[i + m] ^= g.exp[(g.log[bpoly[i]] + coef_log) % kN];
        L = r + 1 - L;
        std::memcpy(bpoly, tmp, sizeof(tmp));
        bd = d;
        m = 1;
      } else {
        for (int i = 0; i + m <= R; ++i)
          if (bpoly[i]) lambda[i + m] ^= g.exp[(g.log[bpoly[i]] + coef_log) % kN];
        ++m;
      }
    }
    int deg = 0;
    for (int i = R; i > 0; --i)
      if (lambda[i]) {
        deg = i;
        break;
      }
    if (deg > e || L > e) return Outcome::fail_degree;

    // Chien search over the transmitted symbols only: symbol t has polynomial degree
    // p = n-1-t and error locator X = (alpha^11)^p; test Lambda(X^-1) == 0.
    int lam_log[17];
    for (int i = 0; i <= deg; ++i) lam_log[i] = g.log[lambda[i]];
    int roots = 0;
    int root_p[16];
    for (int p = 0; p < n && roots < deg; ++p) {
      uint8_t acc = lambda[0];
      const int step = (kN - (kPrim * p) % kN) % kN;  // log X^-1
      int lg = 0;
      for (int i = 1; i <= deg; ++i) {
        lg += step;
        if (lg >= kN) lg -= kN;
        if (lam_log[i] != kLogZero) acc ^= g.exp[lam_log[i] + lg];
      }
      if (acc == 0) root_p[roots++] = p;
    }
    if (roots != deg) return Outcome::fail_roots;

    // Forney: e = X^(1-fcr) Omega(X^-1) / Lambda'(X^-1), Omega = S(x) Lambda(x) mod x^2E.
    uint8_t omega[32];
    for (int i = 0; i < R; ++i) {
      uint8_t acc = 0;
      for (int j = 0; j <= i && j <= deg; ++j) acc ^= g.mul(lambda[j], s[i - j]);
      omega[i] = acc;
    }
    const int one_minus_fcr = ((1 - fcr) % kN + kN) % kN;
    for (int r = 0; r < roots; ++r) {
      const int p = root_p[r];
      const int xlog = (kPrim * p) % kN;
      const int xinv = (kN - xlog) % kN;
      uint8_t num = 0;
      int lg = 0;
      for (int i = 0; i < R; ++i) {
        if (omega[i]) num ^= g.exp[(g.log[omega[i]] + lg) % kN];
        lg = (lg + xinv) % kN;
      }
      uint8_t den = 0;
      for (int i = 1; i <= deg; i += 2)
        if (lambda[i]) den ^= g.exp[(g.log[lambda[i]] + static_cast<long>(xinv) * (i - 1)) % kN];
      if (den == 0 || num == 0) return Outcome::fail_magnitude;
      const int vlog = (g.log[num] + static_cast<long>(xlog) * one_minus_fcr % kN - g.log[den] + 2 * kN) % kN;
      pos[r] = n - 1 - p;
      val[r] = g.exp[vlog];
    }
    *count = roots;
    return Outcome::corrected;
  }
};

ReedSolomon::ReedSolomon(const RsConfig& cfg) : cfg_(cfg), impl_(nullptr) {
  if (cfg.e != 8 && cfg.e != 16)
    throw std::invalid_argument("RsConfig.e must be 8 (RS(255,239)) or 16 (RS(255,223)), got " +
                                std::to_string(cfg.e));
  if (cfg.interleave < 1 || cfg.interleave > 8)
    throw std::invalid_argument("RsConfig.interleave must be in 1..8, got " +
                                std::to_string(cfg.interleave));
  const int max_fill = kN - 2 * cfg.e - 1;
  if (cfg.virtual_fill < 0 || cfg.virtual_fill > max_fill)
    throw std::invalid_argument("RsConfig.virtual_fill must be in 0.." + std::to_string(max_fill) +
                                ", got " + std::to_string(cfg.virtual_fill));
  const int s = static_cast<int>(cfg.simd);
  if (s < static_cast<int>(SimdLevel::scalar) || s > static_cast<int>(SimdLevel::avx512))
    throw std::invalid_argument("RsConfig.simd must be scalar, avx2 or avx512");
  cfg_.simd = clamp_simd_level(cfg.simd);
  impl_ = new Impl(cfg_);
}

ReedSolomon::~ReedSolomon() { delete impl_; }

size_t ReedSolomon::codeword_len() const { return static_cast<size_t>(impl_->n); }
size_t ReedSolomon::info_len() const {
  return static_cast<size_t>(cfg_.interleave) * static_cast<size_t>(impl_->k);
}
size_t ReedSolomon::codeblock_len() const {
  return static_cast<size_t>(cfg_.interleave) * static_cast<size_t>(impl_->n);
}

void ReedSolomon::reset() { stats_ = RsStats{}; }

void ReedSolomon::encode(const uint8_t* info, uint8_t* codeblock) const {
  const Impl& m = *impl_;
  const int depth = m.depth, R = m.nroots, k = m.k;
  // §4.3.5: the I codewords are interleaved symbol by symbol; the information part passes
  // through unchanged, followed by the 2E*I interleaved check symbols.
  std::memmove(codeblock, info, static_cast<size_t>(depth) * k);
  for (int i = 0; i < depth; ++i) {
    uint8_t par[33] = {0};
    for (int t = 0; t < k; ++t) {
      uint8_t sym = info[t * depth + i];
      if (m.to_conv) sym = m.to_conv[sym];
      const uint8_t f = sym ^ par[0];
      std::memmove(par, par + 1, R - 1);
      par[R - 1] = 0;
      const uint8_t* row = &m.gen_tab[f * R];
      for (int j = 0; j < R; ++j) par[j] ^= row[j];
    }
    for (int j = 0; j < R; ++j)
      codeblock[(k + j) * depth + i] = m.to_wire ? m.to_wire[par[j]] : par[j];
  }
}

void ReedSolomon::syndromes(const uint8_t* codeblock, uint8_t* out) const {
  alignas(64) uint8_t b[256];
  for (int i = 0; i < impl_->depth; ++i) {
    impl_->gather(codeblock, i, b);
    impl_->syndromes(b, out + i * impl_->nroots);
  }
}

bool ReedSolomon::check(const uint8_t* codeblock) const {
  alignas(64) uint8_t b[256];
  uint8_t s[32];
  for (int i = 0; i < impl_->depth; ++i) {
    impl_->gather(codeblock, i, b);
    impl_->syndromes(b, s);
    if (!Impl::all_zero(s, impl_->nroots)) return false;
  }
  return true;
}

RsResult ReedSolomon::decode(uint8_t* codeblock) {
  Impl& m = *impl_;
  RsResult res;
  alignas(64) uint8_t b[256];
  uint8_t s[32];
  for (int i = 0; i < m.depth; ++i) {
    ++stats_.codewords;
    m.gather(codeblock, i, b);
    m.syndromes(b, s);
    if (Impl::all_zero(s, m.nroots)) {
      ++stats_.clean;
      continue;
    }
    int pos[16], cnt = 0;
    uint8_t val[16];
    Impl::Outcome o = m.correct(s, pos, val, &cnt);
    if (o == Impl::Outcome::corrected) {
      // A word decoded from a locator that passes every check is a codeword by construction;
      // the re-check of the syndromes costs one kernel call and guards the "never a wrong
      // success" contract against any arithmetic slip.
      const int lead = 256 - m.n;
      for (int r = 0; r < cnt; ++r) b[lead + pos[r]] ^= val[r];
      m.syndromes(b, s);
      if (!Impl::all_zero(s, m.nroots)) o = Impl::Outcome::fail_verify;
    }
    switch (o) {
      case Impl::Outcome::corrected:
        for (int r = 0; r < cnt; ++r) {
          uint8_t& sym = codeblock[pos[r] * m.depth + i];
          sym ^= m.to_wire ? m.to_wire[val[r]] : val[r];  // the basis change is linear
        }
        res.corrected += cnt;
        continue;
      case Impl::Outcome::fail_degree: ++stats_.fail_degree; break;
      case Impl::Outcome::fail_roots: ++stats_.fail_roots; break;
      case Impl::Outcome::fail_magnitude: ++stats_.fail_magnitude; break;
      default: ++stats_.fail_verify; break;
    }
    res.ok = false;
    ++res.failed_codewords;
  }
  return res;
}

}  // namespace groundlink::dsp
