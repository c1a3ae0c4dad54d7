// One sample stream demodulated on several cores: the stream is cut into overlapping segments,
// each segment is demodulated by its own PskDemodulator on a worker thread, and the soft-symbol
// outputs are stitched into ONE continuous stream that downstream decoders (Viterbi, frame sync)
// cannot tell from a single demodulator's: no symbol slipped, duplicated or dropped at a join,
// and one carrier-phase ambiguity throughout (segment 0's).
//
// Segments. Segment j nominally covers input samples [s_j, s_{j+1}), s_j = j * segment_samples.
// Its demodulator is reset() and fed from s_j - overlap (segment 0 from 0) to s_{j+1} (the last
// segment to the end of the stream), then flush()ed. The overlap lets segment j acquire (FFT
// search) and settle its loops on samples that segment j-1 also demodulates.
//
// Joins. The output switches from segment j-1 to segment j at J_j = s_j - guard, where guard is
// the matched filter's half length plus a few symbols: every symbol of segment j-1 before J_j
// still had all its filter look-ahead (the flush zeros at s_j do not reach it), while segment j
// has had (overlap - guard) samples to acquire and settle. Which soft of each segment sits at
// J_j is predicted from the segments' anchors (PskDemodulator::anchors(): soft index -> input
// sample of that symbol's on-time instant), then refined by correlating hard decisions of the
// last `kJoinWindow` stitched softs with segment j's softs over every candidate of
//   shift d (softs, within +/- kJoinSearchSymbols of the prediction) x phase ambiguity:
//   BPSK   sign (2);
//   QPSK   the 4 rotations of (I, Q) pairs (I,Q), (-Q,I), (-I,-Q), (Q,-I), d even;
//   OQPSK  a 90 deg rotation moves the I channel onto the Q one, half a symbol later, so it
//          shifts the time-ordered soft stream by one soft: any d, and a sign per even/odd
//          position of segment j's stream (4 patterns).
// The best agreement wins, ties go to the candidate nearest the prediction. Since segment j is
// compared with the already transformed output, its transform composes with segment j-1's: the
// whole stream is in segment 0's phase (and segment 0 is exactly a single demodulator's output
// up to J_1). When no candidate agrees on at least kJoinMinAgreement of the window (no signal,
// a segment that did not lock), the join is counted as failed, the predicted shift is taken
// with no phase transform, and the stream goes on: the decoder then sees what it sees after a
// single demodulator's re-acquisition (a new phase ambiguity). Time for which the new segment
// has no output (no signal, a late acquisition) is filled with erasures (soft 0), so the stream
// keeps its length in time and the frame synchroniser notices the missing markers.
//
// Determinism: every segment's demodulator sees the same samples from its reset() whatever the
// caller's push() sizes and whichever worker runs it, and stitching runs in segment order, so
// the output is a function of the input samples and the configurations alone.
//
// Threads: `threads` workers are started in the constructor and joined in the destructor. A
// fixed pool of segment slots (threads + 3) holds preallocated input and output buffers; each
// worker owns one PskDemodulator. Locks and condition variables are used once per segment
// hand-off and once per push()/pull() call, never per sample. Stitching runs on the caller's
// thread inside push() (when it needs a free slot), pull() and pull_wait(), into an output
// buffer that only grows if the caller does not pull (a caller that pushes a whole recording
// before pulling needs about bits_per_symbol / samples_per_symbol bytes per input sample).
// push() and pull() may be called from two different threads (one producer, one consumer).
#pragma once

#include <complex>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <atomic>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "dsp/psk_demod.h"
#include "dsp/soft.h"

namespace groundlink::dsp {

struct ParallelDemodConfig {
  unsigned threads = 2;             ///< worker threads, 1..16
  size_t segment_samples = 1 << 20; ///< nominal segment length, >= 4 overlaps, <= 2^28
  /// Samples each segment's demodulator sees before its nominal start; 0 = automatic
  /// (ParallelPskDemodulator::automatic_overlap). Explicit: at least minimum_overlap().
  size_t overlap_samples = 0;
  void validate(const PskDemodConfig& demod) const;
};

class ParallelPskDemodulator {
 public:
  using SampleAnchor = PskDemodulator::SampleAnchor;

  /// Softs of the hard-decision window compared at a join, and the agreement a join needs.
  /// With the same samples on both sides a settled pair of demodulators agrees on > 95% of
  /// hard decisions even at Es/N0 = 0 dB; an unrelated candidate agrees on 50% +/- 1.1%.
  static constexpr size_t kJoinWindow = 2048;
  static constexpr size_t kJoinMinWindow = 512;  ///< when a segment started late (2.2% std)
  static constexpr double kJoinMinAgreement = 0.7;
  /// Shift searched around the predicted one, symbols each way (the prediction is good to a
  /// fraction of a symbol; more covers a timing slip inside the overlap).
  static constexpr unsigned kJoinSearchSymbols = 16;

  /// Overlap derived from the demodulator configuration (see the .cc for the derivation):
  /// acquisition (acq_symbols plus the rest of its 2048-sample chunk), loop settling (4 time
  /// constants of the slower loop, at least 1024 symbols: carrier lock is declared after >= 512
  /// tracked symbols), the join window, the search range and the guard; whole 2048-sample chunks.
  static size_t automatic_overlap(const PskDemodConfig& demod);
  /// The least explicit overlap accepted: acquisition, 1024 settling symbols, window, guard.
  static size_t minimum_overlap(const PskDemodConfig& demod);

