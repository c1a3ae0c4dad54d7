#include "framing/decoder_chain.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace groundlink::framing {

namespace {
// Symbols fed to a Viterbi decoder per call; bounds the lock-decision granularity (a lost lock
// restarts the other alignments at the next chunk boundary, < one frame later).
constexpr size_t kChunkSymbols = 4096;

// CCSDS 131.0-B-4 §3.5 puncturing: (information bits, channel symbols) per period.
void puncture_period(dsp::ConvRate r, size_t& bits, size_t& syms) {
  switch (r) {
    case dsp::ConvRate::r1_2: bits = 1; syms = 2; break;
    case dsp::ConvRate::r2_3: bits = 2; syms = 3; break;
    case dsp::ConvRate::r3_4: bits = 3; syms = 4; break;
    case dsp::ConvRate::r5_6: bits = 5; syms = 6; break;
    case dsp::ConvRate::r7_8: bits = 7; syms = 8; break;
  }
}
}  // namespace

void DecoderChainConfig::validate() const {
  if (coding != ChannelCoding::none && coding != ChannelCoding::conv)
    throw std::invalid_argument("chain.coding must be none or conv");
  if (viterbi_traceback < 35 || viterbi_traceback > 4096)
    throw std::invalid_argument("chain.viterbi_traceback must be in 35..4096, got " +
                                std::to_string(viterbi_traceback));
  if (symbol_rate_hz < 0 || !(symbol_rate_hz < 1e12))
    throw std::invalid_argument("chain.symbol_rate_hz must be 0 (no ERT) or in (0, 1e12)");
  frame.validate();
  FrameSyncConfig s = sync;
  s.block_bytes = frame.block_length();
  s.validate();
}

struct DecoderChain::Branch {
  Branch(int idx, const FrameSyncConfig& sc) : index(idx), sync(sc) {}
  int index;
  std::unique_ptr<dsp::ViterbiDecoder> vit;
  FrameSynchronizer sync;
  bool running = true;
  uint64_t start_sym = 0;  ///< absolute symbol index of this branch's first decoded symbol
  uint64_t skip = 0;       ///< symbols still to discard to reach the alignment
  bool has_held = false;
  Frame held;
  dsp::NrzmDecoder nrzm;
  BlockCallback on_block;  ///< built once: no std::function construction per chunk
};

DecoderChain::DecoderChain(const DecoderChainConfig& cfg) : cfg_(cfg) {
  cfg_.validate();
  cfg_.sync.block_bytes = cfg_.frame.block_length();
  tfd_ = std::make_unique<TransferFrameDecoder>(cfg_.frame);
  size_t n_branches = 1;
  if (cfg_.coding == ChannelCoding::conv) {
    puncture_period(cfg_.conv.rate, period_bits_, period_syms_);
    n_branches = period_syms_;
  }
  size_t bits_cap = kChunkSymbols;
  for (size_t i = 0; i < n_branches; ++i) {
    auto b = std::make_unique<Branch>(static_cast<int>(i), cfg_.sync);
    if (cfg_.coding == ChannelCoding::conv) {
      dsp::ViterbiConfig vc;
      vc.code = cfg_.conv;
      vc.traceback = cfg_.viterbi_traceback;
      vc.chunk_bits = kChunkSymbols;
      b->vit = std::make_unique<dsp::ViterbiDecoder>(vc);
      bits_cap = std::max(bits_cap, b->vit->max_output(kChunkSymbols));
    }
    b->held.data.reserve(cfg_.frame.frame_length);
    Branch* raw = b.get();
    b->on_block = [this, raw](const SyncedBlock& blk) { on_block(*raw, blk); };
    branches_.push_back(std::move(b));
  }
  // flush() releases the traceback window plus whatever the last chunk left inside.
  bits_.resize(2 * bits_cap + 2 * cfg_.viterbi_traceback + 64);
  if (cfg_.nrzm && cfg_.coding == ChannelCoding::none) soft_scratch_.resize(kChunkSymbols);
  scratch_.data.reserve(cfg_.frame.frame_length);
  reset();
}

