// Delivery side of one pass: the receive chain publishes each frame once on the FrameBus; the
// archive writer, the frame file/counter and the SLE service instances consume it on their own
// threads (DESIGN.md "Threads": they meet only at the bus).
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "archive.h"
#include "frame_collector.h"
#include "framing/frame_bus.h"
#include "sle/frame_store.h"
#include "sle/provider.h"

namespace groundlink::app {

struct PipelineConfig {
  std::string archive_path;   ///< empty: no archive
  int retention_days = 0;
  std::string frames_out;     ///< empty: no frame file
  bool all_frames = false;
  bool keep_frames = false;   ///< keep the frames in memory (demo, tests)
  PassRecord pass;            ///< profile, source, start
  bool open_pass = true;      ///< archive: record `pass` now (false: at the first begin_pass())
};

class PassPipeline {
 public:
  explicit PassPipeline(const PipelineConfig& cfg);
  ~PassPipeline();

  /// From the receive chain's thread: hands the frame to every consumer (blocks while a
  /// complete-delivery consumer's queue is full: backpressure, never loss).
  void on_frame(const framing::Frame& f);
  /// End of pass: closes the bus and waits until every consumer has everything; SLE users get
  /// the end-of-data notification.
  void finish();
  /// Serves the pass's frames through an SLE provider (its own consumer thread; complete-mode
  /// instances hold the bus back rather than lose frames). Call before the first frame.
  void attach_sle(sle::SleProvider& provider);
  /// A new pass on the same bus (the station rebuilt its receive chain): the archive stores what
  /// it holds of the current pass, then files the frames that follow under a new pass record.
  /// Call while no frame is being published.
  void begin_pass(const PassRecord& pass);

  framing::FrameBus& bus() { return bus_; }
  const FrameCollector& collector() const { return collector_; }
  /// Frames acknowledged by the archive: committed (ArchiveWriter, durability note in archive.h),
  /// over every pass of this pipeline. A frame counted here survives the death of the process.
  uint64_t archived() const { return acked_.load(); }
  FrameArchive* archive() { return archive_.get(); }
  int64_t pass_id() const { return pass_id_; }

 private:
  PipelineConfig cfg_;
  framing::FrameBus bus_;
  FrameCollector collector_;
  std::unique_ptr<FrameArchive> archive_;
  std::unique_ptr<ArchiveWriter> writer_;
  int64_t pass_id_ = 0;
  std::atomic<uint64_t> acked_{0};
  framing::SubscriptionPtr collector_sub_;
  std::thread collector_thread_;
  sle::SleProvider* sle_ = nullptr;
  framing::SubscriptionPtr sle_sub_;
  std::thread sle_thread_;
  bool finished_ = false;
};

/// The frame archive as the SLE provider's store for offline RAF/RCF delivery.
class ArchiveFrameStore : public sle::FrameStore {
 public:
  explicit ArchiveFrameStore(FrameArchive& archive) : archive_(archive) {}
  void query(const sle::SleTime& from, const sle::SleTime& to,
             const std::function<bool(const framing::Frame&, const sle::SleTime& ert)>& sink) override;

 private:
  FrameArchive& archive_;
};

framing::Timestamp to_timestamp(const sle::SleTime& t);
sle::SleTime to_sle_time(const framing::Timestamp& t);

}  // namespace groundlink::app
