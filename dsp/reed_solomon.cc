// CCSDS 131.0-B-4 §4 Reed-Solomon codec: scalar reference, decoder and SIMD dispatch.
//
// Field GF(2^8) with F(x) = x^8 + x^7 + x^2 + x + 1 (§4.3), alpha a root of F. The code
// generator has the 2E roots (alpha^11)^j, j = 128-E .. 127+E (§4.3), so every table here is
// derived from those two definitions at run time. Symbols are transmitted in the Berlekamp dual
// basis unless the configuration asks for the conventional one (§4.4.2).
//
// Decoding: syndromes (SIMD kernel when available), Berlekamp-Massey, Chien search over the
// transmitted positions only (shortened codes, §4.3), Forney, and a final syndrome check so
// that only codewords are ever reported as successes.
#include "dsp/reed_solomon.h"

#include <array>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace groundlink::dsp {

// SIMD syndrome kernels (reed_solomon_avx2.cc / reed_solomon_avx512.cc). buf: 256 * depth bytes,
// an interleaved codeblock (depth 1, 2, 4 or 8) after 256 - n leading zero rows, so codeword i's
// coefficient of x^(255-t) is buf[t * depth + i]; conv: nullptr, or split-nibble tables (lo 16,
// hi 16) of the dual -> conventional transform, applied first (it is GF(2)-linear); tabs: see
// build_kernel_tables(); nsyn: 16 or 32; out[i * nsyn + j].
void rs_syndromes_avx2(const uint8_t* buf, int depth, const uint8_t* conv, const uint8_t* tabs,
                       int nsyn, uint8_t* out);
void rs_syndromes_avx512(const uint8_t* buf, int depth, const uint8_t* conv, const uint8_t* tabs,
                         int nsyn, uint8_t* out);
// SIMD Chien search kernels: bit p of zero_mask[4] set where Lambda(X_p^-1) == 0.
void rs_chien_avx2(const uint8_t* ptab, const uint8_t* ltab, int deg, uint8_t lambda0,
                   uint64_t* zero_mask);
void rs_chien_avx512(const uint8_t* ptab, const uint8_t* ltab, int deg, uint8_t lambda0,
                     uint64_t* zero_mask);

namespace {

constexpr int kN = 255;
constexpr int kFieldPoly = 0x187;  // x^8 + x^7 + x^2 + x + 1, CCSDS 131.0-B-4 §4.3
constexpr int kPrim = 11;          // generator roots are powers of alpha^11, §4.3
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
    for (int i = 0; i < 256; ++i) zlog[i] = static_cast<uint16_t>(i ? log[i] : kZLog0);
    for (int i = 0; i < 2 * kN; ++i) zexp[i] = exp[i];
  }
  // Branch-free variant for the decoder: zlog[0] = kZLog0 = 511 and zexp[i] = 0 for i >= 510, so
  // zexp[zlog[a] + zlog[b]] (+ any log < 255) is a * b (times alpha^log) including zeros.
  static constexpr int kZLog0 = 511;
  std::array<uint16_t, 256> zlog{};
  std::array<uint8_t, 1024 + 256> zexp{};
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

