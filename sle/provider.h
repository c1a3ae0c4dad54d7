// SLE return-service provider (RAF CCSDS 911.1-B, RCF CCSDS 911.2-B) over ISP1 (CCSDS 913.1-B):
// one TCP listener per (host, port) shared by the service instances configured on it, one session
// per association. Frames enter through deliver() from the receive chain's thread; each started
// session assembles them into TRANSFER-BUFFERs (buffer size + latency limit) and writes them on
// its strand.
//
//   sle::ProviderConfig cfg;
//   sle::ServiceInstanceConfig raf;            // sii, port, auth, users, versions, delivery ...
//   cfg.instances.push_back(raf);
//   sle::SleProvider provider(cfg);            // validates (std::invalid_argument)
//   provider.start();                          // listens, runs the I/O threads
//   provider.deliver(frame);                   // for every checked frame, any thread
//   provider.stop();
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "framing/frame.h"
#include "sle/config.h"
#include "sle/frame_store.h"
#include "sle/time.h"

namespace groundlink::sle {

/// Counters of one service instance (since the provider started).
struct InstanceStats {
  bool bound = false;
  bool started = false;
  uint64_t starts = 0;            ///< successful STARTs
  uint64_t frames_delivered = 0;  ///< frames put into TRANSFER-BUFFERs
  uint64_t frames_discarded = 0;  ///< timely mode: frames dropped because the user fell behind
  uint64_t buffers_sent = 0;
  uint64_t associations = 0;      ///< successful BINDs
  uint64_t aborts = 0;            ///< associations ended by PEER-ABORT (either side) or loss
  uint64_t cltus_received = 0;    ///< CLTU: TRANSFER-DATA invocations
  uint64_t cltus_accepted = 0;    ///< CLTU: passed to the sink and accepted
  uint64_t queued_bytes = 0;      ///< octets waiting for the bound user (queue + write in progress)
  uint64_t queued_buffers = 0;    ///< messages waiting for the bound user
};

/// Lock and production status reported in STATUS-REPORT (911.1-B §3.7): inLock 0, outOfLock 1,
/// notInUse 2, unknown 3; production running 0, interrupted 1, halted 2.
struct LinkStatus {
  int frame_sync = 3, symbol_sync = 3, subcarrier = 3, carrier = 3;
  int production = 0;
};

class SleProvider {
 public:
  explicit SleProvider(ProviderConfig config);
  ~SleProvider();
  SleProvider(const SleProvider&) = delete;
  SleProvider& operator=(const SleProvider&) = delete;

  /// Opens the listeners (throws boost::system::system_error when a port cannot be bound) and
  /// starts the I/O threads.
  void start();
  /// Aborts open associations and stops the threads. Idempotent.
  void stop();

  /// TCP port a service instance listens on (the chosen one when configured as 0).
  uint16_t port(const std::string& sii) const;

  /// Feeds one frame to every started association whose filters (frame quality, RCF GVCID) it
  /// passes. Thread-safe. ERT from the frame's Earth-receive time when set, else now.
  /// In complete mode this blocks while a user's backlog is full.
  void deliver(const framing::Frame& frame);
  void deliver(const framing::Frame& frame, const SleTime& ert);
  /// Sends the end-of-data notification to every started association (end of pass).
  void end_of_data();

  /// Updates what STATUS-REPORT says. Started associations get a SYNC-NOTIFY (911.1-B §3.6.2.2):
  /// lossFrameSync when frame sync goes from inLock to not in lock, productionStatusChange when
  /// the production status changes.
  void set_link_status(const LinkStatus& s);
  /// Archive for rtnOffline service instances.
  void set_frame_store(std::shared_ptr<FrameStore> store);

  /// Forward CLTU: receives every CLTU accepted by a TRANSFER-DATA (after the sequence, length and
  /// BCH checks), on the association's I/O thread. Returning false rejects it (unableToProcess).
  /// Without a sink, CLTUs are accepted and counted only.
  struct CltuRequest {
    std::string sii;
    int64_t cltu_id = 0;
    const std::vector<uint8_t>* cltu = nullptr;
    std::optional<SleTime> earliest, latest;
    int64_t delay_us = 0;
  };
  void set_cltu_sink(std::function<bool(const CltuRequest&)> sink);

  InstanceStats stats(const std::string& sii) const;

  struct Core;

 private:
  std::shared_ptr<Core> core_;
};

}  // namespace groundlink::sle