DecoderChain::~DecoderChain() = default;

void DecoderChain::reset() {
  tfd_->reset();
  stats_ = {};
  sym_pos_ = 0;
  sequence_ = 0;
  active_ = -1;
  if (branches_.size() == 1) active_ = 0;
  activate_all(0);
  stats_.locked_alignment = -1;
}

void DecoderChain::activate_all(uint64_t at) {
  for (auto& bp : branches_) {
    Branch& b = *bp;
    if (active_ >= 0 && b.index == active_ && b.running) continue;  // keeps its state
    const uint64_t P = period_syms_;
    const uint64_t want = static_cast<uint64_t>(b.index) % P;
    b.skip = (want + P - at % P) % P;
    b.start_sym = at + b.skip;
    if (b.vit) b.vit->reset();
    b.nrzm.reset();
    b.sync.reset();
    b.has_held = false;
    b.running = true;
  }
}

void DecoderChain::process(const dsp::soft_t* sym, size_t n, std::vector<Frame>& out) {
  process(sym, n, [&out](const Frame& f) { out.push_back(f); });
}

void DecoderChain::flush(std::vector<Frame>& out) {
  flush([&out](const Frame& f) { out.push_back(f); });
}

void DecoderChain::process(const dsp::soft_t* sym, size_t n, const FrameCallback& cb) {
  cb_ = &cb;
  stats_.symbols += n;
  while (n > 0) {
    const size_t c = std::min(n, kChunkSymbols);
    for (auto& bp : branches_)
      if (bp->running) feed_branch(*bp, sym, c);
    sym += c;
    n -= c;
    sym_pos_ += c;
    if (branches_.size() > 1) update_alignment();
  }
  cb_ = nullptr;
}

void DecoderChain::update_alignment() {
  if (active_ >= 0) {
    Branch& a = *branches_[static_cast<size_t>(active_)];
    const SyncState st = a.sync.state();
    if (st == SyncState::lock) {
      // Back in lock (or never left it): the other alignments stop.
      for (auto& bp : branches_)
        if (bp->index != active_ && bp->running) stop_branch(*bp);
      return;
    }
    if (st == SyncState::flywheel) {
      // ASM missed: maybe a corrupted marker, maybe a symbol slip that moved the pair boundary.
      // The other alignments start searching now rather than after the flywheel runs out.
      bool others = false;
      for (auto& bp : branches_) others |= bp->index != active_ && bp->running;
      if (!others) activate_all(sym_pos_);
    } else if (st == SyncState::search || st == SyncState::check) {
      bool others = false;
      for (auto& bp : branches_) others |= bp->index != active_ && bp->running;
      if (!others) activate_all(sym_pos_);
      active_ = -1;
      stats_.locked_alignment = -1;
    }
  }
  // Any alignment in lock takes over; the others stop.
  for (auto& bp : branches_) {
    if (bp->running && bp->index != active_ && bp->sync.state() == SyncState::lock) {
      active_ = bp->index;
      stats_.locked_alignment = active_;
      for (auto& o : branches_)
        if (o->index != active_ && o->running) stop_branch(*o);
      return;
    }
  }
}

void DecoderChain::stop_branch(Branch& b) {
  b.running = false;
  if (b.has_held) ++stats_.false_syncs;
  b.has_held = false;
}

void DecoderChain::feed_branch(Branch& b, const dsp::soft_t* sym, size_t n) {
  if (b.skip > 0) {
    const size_t k = static_cast<size_t>(std::min<uint64_t>(b.skip, n));
    sym += k;
    n -= k;
    b.skip -= k;
  }
  if (n == 0) return;
  const uint64_t losses_before = b.sync.stats().sync_losses;
  if (!b.vit) {
    if (cfg_.nrzm) {
      b.nrzm.process_soft(sym, n, soft_scratch_.data());  // n <= kChunkSymbols
      sym = soft_scratch_.data();
    }
    b.sync.process(sym, n, b.on_block);
  } else {
    const size_t m = b.vit->process(sym, n, bits_.data());
    bits_to_sync(b, bits_.data(), m);
  }
  stats_.sync_losses += b.sync.stats().sync_losses - losses_before;
  after_sync(b);
}