// Dual basis of §4.4.2: beta = alpha^117, (l_0..l_7) dual to (1, beta, .., beta^7) under the
// trace, so the dual-basis coordinate z_k of a field element u is Tr(u * beta^k); z_0 is sent
// first (MSB).
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
  int n = 255;  // transmitted codeword length
  int k = 223;  // transmitted information symbols per codeword
  int depth = 1;
  bool dual = true;
  SimdLevel simd = SimdLevel::scalar;
  const Gf& g = gf();
  const uint8_t* to_conv = nullptr;    // nullptr: conventional basis on the wire
  bool kernel_converts = false;        // SIMD kernel applies the dual -> conventional transform
  std::array<uint8_t, 32> conv_nib{};  // its split-nibble tables
  const uint8_t* to_wire = nullptr;
  std::array<int, 32> root_log{};    // log_alpha of the j-th generator root
  std::vector<uint8_t> gen_tab;      // [f][i] = f * g_(2E-1-i), encoder feedback
  std::vector<uint8_t> ktabs;        // SIMD syndrome kernel tables
  std::vector<uint8_t> ktabs_block;  // the same for a whole block (depth 2, 4, 8)
  bool block_kernel = false;         // SIMD kernel takes the whole codeblock
  std::vector<uint8_t> ptab;         // [k][p] = X_p^-k, SIMD Chien search
  std::vector<uint8_t> root_mul;     // [j][x] = c_j * x, scalar syndromes
  std::vector<uint8_t> chien_mul;    // [i][x] = x * alpha^(-11 i), scalar Chien

  explicit Impl(const RsConfig& c) {
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
      kernel_converts = simd != SimdLevel::scalar;
      for (int v = 0; v < 16; ++v) {
        conv_nib[v] = to_conv[v];
        conv_nib[16 + v] = to_conv[v << 4];
      }
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

    ktabs = build_kernel_tables(1);
    block_kernel =
        simd != SimdLevel::scalar && (depth == 1 || depth == 2 || depth == 4 || depth == 8);
    if (block_kernel && depth > 1) ktabs_block = build_kernel_tables(depth);
    chien_mul.assign(17 * 256, 0);
    for (int i = 0; i <= 16; ++i)
      for (int x = 0; x < 256; ++x)
        chien_mul[i * 256 + x] =
            g.mul(static_cast<uint8_t>(x), g.pow_alpha(-static_cast<long>(kPrim) * i));
    root_mul.assign(static_cast<size_t>(nroots) * 256, 0);
    for (int j = 0; j < nroots; ++j)
      for (int x = 0; x < 256; ++x)
        root_mul[j * 256 + x] = g.mul(g.exp[root_log[j]], static_cast<uint8_t>(x));
    ptab.assign(17 * 256, 0);
    for (int kk = 0; kk <= 16; ++kk)
      for (int p = 0; p < 256; ++p)
        ptab[kk * 256 + p] = g.pow_alpha(-static_cast<long>(kPrim) * p * kk);
  }

  // Split-nibble tables for multiplying by constants K: lo[v] = K*v, hi[v] = K*(v << 4).
  // Layout [q][lohi][j][16] with q = 0: c_j^(16/depth) (Horner over 16-byte chunks of the
  // interleaved block), q = 1..4: c_j, c_j^2, c_j^4, c_j^8 (folding the row offsets within a
  // chunk); consecutive syndromes are adjacent so one 256/512-bit load holds the tables of 2/4.
  std::vector<uint8_t> build_kernel_tables(int block_depth) const {
    std::vector<uint8_t> t(5 * 2 * nroots * 16, 0);
    const int pw[5] = {16 / block_depth, 1, 2, 4, 8};
    for (int q = 0; q < 5; ++q)
      for (int j = 0; j < nroots; ++j) {
        const uint8_t kc = g.pow_alpha(static_cast<long>(root_log[j]) * pw[q]);
        for (int v = 0; v < 16; ++v) {
          t[((q * 2 + 0) * nroots + j) * 16 + v] = g.mul(kc, static_cast<uint8_t>(v));
          t[((q * 2 + 1) * nroots + j) * 16 + v] = g.mul(kc, static_cast<uint8_t>(v << 4));
        }
      }
    return t;
  }

  // Codeword i of the codeblock into b (256 - n leading zeros), in the conventional basis unless
  // the SIMD kernel converts (then as on the wire).
  void gather(const uint8_t* cb, int i, uint8_t* b) const {
    const int lead = 256 - n;
    std::memset(b, 0, lead);
    uint8_t* d = b + lead;
    const uint8_t* s = cb + i;
    if (to_conv && !kernel_converts) {
      for (int t = 0; t < n; ++t) d[t] = to_conv[s[t * depth]];
    } else if (depth == 1) {
      std::memcpy(d, s, n);
    } else {
      for (int t = 0; t < n; ++t) d[t] = s[t * depth];
    }
  }

  // Scalar reference: Horner per syndrome, S_j <- S_j * c_j + r_t, with a 256-entry
  // multiply-by-c_j table per root; the 2E recurrences are independent and run side by side.
  void syndromes_scalar(const uint8_t* b, uint8_t* out) const {
    const uint8_t* r = b + 256 - n;
    uint8_t s[32] = {0};
    for (int t = 0; t < n; ++t) {
      const uint8_t x = r[t];
      for (int j = 0; j < nroots; ++j) s[j] = static_cast<uint8_t>(root_mul[j * 256 + s[j]] ^ x);
    }
    std::memcpy(out, s, nroots);
  }

  const uint8_t* conv() const { return kernel_converts ? conv_nib.data() : nullptr; }

  // Syndromes of one codeword gathered into b.
  void syndromes(const uint8_t* b, uint8_t* out) const {
    switch (simd) {
      case SimdLevel::avx512:
        rs_syndromes_avx512(b, 1, conv(), ktabs.data(), nroots, out);
        return;
      case SimdLevel::avx2:
        rs_syndromes_avx2(b, 1, conv(), ktabs.data(), nroots, out);
        return;
      default:
        syndromes_scalar(b, out);
        return;
    }
  }

  // Syndromes of every codeword of a codeblock, out[i * 2E + j].
  void syndromes_block(const uint8_t* cb, uint8_t* out) const {
    if (block_kernel) {
      alignas(64) uint8_t pb[256 * 8];
      const size_t lead = static_cast<size_t>(256 - n) * depth;
      std::memset(pb, 0, lead);
      std::memcpy(pb + lead, cb, static_cast<size_t>(n) * depth);
      const uint8_t* t = depth == 1 ? ktabs.data() : ktabs_block.data();
      if (simd == SimdLevel::avx512)
        rs_syndromes_avx512(pb, depth, conv(), t, nroots, out);
      else
        rs_syndromes_avx2(pb, depth, conv(), t, nroots, out);
      return;
    }
    alignas(64) uint8_t b[256];
    for (int i = 0; i < depth; ++i) {
      gather(cb, i, b);
      syndromes(b, out + i * nroots);
    }
  }

  static bool all_zero(const uint8_t* s, int len) {
    uint8_t acc = 0;
    for (int j = 0; j < len; ++j) acc |= s[j];
    return acc == 0;
  }

  // Locator roots by the SIMD Chien kernel; see rs_chien_avx2.
  int chien_simd(const uint8_t* lambda, int deg, int* root_p) const {
    alignas(64) uint8_t ltab[16 * 32];
    for (int k = 1; k <= deg; ++k) {
      uint8_t* lo = ltab + (k - 1) * 32;
      uint8_t* hi = lo + 16;
      // Multiplication by Lambda_k is GF(2)-linear: build the 16-entry tables from the images
      // of the bits (Lambda_k * 2^b) by XOR.
      uint8_t img[8];
      uint8_t x = lambda[k];
      for (int bit = 0; bit < 8; ++bit) {
        img[bit] = x;
        x = static_cast<uint8_t>((x << 1) ^ ((x & 0x80) ? (kFieldPoly & 0xff) : 0));
      }
      lo[0] = hi[0] = 0;
      for (int v = 1; v < 16; ++v) {
        const int low = v & -v;
        const int bit = __builtin_ctz(static_cast<unsigned>(v));
        lo[v] = lo[v ^ low] ^ img[bit];
        hi[v] = hi[v ^ low] ^ img[bit + 4];
      }
    }
    uint64_t zm[4];
    if (simd == SimdLevel::avx512)
      rs_chien_avx512(ptab.data(), ltab, deg, lambda[0], zm);
    else
      rs_chien_avx2(ptab.data(), ltab, deg, lambda[0], zm);
    zm[3] &= ~(uint64_t{1} << 63);  // p = 255 aliases p = 0 (X^255 = 1) and is never transmitted
    int roots = 0;
    for (int w = 0; w < 4; ++w) {
      uint64_t m = zm[w];
      while (m) {
        const int p = w * 64 + __builtin_ctzll(m);
        m &= m - 1;
        if (p >= n) return roots + 1 + deg;  // any root outside the transmitted part: reject
        if (roots == deg) return deg + 1;
        root_p[roots++] = p;
      }
    }
    return roots;
  }

  enum class Outcome { clean, corrected, fail_degree, fail_roots, fail_magnitude, fail_verify };

  // Corrects buf (conventional) given its non-zero syndromes; on success, fills pos/val with the
  // transmitted symbol indices and conventional error values and returns their count.
  Outcome correct(const uint8_t* s, int* pos, uint8_t* val, int* count) const {
    const int R = nroots;
    const uint8_t* ex = g.exp.data();
    const uint8_t* zx = g.zexp.data();
    const uint16_t* zl = g.zlog.data();
    int slog[32];
    for (int j = 0; j < R; ++j) slog[j] = zl[s[j]];
    // Berlekamp-Massey (Massey 1969): shortest LFSR Lambda generating S_0..S_{2E-1}.
    uint8_t lambda[33] = {1}, bpoly[33] = {1}, tmp[33];
    int L = 0, m = 1;
    uint8_t bd = 1;
    for (int r = 0; r < R; ++r) {
      uint8_t d = s[r];
      for (int i = 1; i <= L; ++i) d ^= zx[zl[lambda[i]] + slog[r - i]];
      if (d == 0) {
        ++m;
        continue;
      }
      int coef_log = g.log[d] - g.log[bd];  // log(d / b) in 0..254
      if (coef_log < 0) coef_log += kN;
      const bool grow = 2 * L <= r;
      if (grow) std::memcpy(tmp, lambda, sizeof(tmp));
      const int top = (grow ? r + 1 - L : L) - m;  // degree of B that still fits
      for (int i = 0; i <= top && i + m <= R; ++i) lambda[i + m] ^= zx[zl[bpoly[i]] + coef_log];
      if (grow) {
        L = r + 1 - L;
        std::memcpy(bpoly, tmp, sizeof(tmp));
        bd = d;
        m = 1;
      } else {
        ++m;
      }
    }
    int deg = 0;
    for (int i = R; i > 0; --i)
      if (lambda[i]) {
        deg = i;
        break;
      }
    // More than E errors, or a connection polynomial of length L whose top coefficient vanished
    // (deg < L): no error pattern of weight <= E has these syndromes.
    if (L > e || deg != L) return Outcome::fail_degree;

    // Chien search over the transmitted symbols only: symbol t has polynomial degree
    // p = n-1-t and error locator X = (alpha^11)^p; test Lambda(X^-1) == 0.
    int roots = 0;
    int root_p[17];
    if (simd != SimdLevel::scalar) {
      roots = chien_simd(lambda, deg, root_p);
    } else {
      // reg_i = Lambda_i X_p^-i, advanced by one position with a multiply-by-alpha^(-11 i) table.
      uint8_t reg[17];
      for (int i = 1; i <= deg; ++i) reg[i] = lambda[i];
      for (int p = 0; p < n && roots < deg; ++p) {
        uint8_t acc = lambda[0];
        for (int i = 1; i <= deg; ++i) {
          acc ^= reg[i];
          reg[i] = chien_mul[i * 256 + reg[i]];
        }
        if (acc == 0) root_p[roots++] = p;
      }
    }
    if (roots != deg) return Outcome::fail_roots;

    // Forney: e = X^(1-fcr) Omega(X^-1) / Lambda'(X^-1), Omega = S(x) Lambda(x) mod x^2E.
    // Berlekamp-Massey makes the terms of degree >= L vanish (the LFSR of length L generates
    // S_L..S_{2E-1}), so only Omega_0..Omega_{L-1} are computed.
    int omega_log[32];
    for (int i = 0; i < L; ++i) {
      uint8_t acc = s[i];
      for (int j = 1; j <= i && j <= deg; ++j) acc ^= zx[zl[lambda[j]] + slog[i - j]];
      omega_log[i] = zl[acc];
    }
    const int one_minus_fcr = ((1 - fcr) % kN + kN) % kN;
    for (int r = 0; r < roots; ++r) {
      const int p = root_p[r];
      const int xlog = (kPrim * p) % kN;
      const int xinv = (kN - xlog) % kN;
      uint8_t num = 0;
      int lg = 0;
      for (int i = 0; i < L; ++i) {
        num ^= zx[omega_log[i] + lg];
        lg += xinv;
        if (lg >= kN) lg -= kN;
      }
      uint8_t den = 0;
      const int x2 = (2 * xinv) % kN;
      lg = 0;
      for (int i = 1; i <= deg; i += 2) {
        den ^= zx[zl[lambda[i]] + lg];
        lg += x2;
        if (lg >= kN) lg -= kN;
      }
      if (den == 0 || num == 0) return Outcome::fail_magnitude;
      const int vlog = (g.log[num] + (xlog * one_minus_fcr) % kN + kN - g.log[den]) % kN;
      pos[r] = n - 1 - p;
      val[r] = ex[vlog];
    }
    *count = roots;
    return Outcome::corrected;
  }
};

