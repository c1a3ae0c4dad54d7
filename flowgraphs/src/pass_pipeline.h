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

namespace groundlink::app {

struct PipelineConfig {
  std::string archive_path;   ///< empty: no archive
  int retention_days = 0;
  std::string frames_out;     ///< empty: no frame file
  bool all_frames = false;
  bool keep_frames = false;   ///< keep the frames in memory (demo, tests)
  PassRecord pass;            ///< profile, source, start
};

class PassPipeline {
 public:
  explicit PassPipeline(const PipelineConfig& cfg);
  ~PassPipeline();

  /// From the receive chain's thread: hands the frame to every consumer (blocks while a
  /// complete-delivery consumer's queue is full: backpressure, never loss).
  void on_frame(const framing::Frame& f);
  /// End of pass: closes the bus and waits until every consumer has everything.
  void finish();

  framing::FrameBus& bus() { return bus_; }
  const FrameCollector& collector() const { return collector_; }
  uint64_t archived() const { return writer_ ? writer_->acknowledged() : 0; }
  FrameArchive* archive() { return archive_.get(); }
  int64_t pass_id() const { return pass_id_; }

 private:
  PipelineConfig cfg_;
  framing::FrameBus bus_;
  FrameCollector collector_;
  std::unique_ptr<FrameArchive> archive_;
  std::unique_ptr<ArchiveWriter> writer_;
  int64_t pass_id_ = 0;
  framing::SubscriptionPtr collector_sub_;
  std::thread collector_thread_;
  bool finished_ = false;
};

}  // namespace groundlink::app
