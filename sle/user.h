// SLE user (initiator) for RAF/RCF: connect, BIND, START, receive TRANSFER-BUFFERs, GET-PARAMETER,
// SCHEDULE-STATUS-REPORT, STOP, UNBIND. The confirmed operations block until their return arrives
// (or the timeout passes); frames are counted and handed to an optional callback on the I/O thread.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "sle/config.h"
#include "sle/credentials.h"
#include "sle/pdu.h"

namespace groundlink::sle {

/// The association failed: connection refused or lost, PEER-ABORT, or no return in time.
class SleUserError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct UserConfig {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string initiator_id = "groundlink-user";
  std::vector<uint8_t> password;            ///< our ISP1 password (auth bind/all)
  std::string responder_id;                 ///< expected provider id; empty = not checked
  std::vector<uint8_t> responder_password;  ///< to check the provider's credentials; empty = not checked
  std::string responder_port = "RAF_PORT";
  std::string sii = "sagr=1.spack=1.rsl-fg=1.raf=onlt1";
  ServiceType service = ServiceType::rtn_all_frames;
  int version = 5;
  AuthMode auth = AuthMode::none;
  uint16_t heartbeat_s = 30;
  uint16_t dead_factor = 3;
  int return_timeout_ms = 5000;
  int max_credential_age_s = 180;
  std::optional<HashAlgorithm> hash;        ///< our credentials' hash; nullopt = by version (SHA-256 from v5)
};

struct UserStats {
  uint64_t frames = 0;
  uint64_t bytes = 0;
  uint64_t buffers = 0;
  uint64_t notifications = 0;
  uint64_t backlog_notifications = 0;
  uint64_t end_of_data = 0;
  uint64_t status_reports = 0;
  uint64_t async_notifies = 0;  ///< CLTU ASYNC-NOTIFY invocations
};

class SleUser {
 public:
  explicit SleUser(UserConfig config);
  ~SleUser();
  SleUser(const SleUser&) = delete;
  SleUser& operator=(const SleUser&) = delete;

  /// Called for every annotated frame (I/O thread). Without it, TRANSFER-BUFFERs are only counted.
  void on_frame(std::function<void(const AnnotatedFrame&)> cb);
  void on_notification(std::function<void(const SyncNotification&)> cb);

  /// Connects, sends the context message and BIND; returns the BIND return (negative included).
  BindReturn bind();
  StartReturn start(RequestedFrameQuality quality = RequestedFrameQuality::all,
                    std::optional<SleTime> start = std::nullopt, std::optional<SleTime> stop = std::nullopt);
  StartReturn start_rcf(const RequestedGvcid& gvcid);
  StopReturn stop();
  GetParameterReturn get_parameter(int parameter);
  ScheduleStatusReportReturn schedule_status_report(ScheduleStatusReportInvocation::Kind kind, int cycle_s = 0);
  UnbindReturn unbind(int reason = 0);

  // Forward CLTU (service = fwd_cltu).
  StartReturn start_cltu(int64_t first_cltu_id);
  CltuTransferDataReturn transfer_cltu(int64_t cltu_id, const std::vector<uint8_t>& cltu, bool notify = true,
                                       int64_t delay_us = 0);
  ThrowEventReturn throw_event(int64_t event_invocation_id, int64_t event_id, const std::vector<uint8_t>& qualifier);
  /// Sends PEER-ABORT and closes.
  void peer_abort(PeerAbortDiagnostic diag);

  UserStats stats() const;
  std::optional<StatusReport> last_status_report() const;
  /// Waits until at least `n` frames arrived; false on timeout.
  bool wait_frames(uint64_t n, std::chrono::milliseconds timeout) const;
  /// Waits for the association to end; returns the PEER-ABORT diagnostic received, -1 for none.
  int wait_closed(std::chrono::milliseconds timeout) const;
  bool connected() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace groundlink::sle