ReedSolomon::ReedSolomon(const RsConfig& cfg) : cfg_(cfg) {
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
  impl_ = std::make_unique<Impl>(cfg_);
}

ReedSolomon::~ReedSolomon() = default;

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
  // §4.3: the I codewords are interleaved symbol by symbol; the information part passes
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
  impl_->syndromes_block(codeblock, out);
}

bool ReedSolomon::check(const uint8_t* codeblock) const {
  uint8_t s[8 * 32];
  impl_->syndromes_block(codeblock, s);
  return Impl::all_zero(s, impl_->depth * impl_->nroots);
}

RsResult ReedSolomon::decode(uint8_t* codeblock) {
  Impl& m = *impl_;
  RsResult res;
  alignas(64) uint8_t b[256];
  uint8_t syn[8 * 32];
  m.syndromes_block(codeblock, syn);
  for (int i = 0; i < m.depth; ++i) {
    ++stats_.codewords;
    uint8_t* s = syn + i * m.nroots;
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
      m.gather(codeblock, i, b);
      for (int r = 0; r < cnt; ++r)
        b[lead + pos[r]] ^= m.kernel_converts ? m.to_wire[val[r]] : val[r];
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
      case Impl::Outcome::fail_degree:
        ++stats_.fail_degree;
        break;
      case Impl::Outcome::fail_roots:
        ++stats_.fail_roots;
        break;
      case Impl::Outcome::fail_magnitude:
        ++stats_.fail_magnitude;
        break;
      default:
        ++stats_.fail_verify;
        break;
    }
    res.ok = false;
    ++res.failed_codewords;
  }
  return res;
}

}  // namespace groundlink::dsp
