#include "framing/phase_ambiguity.h"

#include <algorithm>

namespace groundlink::framing {

namespace {
inline dsp::soft_t neg(dsp::soft_t v) { return static_cast<dsp::soft_t>(-v); }  // [-127,127] is closed
}  // namespace

void apply_pair_transform(PairTransform t, const dsp::soft_t* in, size_t n, int parity, dsp::soft_t* out) {
  if (t == PairTransform::identity) {
    std::copy(in, in + n, out);
    return;
  }
  if (t == PairTransform::conjugate) {
    // (a, b) -> (a, -b): negate every second value of a pair.
    for (size_t i = 0; i < n; ++i) out[i] = ((i + static_cast<size_t>(parity)) & 1) ? neg(in[i]) : in[i];
    return;
  }
  // swap: (a, b) -> (b, a); rotate: (a, b) -> (b, -a). Needs whole pairs: parity 0, n even
  // (AmbiguityResolvingDecoder holds an odd leftover value back until its partner arrives).
  for (size_t i = 0; i + 1 < n; i += 2) {
    const dsp::soft_t a = in[i], b = in[i + 1];
    out[i] = b;
    out[i + 1] = t == PairTransform::swap ? a : neg(a);
  }
}

struct AmbiguityResolvingDecoder::Branch {
  PairTransform transform;
  DecoderChain chain;
  uint64_t base = 0;     ///< absolute soft index of the chain's symbol 0
  bool active = true;
  Branch(PairTransform t, const DecoderChainConfig& c) : transform(t), chain(c) {}
};

AmbiguityResolvingDecoder::AmbiguityResolvingDecoder(const AmbiguityResolverConfig& cfg) : cfg_(cfg) {
  cfg_.chain.validate();
  std::vector<PairTransform> ts{PairTransform::identity};
  if (cfg.iq_pairs) {
    ts.push_back(PairTransform::rotate);
    if (cfg.spectral_inversion) {
      ts.push_back(PairTransform::conjugate);
      ts.push_back(PairTransform::swap);
    }
  }
  for (auto t : ts) chains_.push_back(std::make_unique<Branch>(t, cfg_.chain));
  scratch_.resize(kChunk);
  active_ = chains_.size() == 1 ? 0 : -1;
}

AmbiguityResolvingDecoder::~AmbiguityResolvingDecoder() = default;

void AmbiguityResolvingDecoder::reset() {
  for (auto& b : chains_) {
    b->chain.reset();
    b->base = 0;
    b->active = true;
  }
  active_ = chains_.size() == 1 ? 0 : -1;
  pos_ = 0;
  has_pending_ = false;
}

void AmbiguityResolvingDecoder::activate_all() {
  for (size_t i = 0; i < chains_.size(); ++i) {
    auto& b = *chains_[i];
    if (static_cast<int>(i) == active_ || b.active) continue;
    b.chain.reset();
    b.base = pos_;
    b.active = true;
  }
  active_ = -1;
}

void AmbiguityResolvingDecoder::feed(const dsp::soft_t* symbols, size_t take, const FrameCallback& cb) {
  // take is even and pos_ is even: whole (I, Q) pairs.
  for (size_t k = 0; k < chains_.size(); ++k) {
    auto& b = *chains_[k];
    if (!b.active) continue;
    const dsp::soft_t* in = symbols;
    if (b.transform != PairTransform::identity) {
      apply_pair_transform(b.transform, symbols, take, 0, scratch_.data());
      in = scratch_.data();
    }
    const uint64_t base = b.base;
    b.chain.process(in, take, [&](const Frame& f) {
      frame_ = f;
      frame_.symbol_index += base;
      cb(frame_);
    });
  }
  pos_ += take;
  // The first chain to lock wins; the others rest until it loses lock.
  if (active_ < 0) {
    for (size_t k = 0; k < chains_.size(); ++k) {
      if (chains_[k]->active && chains_[k]->chain.stats().locked_alignment >= 0) {
        active_ = static_cast<int>(k);
        last_locked_ = active_;
        for (size_t m = 0; m < chains_.size(); ++m)
          if (m != k) chains_[m]->active = false;
        break;
      }
    }
  } else if (chains_[static_cast<size_t>(active_)]->chain.stats().locked_alignment < 0) {
    activate_all();
  }
}

void AmbiguityResolvingDecoder::process(const dsp::soft_t* symbols, size_t n, const FrameCallback& cb) {
  if (chains_.size() == 1) {
    chains_[0]->chain.process(symbols, n, cb);
    pos_ += n;
    return;
  }
  size_t i = 0;
  if (has_pending_ && n > 0) {
    const dsp::soft_t pair[2] = {pending_, symbols[0]};
    feed(pair, 2, cb);
    has_pending_ = false;
    i = 1;
  }
  while (n - i >= 2) {
    size_t take = std::min(kChunk, n - i);
    take &= ~static_cast<size_t>(1);
    feed(symbols + i, take, cb);
    i += take;
  }
  if (i < n) {
    pending_ = symbols[i];
    has_pending_ = true;
  }
}

void AmbiguityResolvingDecoder::flush(const FrameCallback& cb) {
  if (has_pending_) {
    // A last unpaired value: its partner never arrived; an erasure completes the pair.
    const dsp::soft_t pair[2] = {pending_, 0};
    feed(pair, 2, cb);
    has_pending_ = false;
  }
  for (auto& b : chains_) {
    if (!b->active) continue;
    const uint64_t base = b->base;
    b->chain.flush([&](const Frame& f) {
      frame_ = f;
      frame_.symbol_index += base;
      cb(frame_);
    });
  }
}

DecoderChainStats AmbiguityResolvingDecoder::stats() const {
  const int k = active_ >= 0 ? active_ : last_locked_;
  DecoderChainStats s = chains_[static_cast<size_t>(k)]->chain.stats();
  s.symbols = pos_;
  return s;
}

}  // namespace groundlink::framing