void DecoderChain::bits_to_sync(Branch& b, uint8_t* bits, size_t n) {
  if (cfg_.nrzm) b.nrzm.process(bits, n, bits);  // in place, bits_ is the chain's scratch
  b.sync.process_bits(bits, n, b.on_block);
}

void DecoderChain::after_sync(Branch& b) {
  // The candidate the held block came from failed its check: it was a false sync.
  if (b.has_held && b.sync.state() == SyncState::search) {
    b.has_held = false;
    ++stats_.false_syncs;
  }
}

void DecoderChain::on_block(Branch& b, const SyncedBlock& blk) {
  const bool unconfirmed = blk.state == SyncState::search;
  if (unconfirmed && b.has_held) ++stats_.false_syncs;  // previous candidate never confirmed
  if (!unconfirmed && b.has_held) {
    b.has_held = false;
    deliver(b.held);
  }
  Frame& f = unconfirmed ? b.held : scratch_;
  tfd_->decode(blk.data, blk.size, f);
  f.inverted = blk.inverted;
  f.asm_errors = blk.asm_errors;
  f.flywheel = blk.state == SyncState::flywheel;
  f.bit_slip = blk.slip;
  f.truncated = blk.truncated;
  if (blk.truncated) f.quality = FrameQuality::erred;  // the input ended inside this frame
  // Stream bit j of this alignment ends at channel symbol start + ceil((j+1)*syms/bits) - 1.
  const uint64_t j = blk.symbol_index;
  f.symbol_index = b.start_sym + ((j + 1) * period_syms_ + period_bits_ - 1) / period_bits_ - 1;
  // Nominal-rate ERT from the chain's own configuration (a soft-symbol recording); the GNU Radio
  // block restamps frames from the demodulator's sample clock when it has one.
  f.ert = cfg_.symbol_rate_hz > 0
              ? cfg_.start_time.plus_ps(static_cast<int64_t>(
                    std::llround(static_cast<double>(f.symbol_index) * 1e12 / cfg_.symbol_rate_hz)))
              : cfg_.start_time;
  if (blk.state == SyncState::flywheel) ++stats_.flywheel_frames;
  if (unconfirmed) {
    b.has_held = true;
    return;
  }
  deliver(f);
}

void DecoderChain::deliver(Frame& f) {
  f.sequence = sequence_++;
  ++stats_.frames;
  switch (f.quality) {
    case FrameQuality::good: ++stats_.frames_good; break;
    case FrameQuality::erred: ++stats_.frames_erred; break;
    default: ++stats_.frames_undetermined; break;
  }
  stats_.rs_corrected += static_cast<uint64_t>(f.rs_ok ? f.rs_corrected : 0);
  if (!f.rs_ok) ++stats_.rs_failed;
  if (f.fecf_present && !f.fecf_ok) ++stats_.fecf_failed;
  if (!f.continuity_ok) {
    ++stats_.gaps;
    stats_.frames_missing += f.frames_missing;
  }
  if (cb_ && *cb_) (*cb_)(f);
}

void DecoderChain::flush(const FrameCallback& cb) {
  cb_ = &cb;
  for (auto& bp : branches_) {
    Branch& b = *bp;
    if (!b.running) continue;
    if (b.vit) {
      const size_t m = b.vit->flush(bits_.data());
      bits_to_sync(b, bits_.data(), m);
    }
    b.sync.flush(b.on_block);
    if (b.has_held) {
      // Unconfirmed at end of input: deliver only if its own checks passed.
      b.has_held = false;
      if (b.held.quality != FrameQuality::erred) deliver(b.held);
      else ++stats_.false_syncs;
    }
  }
  cb_ = nullptr;
}

}  // namespace groundlink::framing