  ParallelPskDemodulator(const PskDemodConfig& demod, const ParallelDemodConfig& par);
  ~ParallelPskDemodulator();
  ParallelPskDemodulator(const ParallelPskDemodulator&) = delete;
  ParallelPskDemodulator& operator=(const ParallelPskDemodulator&) = delete;

  /// Back to the state after construction: segments in flight are finished and discarded, a
  /// stored worker error is cleared.
  void reset();

  /// Appends n samples (copied). Blocks only while every segment slot is busy. Throws a worker's
  /// exception, and std::logic_error after finish().
  void push(const std::complex<float>* in, size_t n);
  /// End of the stream: the last segment is demodulated to the end and flushed.
  void finish();

  /// Stitched softs that are ready, up to max; never blocks (beyond a segment hand-off).
  size_t pull(soft_t* out, size_t max);
  /// As pull(), but waits until some output is ready, or returns 0 when the stream is finished
  /// and everything was pulled. Before finish() it waits for segments to complete, so a single
  /// thread that has not called finish() must use pull() (its own pushes are what it waits for).
  size_t pull_wait(soft_t* out, size_t max);
  /// finish() was called and every soft was pulled.
  bool done() const;

  /// Anchors of the softs returned by the last pull()/pull_wait(): index in that call's output,
  /// input position in samples since construction or reset() (same meaning as
  /// PskDemodulator::anchors(): the on-time instant of the symbol starting at that soft).
  const std::vector<SampleAnchor>& anchors() const { return anchors_; }

  /// The newest stitched segment's loop figures; counters over the whole stream: symbols =
  /// stitched softs / bits per symbol, nonfinite_samples counted once per input sample,
  /// acquisitions = all segments' acquisitions less one per successful join (a join continues
  /// the signal rather than acquiring it anew), acq_attempts and loop_resets summed;
  /// lock_symbol from segment 0.
  PskDemodStatus status() const;
  /// Joins stitched so far, and those where no candidate agreed (see above).
  uint64_t joins() const;
  uint64_t failed_joins() const;

  const PskDemodConfig& demod_config() const { return demod_cfg_; }
  const ParallelDemodConfig& config() const { return cfg_; }
  size_t overlap_samples() const { return overlap_; }

 private:
  struct Slot;
  struct Transform {
    int shift = 0;   // d, softs
    int rot = 0;     // QPSK rotation index (multiples of 90 deg)
    int sign_even = 1, sign_odd = 1;  // BPSK/OQPSK signs by parity of the segment's soft index
  };
  enum class SlotState { free, filling, ready, running, done };

  void worker_main(unsigned w);
  void run_segment(PskDemodulator& demod, Slot& s);
  Slot* acquire_slot_locked(std::unique_lock<std::mutex>& lk, uint64_t segment);
  void submit_locked(Slot* s, bool last);
  void stitch_locked();
  void stitch_segment(Slot& s);
  bool find_join(const Slot& s, size_t predicted, Transform& t, double& agreement) const;
  void make_room(size_t n);
  void append_erasures(size_t n, double sample);
  void append_transformed(const Slot& s, size_t q0, size_t q1, const Transform& t);
  size_t predict_index(const Slot& s, double sample, bool& ok) const;
  double sample_of(const Slot& s, size_t q) const;
  double anchor_period(const Slot& s, size_t i) const;
  size_t copy_out_locked(soft_t* out, size_t max);
  void rethrow_locked();
  void reset_state_locked();

  PskDemodConfig demod_cfg_;
  ParallelDemodConfig cfg_;
  unsigned bits_;
  size_t overlap_ = 0;
  size_t guard_ = 0;          // J_j = s_j - guard_
  size_t slot_input_cap_ = 0;
  static constexpr size_t kProcessBlock = 65536;  // samples per PskDemodulator::process() call

  mutable std::mutex mu_;
  std::condition_variable cv_work_;  // workers: a slot became ready, or stop
  std::condition_variable cv_done_;  // callers: a slot finished, or finish()
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<Slot*> ready_;         // FIFO ring of slots to run, capacity = slots
  size_t ready_head_ = 0, ready_count_ = 0;
  std::vector<std::thread> workers_;
  std::vector<std::unique_ptr<PskDemodulator>> demods_;
  bool stop_ = false;
  std::atomic<bool> abort_{false};  // reset()/destructor: workers drop their segment
  std::exception_ptr error_;

  // Input side (the pushing thread).
  uint64_t pos_ = 0;                  // samples pushed
  Slot* cur_ = nullptr;               // slot of segment pos_ / segment_samples
  Slot* next_ = nullptr;              // slot of the next segment once its overlap begins
  bool finished_ = false;
  uint64_t submitted_ = 0;            // segments handed to workers

  // Stitching (under mu_).
  uint64_t next_stitch_ = 0;          // segment to stitch next
  std::vector<soft_t> out_;           // stitched softs; out_[read_..] not yet pulled, and the
  size_t read_ = 0;                   // last kJoinWindow stay for the next join
  uint64_t out_base_ = 0;             // stitched index of out_[0]
  std::vector<SampleAnchor> out_anchors_;  // stitched index -> sample, not yet pulled
  size_t anchor_read_ = 0;
  std::vector<SampleAnchor> anchors_;      // of the last pull
  PskDemodStatus seg_status_;        // newest stitched segment's
  uint64_t acquisitions_ = 0, acq_attempts_ = 0, loop_resets_ = 0, nonfinite_ = 0;
  uint64_t lock_symbol_ = 0;
  uint64_t joins_ = 0, failed_joins_ = 0;
};

}  // namespace groundlink::dsp
