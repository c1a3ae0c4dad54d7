// Provider side of one SLE association (internal to the provider). The state machine follows
// CCSDS 911.1-B §4 (RAF) / 911.2-B §4 (RCF): unbound -> BIND -> ready -> START -> active -> STOP
// -> ready -> UNBIND -> closed; anything else is a protocol error answered with PEER-ABORT.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "framing/frame.h"
#include "sle/config.h"
#include "sle/credentials.h"
#include "sle/provider.h"
#include "sle/tml_endpoint.h"

namespace groundlink::sle {

struct InstanceState {
  ServiceInstanceConfig cfg;
  ServiceInstanceId sii;
  uint16_t bound_port = 0;
  // Guarded by Core::mu.
  bool bound = false;
  std::atomic<uint64_t> frames_delivered{0}, frames_discarded{0}, buffers_sent{0}, associations{0}, aborts{0}, starts{0};
  std::atomic<bool> started{false};
  std::atomic<uint64_t> cltus_received{0}, cltus_accepted{0};
};

class ProviderSession;
class Listener;

struct SleProvider::Core {
  ProviderConfig config;
  boost::asio::io_context ioc;
  std::vector<std::unique_ptr<InstanceState>> instances;
  mutable std::mutex mu;  // bound flags, session list
  std::vector<std::weak_ptr<ProviderSession>> sessions;
  std::shared_ptr<const std::vector<std::shared_ptr<ProviderSession>>> active =
      std::make_shared<std::vector<std::shared_ptr<ProviderSession>>>();
  std::atomic<int> frame_sync{3}, symbol_sync{3}, subcarrier{3}, carrier{3}, production{0};
  std::shared_ptr<FrameStore> store;
  std::function<bool(const SleProvider::CltuRequest&)> cltu_sink;  // guarded by mu
  std::atomic<int> offline_workers{0};
  std::atomic<int> running_threads{0};
  std::atomic<bool> stopping{false};
  // Runtime (guarded by run_mu): listeners and I/O threads while started.
  std::mutex run_mu;
  std::vector<std::shared_ptr<Listener>> listeners;
  std::vector<std::thread> threads;
  std::unique_ptr<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work;

  void set_active(const std::shared_ptr<ProviderSession>& s, bool on);
};

class ProviderSession : public TmlEndpoint {
 public:
  ProviderSession(Socket socket, std::shared_ptr<SleProvider::Core> core, std::vector<InstanceState*> candidates,
                  const TmlSettings& tml);
  ~ProviderSession() override;

  /// Data path, any thread.
  void offer(const framing::Frame& f, const SleTime& ert);
  void offer_end_of_data();
  /// SYNC-NOTIFY (loss of frame sync, production status change, end of data) into the stream.
  void offer_notification(SyncNotification n);
  /// Octets and TRANSFER-BUFFERs queued for this user (provider queue + the write in progress).
  void queued(uint64_t& bytes, uint64_t& buffers);

 protected:
  void on_pdu(const uint8_t* p, size_t n) override;
  void on_closed(const std::string& reason, int abort_diag) override;
  void pull(std::vector<std::vector<uint8_t>>& out) override;
  void recycle(std::vector<uint8_t>&& buf) override;

 private:
  enum State { unbound = 0, ready = 1, active = 2, closed = 3 };
  struct OutMsg {
    std::vector<uint8_t> bytes;
    int frames = 0;  ///< > 0 for TRANSFER-BUFFERs (the only messages that may be discarded)
    bool notify = false;  ///< carries a SYNC-NOTIFY other than excessive data backlog: never discarded
  };
  std::shared_ptr<ProviderSession> self() { return std::static_pointer_cast<ProviderSession>(shared_from_this()); }

  void handle(Pdu&& pdu);
  void handle_bind(const BindInvocation& b);
  bool check_invoker(const Credentials& c);
  Credentials our_credentials(bool for_bind);
  void reply(const Pdu& pdu);  // strand
  void send_status_report();
  void arm_report_timer();
  GetParameterReturn get_parameter(const GetParameterInvocation& g);
  bool passes_filter(const framing::Frame& f) const;
  void begin_tb_locked();
  void finish_tb_locked();
  void arm_latency(uint64_t seq);
  void start_offline(const SleTime& from, const SleTime& to);
  bool handle_cltu(Pdu& pdu, int st);
  GetParameterReturn get_cltu_parameter(const GetParameterInvocation& g);

  std::shared_ptr<SleProvider::Core> core_;
  std::vector<InstanceState*> candidates_;
  InstanceState* si_ = nullptr;
 public:
  std::atomic<InstanceState*> bound_si{nullptr};  ///< the instance while bound (read by stats())
 private:
  const ServiceInstanceConfig* cfg_ = nullptr;
  PeerConfig user_;
  std::optional<HashAlgorithm> peer_hash_;  ///< hash of the peer's BIND credentials
  int version_ = 0;
  ServiceType service_ = ServiceType::rtn_all_frames;
  std::atomic<int> state_{unbound};
  int requested_quality_ = 2;
  RequestedGvcid gvcid_;
  bool gvcid_set_ = false;
  int report_cycle_s_ = 0;
  boost::asio::steady_timer report_timer_, latency_timer_;

  // Data path (guarded by mu_).
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<uint8_t> cur_;
  BerWriter w_{cur_};
  int cur_frames_ = 0;
  bool cur_notify_ = false;
  uint64_t tb_seq_ = 0;
  std::deque<OutMsg> out_;
  static constexpr int kMaxPendingReturns = 1024;
  int pending_returns_ = 0;  ///< returns / reports in out_ (not yet handed to the socket)
  std::vector<std::vector<uint8_t>> pool_;  // written TRANSFER-BUFFER storage for reuse
  bool backlog_notify_ = false;
  AnnotatedFrame meta_;
  uint64_t delivered_ = 0, error_free_ = 0;
  // Forward CLTU state (strand).
  int64_t expected_cltu_id_ = 0, expected_event_id_ = 0;
  CltuProgress cltu_progress_;
  int64_t cltus_received_ = 0, cltus_processed_ = 0, cltus_radiated_ = 0;
};

}  // namespace groundlink::sle
